import random
import sys

import torch

sys.path.insert(0, "snippets/scaling")
from paged_engine import Engine, Request, serve  # noqa: E402
from tiny_lms import corpus, encode, target  # noqa: E402

model = target()  # a 2-layer character-level GPT-2 trained on CPU (tiny_lms.py)
text, _ = corpus()


def workload() -> list[Request]:
    """40 requests, one every 4 steps; most answers are short, a few are long."""
    rng = random.Random(0)
    reqs = []
    for i in range(40):
        start = rng.randrange(len(text) - 40)
        prompt = encode(text[start : start + rng.randint(8, 40)])
        n_new = rng.choice([4, 8, 12, 16, 24]) if rng.random() < 0.8 else 96
        reqs.append(Request(i, prompt, n_new, arrival=4 * i))
    return reqs


results = {}
for policy in ["static", "continuous"]:
    reqs = workload()
    engine = Engine(model, n_blocks=256, block_size=16)
    results[policy] = (serve(engine, reqs, max_batch=8, policy=policy), reqs)

print("policy      steps  mean batch  mean latency  p90 latency  mean TTFT  (in steps)")
for policy, (st, _) in results.items():
    lat, ttft = sorted(st["latency"]), st["ttft"]
    mean_batch = sum(st["batch_sizes"]) / len(st["batch_sizes"])
    print(f"{policy:10s} {st['steps']:6d} {mean_batch:11.2f}"
          f" {sum(lat) / len(lat):13.1f} {lat[int(0.9 * len(lat))]:12d}"
          f" {sum(ttft) / len(ttft):10.1f}")  # fmt: skip

# Every request gets exactly the tokens that model.generate() gives it alone.
same = True
for r in results["continuous"][1]:
    alone = model.generate(
        torch.tensor([r.prompt]), max_new_tokens=r.max_new_tokens, do_sample=False
    )
    same &= alone[0].tolist() == r.tokens
print(f"continuous batching output == generate() one request at a time: {same}")
