"""Worker for training-fault-tolerance.py: a sharded, asynchronous checkpoint with
torch.distributed.checkpoint, a crash, and resumptions that restore more or less of
the state."""

import os

import torch
import torch.distributed as dist
import torch.distributed.checkpoint as dcp
import torch.nn.functional as F
from torch.distributed.checkpoint.state_dict import get_state_dict, set_state_dict
from torch.distributed.device_mesh import init_device_mesh
from torch.distributed.fsdp import fully_shard
from torch.distributed.tensor import DTensor

STEPS, SAVE_AT, CRASH_AT, BATCH, N = 8, 4, 6, 16, 512


class Loader:
    """Reshuffles N examples each epoch (seed + epoch); state = (epoch, position)."""

    def __init__(self, rank, world, seed=0):
        g = torch.Generator().manual_seed(seed)
        self.x = torch.randn(N, 32, generator=g)
        self.y = self.x[:, :4].sum(1, keepdim=True) + torch.randn(N, 1, generator=g)
        self.rank, self.world, self.seed = rank, world, seed
        self.epoch, self.position = 0, 0

    def next_batch(self):
        if self.position == N // BATCH:
            self.epoch, self.position = self.epoch + 1, 0
        g = torch.Generator().manual_seed(self.seed + self.epoch)
        batch = torch.randperm(N, generator=g).view(-1, BATCH)[self.position]
        self.position += 1
        # this rank's share of the global batch
        mine = batch[self.rank :: self.world]
        return self.x[mine], self.y[mine]

    def state_dict(self):
        return {"epoch": self.epoch, "position": self.position}

    def load_state_dict(self, state):
        self.epoch, self.position = state["epoch"], state["position"]


def build(rank, world, init_seed=0):
    """Model (FSDP2, sharded over the ranks), AdamW, loader, per-rank dropout RNG."""
    torch.manual_seed(init_seed)
    model = torch.nn.Sequential(
        torch.nn.Linear(32, 256),
        torch.nn.GELU(),
        torch.nn.Dropout(0.1),
        torch.nn.Linear(256, 1),
    )
    mesh = init_device_mesh("cpu", (world,))
    for layer in (model[0], model[3]):
        fully_shard(layer, mesh=mesh)
    fully_shard(model, mesh=mesh)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
    torch.manual_seed(100 + rank)
    return model, opt, Loader(rank, world)


def step(model, opt, loader):
    x, y = loader.next_batch()
    loss = F.mse_loss(model(x), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    loss = loss.detach()
    dist.all_reduce(loss)
    return loss.item() / dist.get_world_size()


def state(model, opt, loader, rank):
    model_sd, optim_sd = get_state_dict(model, opt)
    # per-rank state needs per-rank keys: DCP keeps one copy of a replicated key
    return {
        "model": model_sd,
        "optim": optim_sd,
        f"rng/{rank}": torch.get_rng_state(),
        f"loader/{rank}": loader.state_dict(),
    }


def local_bytes(sd):
    tensors = [v for v in sd["model"].values()]
    tensors += [t for s in sd["optim"]["state"].values() for t in s.values()]
    local = [t.to_local() if isinstance(t, DTensor) else t for t in tensors]
    return sum(t.numel() * t.element_size() for t in local if t.dim() > 0)


def full_weights(model):
    return [p.full_tensor().clone() for p in model.parameters()]


def run(rank: int, world: int, ckpt_dir: str) -> dict:
    model, opt, loader = build(rank, world)
    reference = [step(model, opt, loader) for _ in range(STEPS)]

    # The same run again: an asynchronous checkpoint after step 4, a crash after 6.
    model, opt, loader = build(rank, world)
    # checkpoint collectives get their own group, off the training group's queue
    ckpt_group = dist.new_group(backend="gloo")
    for s in range(1, CRASH_AT + 1):
        step(model, opt, loader)
        if s == SAVE_AT:
            sd = state(model, opt, loader, rank)
            shard_bytes = local_bytes(sd)
            at_save = full_weights(model)
            # copies the state to memory, then writes it in a background thread
            future = dcp.async_save(
                sd, checkpoint_id=ckpt_dir, process_group=ckpt_group
            )
    # steps 5 and 6 ran while the checkpoint was being written
    future.result()
    del model, opt, loader

    # Restart: a model initialised differently, then the checkpoint loaded into it.
    out = {"reference": reference, "shard_bytes": shard_bytes, "resumed": {}}
    for restore in ["everything", "no RNG state", "no loader position"]:
        model, opt, loader = build(rank, world, init_seed=123)
        sd = state(model, opt, loader, rank)
        dcp.load(sd, checkpoint_id=ckpt_dir)
        set_state_dict(
            model, opt, model_state_dict=sd["model"], optim_state_dict=sd["optim"]
        )
        out["weights_from_step_4"] = all(
            torch.equal(a, b) for a, b in zip(full_weights(model), at_save)
        )
        if restore != "no RNG state":
            torch.set_rng_state(sd[f"rng/{rank}"])
        if restore != "no loader position":
            loader.load_state_dict(sd[f"loader/{rank}"])
        losses = [step(model, opt, loader) for _ in range(STEPS - SAVE_AT)]
        out["resumed"][restore] = losses
    out["files"] = sorted(os.listdir(ckpt_dir))
    return out
