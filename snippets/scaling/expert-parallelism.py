# --8<-- [start:measure]
import sys

sys.path.insert(0, "snippets/scaling")
from launcher import launch  # noqa: E402

# dist_moe.py: 4 experts, 2 per rank, top-1, 256 tokens of width 32 per rank (fp32)
tokens = 256
results = launch(
    "dist_moe", world=2, tokens=tokens, factors=[1.0, 1.25], steps=30, gamma=0.02
)
r0, r1 = results
ok = all(x["correct"] for r in results for x in r["capacity"] + [r["dropless"]])
sent = [[x["sent"] for x in r["capacity"]] + [r["dropless"]["sent"]] for r in results]
print(f"tokens per expert, both ranks: {r0['per_expert']} (mean {tokens // 2})")
print("dispatch              slots  dropped  padding  KB sent per rank")
for c in r0["capacity"]:
    print(f"capacity factor {c['cf']:.2f} {c['capacity']:6d} {c['dropped']:8d}"
          f" {c['padding']:8.2f} {c['sent'] / 1024:17.1f}")  # fmt: skip
d = r0["dropless"]["sent"] / 1024
print(f"dropless             {'-':>6} {0:8d} {0:8.2f} {d:17.1f}")
print(
    f"same output as one process: {ok}; same bytes on both ranks: {sent[0] == sent[1]}"
)
work = [r["dropless"]["work"] for r in results]
print(f"dropless: tokens through the experts on rank 0 and rank 1: {work}")
b = r0["balanced"]
print(f"bias balancing, 30 steps: tokens per expert {b['per_expert']}, "
      f"dropped at 1.00: {b['dropped']}")  # fmt: skip
# --8<-- [end:measure]
