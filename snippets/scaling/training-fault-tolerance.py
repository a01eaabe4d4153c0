# --8<-- [start:resume]
import sys
import tempfile

sys.path.insert(0, "snippets/scaling")
from launcher import launch  # noqa: E402

with tempfile.TemporaryDirectory() as ckpt_dir:
    results = launch("dist_checkpoint", world=2, ckpt_dir=ckpt_dir)
r = results[0]
print(f"checkpoint files: {r['files']}")
print(f"bytes of model + AdamW state in each rank's shard: "
      f"{[x['shard_bytes'] for x in results]}")  # fmt: skip
print(f"loaded weights are the step-4 weights: {r['weights_from_step_4']}")
print(f"{'loss at steps 5-8':28s}{'':31s}same as uninterrupted")
print(f"{'uninterrupted':28s}" + " ".join(f"{v:7.4f}" for v in r["reference"][4:]))
for name, losses in r["resumed"].items():
    same = losses == r["reference"][4:]
    print(f"{'resumed, ' + name:28s}" + " ".join(f"{v:7.4f}" for v in losses)
          + f"  {same}")  # fmt: skip
# --8<-- [end:resume]

# --8<-- [start:interval]
import math

import numpy as np

# minutes between unexpected interruptions in Llama 3 405B's 54-day snapshot
mtbf = 54 * 24 * 60 / 419
print(f"Llama 3 405B, 54 days, 419 unexpected interruptions: one every "
      f"{mtbf / 60:.2f} h")  # fmt: skip


def young(delta, m):
    """Young (1974): checkpoint interval that minimises lost time, first order."""
    return math.sqrt(2 * delta * m)


def daly(delta, m):
    """Daly (2006): higher-order estimate (for delta < 2m)."""
    x = delta / (2 * m)
    return math.sqrt(2 * delta * m) * (1 + math.sqrt(x) / 3 + x / 9) - delta


def goodput(tau, delta, restart, m):
    """Expected useful share of time: exponential failures, none during restarts."""
    return tau / ((m + restart) * (math.exp((tau + delta) / m) - 1))


def simulate(tau, delta, restart, m, work=3000 * 60, seed=0):
    """Run `work` minutes of training in segments of tau + delta; failures roll back."""
    rng = np.random.default_rng(seed)
    wall, done, to_failure = 0.0, 0.0, rng.exponential(m)
    while done < work:
        if to_failure >= tau + delta:
            # segment and checkpoint finished before the next failure
            wall += tau + delta
            done += tau
            to_failure -= tau + delta
        else:
            # lose the segment, restart from the last checkpoint
            wall += to_failure + restart
            to_failure = rng.exponential(m)
    return done / wall


print(f"Daly at M = 6 h, checkpoint 5 min: {daly(5, 360):.0f} min (his example: 57)")
delta, restart = 5, 10
t_young = young(delta, mtbf)
print(f"MTBF {mtbf / 60:.2f} h, checkpoint {delta} min, restart {restart} min: "
      f"Young {t_young:.0f} min, Daly {daly(delta, mtbf):.0f} min")  # fmt: skip
print("interval min  goodput simulated  expected")
for tau in [5, 15, t_young, 90, 240]:
    sim = simulate(tau, delta, restart, mtbf)
    print(f"{tau:12.0f}  {sim:17.3f}  {goodput(tau, delta, restart, mtbf):8.3f}")
# failures per GPU-hour fixed: 8x the GPUs, 1/8 of the job's MTBF
print("GPUs      job MTBF  checkpoint  restart  Young interval  goodput")
for gpus in [16384, 131072]:
    m = mtbf * 16384 / gpus
    for delta, restart in [(5, 10), (0.5, 2)]:
        t = young(delta, m)
        print(f"{gpus:7,d}  {m:6.0f} min  {delta:6.1f} min  {restart:4d} min"
              f"  {t:10.0f} min  {goodput(t, delta, restart, m):7.3f}")  # fmt: skip
# --8<-- [end:interval]
