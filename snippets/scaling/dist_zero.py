"""Worker for zero-fsdp.py: per-rank memory and traffic of DDP, ZeRO-1 and FSDP2.

fp32 training with Adam: 4 bytes of weight + 4 of gradient + 8 of Adam moments =
16 bytes per parameter on every rank without sharding.
"""

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.distributed.device_mesh import init_device_mesh
from torch.distributed.fsdp import fully_shard
from torch.distributed.optim import ZeroRedundancyOptimizer
from torch.distributed.tensor import DTensor
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils._python_dispatch import TorchDispatchMode

WIDTH, LAYERS = 256, 4


class CommBytes(TorchDispatchMode):
    """Record the full (unsharded) size of every collective seen in dispatch."""

    def __init__(self):
        super().__init__()
        self.log: dict[str, int] = {}

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        name = func.__name__.split(".")[0]
        size = {
            "_allgather_base_": lambda: args[0].numel() * args[0].element_size(),
            "_reduce_scatter_base_": lambda: args[1].numel() * args[1].element_size(),
            "allreduce_": lambda: sum(t.numel() * t.element_size() for t in args[0]),
            "broadcast_": lambda: sum(t.numel() * t.element_size() for t in args[0]),
        }.get(name)
        if size is not None:
            self.log[name] = self.log.get(name, 0) + size()
        return func(*args, **(kwargs or {}))


def make_model() -> torch.nn.Sequential:
    torch.manual_seed(0)
    return torch.nn.Sequential(*[torch.nn.Linear(WIDTH, WIDTH) for _ in range(LAYERS)])


def local_bytes(tensors) -> int:
    tensors = [t.to_local() if isinstance(t, DTensor) else t for t in tensors]
    return sum(t.numel() * t.element_size() for t in tensors if t is not None)


def run(rank: int, world: int) -> dict:
    torch.manual_seed(1 + rank)
    x, y = torch.randn(8, WIDTH), torch.randn(8, WIDTH)  # this rank's micro-batch
    mesh = init_device_mesh("cpu", (world,))
    out = {}
    for setup in ["DDP", "ZeRO-1", "ZeRO-2-like", "ZeRO-3"]:
        model, ddp_bytes = make_model(), []
        if setup in ("DDP", "ZeRO-1"):
            net = DDP(model)

            def hook(state, bucket, log=ddp_bytes):  # count what DDP all-reduces
                log.append(bucket.buffer().numel() * 4)
                work = dist.all_reduce(bucket.buffer().div_(world), async_op=True)
                return work.get_future().then(lambda f: f.value()[0])

            net.register_comm_hook(None, hook)
        else:  # one FSDP unit per layer; ZeRO-2-like keeps weights gathered to backward
            for layer in model:
                fully_shard(layer, mesh=mesh, reshard_after_forward=setup == "ZeRO-3")
            net = fully_shard(model, mesh=mesh)
        if setup == "ZeRO-1":
            opt = ZeroRedundancyOptimizer(
                model.parameters(), optimizer_class=torch.optim.Adam, lr=1e-2
            )
        else:
            opt = torch.optim.Adam(model.parameters(), lr=1e-2)
        for _ in range(2):
            comm = CommBytes()
            with comm:
                loss = F.mse_loss(net(x), y)
                held = local_bytes(model.parameters())  # weights present after forward
                loss.backward()
                opt.step()
                opt.zero_grad(set_to_none=False)
        inner = opt.optim if setup == "ZeRO-1" else opt
        adam = [t for s in inner.state.values() for t in s.values() if t.dim() > 0]
        full = [
            p.full_tensor() if isinstance(p, DTensor) else p for p in model.parameters()
        ]
        out[setup] = {
            "params": local_bytes(model.parameters()),
            "grads": local_bytes(p.grad for p in model.parameters()),
            "adam": local_bytes(adam),
            "held_after_forward": held,
            "comm": {"allreduce_": sum(ddp_bytes) // 2, **comm.log},  # DDP: per step
            "final": torch.cat([p.detach().flatten() for p in full]).tolist(),
        }
    n_params = sum(p.numel() for p in make_model().parameters())
    ref = torch.tensor(out["DDP"]["final"])
    for setup in out:
        out[setup]["same_as_ddp"] = torch.allclose(
            torch.tensor(out[setup].pop("final")), ref, atol=1e-6
        )
    return {"n_params": n_params, "setups": out}
