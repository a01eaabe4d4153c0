# --8<-- [start:measure]
import sys

sys.path.insert(0, "snippets/scaling")
from launcher import launch  # noqa: E402

# dist_pp.py: 8 layers as 2 stages of 4, one per process; 4 micro-batches of 2 examples.
ranks = launch("dist_pp", world=2, m=4)
for kind in ["GPipe", "1F1B"]:
    print(kind)
    for stage, r in enumerate(ranks):
        k = r[kind]
        print(f"  stage {stage}: {k['ops']:23s} gradients == unsplit model: "
              f"{k['same_grads']}, stored at peak: {k['peak']}")  # fmt: skip
# --8<-- [end:measure]

# --8<-- [start:simulate]
import sys  # noqa: E402

sys.path.insert(0, "snippets/scaling")
from dist_pp import schedule  # noqa: E402


def simulate(kind: str, p: int, m: int, tf: int = 1, tb: int = 2):
    """Run each stage's schedule as early as dependencies allow; return the timeline."""
    todo = [schedule(kind, s, p, m) for s in range(p)]
    done, clock, rows = {}, [0] * p, [[] for _ in range(p)]
    stored, peak = [0] * p, [0] * p  # micro-batches whose activations a stage holds
    while any(todo):
        for s in range(p):
            if not todo[s]:
                continue
            op, i = todo[s][0]
            dep = (("F", s - 1, i) if s > 0 else None) if op == "F" else (
                ("B", s + 1, i) if s < p - 1 else ("F", s, i))  # fmt: skip
            if dep is not None and dep not in done:
                continue
            start = max(clock[s], done[dep] if dep else 0)
            rows[s] += ["."] * (start - clock[s])
            length = tf if op == "F" else tb
            label = "0123456789"[i % 10] if op == "F" else "abcdefghij"[i % 10]
            rows[s] += [label] * length
            stored[s] += 1 if op == "F" else -1
            peak[s] = max(peak[s], stored[s])
            clock[s] = done[(op, s, i)] = start + length
            todo[s].pop(0)
    end = max(clock)
    return ["".join(r).ljust(end, ".") for r in rows], end, peak[0]


rows, _, _ = simulate("1F1B", p=4, m=8)
print("1F1B, 4 stages, 8 micro-batches (digit = forward, letter = backward):")
for s, row in enumerate(rows):
    print(f"  stage {s}: {row}")
print("   p    m  bubble simulated  (p-1)/(m+p-1)  stage 0 stores: GPipe  1F1B")
for p, m in [(4, 4), (4, 16), (8, 8), (8, 32), (8, 64)]:
    _, end, peak_gpipe = simulate("GPipe", p, m)
    _, end_1f1b, peak_1f1b = simulate("1F1B", p, m)
    assert end == end_1f1b  # same bubble, different memory
    bubble = 1 - m * 3 / end  # busy time per stage is m * (tf + tb) = 3m
    print(f"{p:4d} {m:4d} {bubble:17.3f} {(p - 1) / (m + p - 1):14.3f} "
          f"{peak_gpipe:21d} {peak_1f1b:5d}")  # fmt: skip
# --8<-- [end:simulate]
