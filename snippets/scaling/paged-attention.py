import random
import sys

import torch

sys.path.insert(0, "snippets/scaling")
from paged_engine import Engine, Request, serve  # noqa: E402
from tiny_lms import corpus, encode, target  # noqa: E402

model = target()
text, _ = corpus()
MAX_LEN = 160  # the longest prompt + answer the server accepts


def workload() -> list[Request]:
    rng = random.Random(1)
    reqs = []
    for i in range(32):  # all waiting at step 0
        start = rng.randrange(len(text) - 40)
        prompt = encode(text[start : start + rng.randint(8, 40)])
        reqs.append(Request(i, prompt, rng.choice([8, 16, 24, 32, 120])))
    return reqs


# The same KV memory, 48 blocks of 16 positions (768 tokens), allocated two ways.
print(
    "allocator               peak batch  preempted  steps  slots in use  == generate()"
)
for name, reserve in [("reserve MAX_LEN", MAX_LEN), ("paged, block by block", None)]:
    reqs = workload()
    engine = Engine(model, n_blocks=48, block_size=16, reserve=reserve)
    st = serve(engine, reqs, max_batch=32, policy="continuous")
    in_use = sum(st["used"]) / sum(st["allocated"])
    same = all(
        model.generate(torch.tensor([r.prompt]), max_new_tokens=r.max_new_tokens,
                       do_sample=False)[0].tolist() == r.tokens
        for r in reqs[:8]
    )  # fmt: skip
    print(f"{name:22s} {max(st['batch_sizes']):11d} {st['preempted']:10d}"
          f" {st['steps']:6d} {in_use:13.2f}  {same}")  # fmt: skip

# A block table maps a sequence's logical blocks to any free physical blocks.
engine = Engine(model, n_blocks=48, block_size=16)
a, b = (
    Request(0, encode("the little frog"), 40),
    Request(1, encode("ben saw a cat"), 40),
)
for r in (a, b):
    engine.admit(r)
for _ in range(40):
    engine.step([a, b])  # both grow, taking blocks as they cross 16-token boundaries
print(f"block tables after 40 steps: {a.blocks} and {b.blocks}")
empty = [len(r.blocks) * 16 - (len(r.tokens) - 1) for r in (a, b)]
print(f"waste: at most one partly filled block per sequence: {empty} empty slots")
