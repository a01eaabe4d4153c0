import math
import os
import random
import tempfile

import torch
import torch.nn.functional as F
from torch import nn

torch.set_num_threads(1)
DEVICE = "cpu"
# bf16 needs no loss scaling; for fp16 on a GPU set DEVICE = "cuda" and
# DTYPE = torch.float16, and the GradScaler below switches itself on
DTYPE = torch.bfloat16
MICRO, ACCUM = 8, 4  # one optimizer step = 4 micro-batches of 8 = 32 examples
STEPS, WARMUP, MAX_NORM, EVAL_EVERY = 60, 6, 1.0, 20

# synthetic 4-class data: labels from a random linear teacher plus noise
g = torch.Generator().manual_seed(0)
X = torch.randn(1200, 16, generator=g)
noise = 0.5 * torch.randn(1200, 4, generator=g)
Y = (X @ torch.randn(16, 4, generator=g) + noise).argmax(1)
X_train, Y_train, X_val, Y_val = X[:1000], Y[:1000], X[1000:], Y[1000:]


def lr_factor(step: int) -> float:
    # linear warm-up, then cosine decay to 0 at step STEPS (counted in optimizer steps)
    if step < WARMUP:
        return (step + 1) / WARMUP
    return 0.5 * (1 + math.cos(math.pi * (step - WARMUP) / (STEPS - WARMUP)))


def build(seed: int):
    """Model, optimizer, scheduler and scaler, built from scratch."""
    torch.manual_seed(seed)
    model = nn.Sequential(
        nn.Linear(16, 64), nn.GELU(), nn.Dropout(0.1), nn.Linear(64, 4)
    )
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_factor)
    scaler = torch.amp.GradScaler(DEVICE, enabled=DTYPE is torch.float16)
    return model, opt, sched, scaler


@torch.no_grad()
def evaluate(model) -> float:
    model.eval()  # dropout off
    with torch.autocast(DEVICE, dtype=DTYPE):
        loss = F.cross_entropy(model(X_val), Y_val)
    model.train()
    return loss.item()


def train(model, opt, sched, scaler, start: int, stop: int, log=False) -> int:
    """Optimizer steps start..stop-1; returns how many steps were clipped."""
    model.train()
    clipped = 0
    for step in range(start, stop):
        # a random batch of 32 from the global RNG: the RNG state is the data order
        idx = torch.randperm(len(X_train))[: MICRO * ACCUM]
        opt.zero_grad(set_to_none=True)
        for micro in idx.split(MICRO):
            with torch.autocast(DEVICE, dtype=DTYPE):
                loss = F.cross_entropy(model(X_train[micro]), Y_train[micro])
            # backward outside autocast; / ACCUM makes the sum a mean over 32
            scaler.scale(loss / ACCUM).backward()
        scaler.unscale_(opt)  # clip the true gradient, not loss-scale * gradient
        norm = nn.utils.clip_grad_norm_(model.parameters(), MAX_NORM)
        clipped += int(norm > MAX_NORM)
        scaler.step(opt)  # with fp16: skips the step if a gradient is inf/NaN
        scaler.update()
        sched.step()  # once per optimizer step, never per micro-batch
        if log and (step + 1) % EVAL_EVERY == 0:
            print(f"  step {step + 1}: validation loss {evaluate(model):.3f}")
    return clipped


def save_checkpoint(path, model, opt, sched, scaler, step: int) -> None:
    state = {
        "model": model.state_dict(),
        "optimizer": opt.state_dict(),  # AdamW moments and step counts, current lr
        "scheduler": sched.state_dict(),  # where the schedule is
        "scaler": scaler.state_dict(),  # loss scale (empty when disabled)
        "step": step,  # the next optimizer step to run
        # on a GPU add torch.cuda.get_rng_state_all(); with numpy, save
        # rng.bit_generator.state (np.random.get_state() fails weights_only loading)
        "rng": {"torch": torch.get_rng_state(), "python": random.getstate()},
    }
    torch.save(state, path + ".tmp")
    os.replace(path + ".tmp", path)  # atomic: a crash mid-save keeps the old file


def resume(path, skip=()):
    """Rebuild everything from scratch (another seed), then load the checkpoint."""
    model, opt, sched, scaler = build(seed=123)
    state = torch.load(path, weights_only=True)
    model.load_state_dict(state["model"])
    for name, obj in (("optimizer", opt), ("scheduler", sched), ("scaler", scaler)):
        if name not in skip:
            obj.load_state_dict(state[name])
    if "rng" not in skip:
        # last: building the model above drew random numbers
        torch.set_rng_state(state["rng"]["torch"])
        random.setstate(state["rng"]["python"])
    return model, opt, sched, scaler, state["step"]


# 1. Accumulation: 4 micro-batches of 8 give the gradient of one batch of 32.
#    fp32, no autocast, dropout off (eval), so both sides compute the same function.
model, _, _, _ = build(seed=0)
model.eval()
xb, yb = X_train[:32], Y_train[:32]
F.cross_entropy(model(xb), yb).backward()
full = [p.grad.clone() for p in model.parameters()]
for divide in (True, False):
    model.zero_grad(set_to_none=True)
    for xm, ym in zip(xb.split(MICRO), yb.split(MICRO)):
        loss = F.cross_entropy(model(xm), ym)
        (loss / ACCUM if divide else loss).backward()
    acc = [p.grad for p in model.parameters()]
    if divide:
        diff = max((a - f).abs().max().item() for a, f in zip(acc, full))
        print(
            "accumulated 4 x 8 vs batch of 32: max abs difference < 1e-6:", diff < 1e-6
        )
    else:
        ratio = (
            torch.cat([a.flatten() for a in acc]).norm()
            / torch.cat([f.flatten() for f in full]).norm()
        )
        print(f"without / ACCUM the gradient is {ratio:.2f}x too large")

# 2. The full run, uninterrupted: bf16 autocast, accumulation, clipping, schedule.
print("uninterrupted run:")
model, opt, sched, scaler = build(seed=0)
before = evaluate(model)
clipped = train(model, opt, sched, scaler, 0, STEPS, log=True)
print(
    f"validation loss {before:.3f} -> {evaluate(model):.3f}, clipped {clipped}/{STEPS}"
)
reference = [p.detach().clone() for p in model.parameters()]


# 3. Stop at step 25, checkpoint, rebuild, resume; compare the final weights.
def interrupted_run(stop_at: int = 25, skip=()) -> tuple[bool, float]:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "ckpt.pt")
        model, opt, sched, scaler = build(seed=0)
        train(model, opt, sched, scaler, 0, stop_at)
        save_checkpoint(path, model, opt, sched, scaler, stop_at)
        del model, opt, sched, scaler  # the job dies here
        model, opt, sched, scaler, step = resume(path, skip)
        train(model, opt, sched, scaler, step, STEPS)
    pairs = list(zip(model.parameters(), reference))
    identical = all(torch.equal(p, r) for p, r in pairs)
    return identical, max((p - r).abs().max().item() for p, r in pairs)


print("interrupted at step 25 and resumed:")
for skip in [(), ("optimizer",), ("scheduler",), ("rng",)]:
    identical, d = interrupted_run(skip=skip)
    label = "everything saved" if not skip else f"without the {skip[0]} state"
    print(f"{label:28s} identical: {identical}, max abs weight difference {d:.4f}")
