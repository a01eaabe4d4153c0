import random
import sys

sys.path.insert(0, "snippets/scaling")
from paged_engine import Engine, Request, block_hashes, serve  # noqa: E402
from tiny_lms import corpus, encode, target  # noqa: E402

model = target()
text, _ = corpus()
system = encode(text[:150])  # a 150-token "system prompt" every request starts with


def workload(first_id: int, n: int, arrival: int = 0) -> list[Request]:
    rng = random.Random(first_id)
    reqs = []
    for i in range(n):
        start = rng.randrange(len(text) - 40)
        question = encode(text[start : start + rng.randint(10, 30)])
        reqs.append(
            Request(first_id + i, system + question, 20, arrival=arrival + 2 * i)
        )
    return reqs


print("prefix caching  prompt positions computed  total prompt positions  same tokens")
outputs = {}
for caching in [False, True]:
    engine = Engine(model, n_blocks=128, block_size=16, prefix_caching=caching)
    reqs = workload(0, 12)
    serve(engine, reqs, max_batch=8, policy="continuous")
    later = workload(100, 4, arrival=0)  # after the first wave has finished
    serve(engine, later, max_batch=8, policy="continuous")
    outputs[caching] = [r.tokens for r in reqs + later]
    total = sum(len(r.prompt) for r in reqs + later)
    same = outputs[caching] == outputs[False]
    print(f"{str(caching):14s} {engine.prompt_computed:26d} {total:23d}  {same}")

full_blocks = len(block_hashes(system, 16))
print(f"the system prompt fills {full_blocks} blocks of 16; a hit reuses "
      f"{full_blocks * 16} of its {len(system)} positions")  # fmt: skip
