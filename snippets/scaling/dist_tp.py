"""Worker for tensor-parallelism.py: a Megatron MLP split over 2 ranks, by hand and by
torch.distributed.tensor.parallel, checked against the unsplit MLP."""

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.distributed.device_mesh import init_device_mesh
from torch.distributed.tensor.debug import CommDebugMode
from torch.distributed.tensor.parallel import (
    ColwiseParallel,
    RowwiseParallel,
    parallelize_module,
)

D, HIDDEN, TOKENS = 64, 256, 10


class MLP(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.up = torch.nn.Linear(D, HIDDEN)  # A: D -> 4D
        self.down = torch.nn.Linear(HIDDEN, D)  # B: 4D -> D

    def forward(self, x):
        return self.down(F.gelu(self.up(x)))


class AllReduceInBackward(torch.autograd.Function):
    """Megatron's f: identity forward, all-reduce of the input gradient in backward."""

    @staticmethod
    def forward(ctx, x):
        return x

    @staticmethod
    def backward(ctx, grad):
        grad = grad.clone()
        dist.all_reduce(grad)
        return grad


class AllReduceInForward(torch.autograd.Function):
    """Megatron's g: all-reduce forward, identity backward."""

    @staticmethod
    def forward(ctx, x):
        x = x.clone()
        dist.all_reduce(x)
        return x

    @staticmethod
    def backward(ctx, grad):
        return grad


def run(rank: int, world: int) -> dict:
    torch.manual_seed(0)
    full = MLP()  # every rank builds the same full MLP, then keeps its slices
    x = torch.randn(TOKENS, D, requires_grad=True)
    y_full = full(x)
    y_full.square().sum().backward()

    cols = slice(rank * HIDDEN // world, (rank + 1) * HIDDEN // world)
    # Column split of A: this rank owns HIDDEN/world output features (rows of weight).
    a_w = full.up.weight[cols].detach().clone().requires_grad_()
    a_b = full.up.bias[cols].detach().clone().requires_grad_()
    # Row split of B: this rank owns the matching HIDDEN/world input features.
    b_w = full.down.weight[:, cols].detach().clone().requires_grad_()
    x_mine = x.detach().clone().requires_grad_()
    h = F.gelu(AllReduceInBackward.apply(x_mine) @ a_w.T + a_b)  # no communication
    partial = h @ b_w.T  # a partial sum of the output
    y = AllReduceInForward.apply(partial) + full.down.bias.detach()
    y.square().sum().backward()
    # Without f, each rank's input gradient is only its share of the sum.
    x_raw = x.detach().clone().requires_grad_()
    h_raw = F.gelu(x_raw @ a_w.detach().T + a_b.detach())
    y_raw = AllReduceInForward.apply(h_raw @ b_w.detach().T)
    (y_raw + full.down.bias.detach()).square().sum().backward()
    manual = {
        "output": torch.allclose(y, y_full, atol=1e-5),
        "weight_grads": torch.allclose(a_w.grad, full.up.weight.grad[cols], atol=1e-5)
        and torch.allclose(b_w.grad, full.down.weight.grad[:, cols], atol=1e-5),
        "input_grad": torch.allclose(x_mine.grad, x.grad, atol=1e-5),
        "input_grad_without_f": torch.allclose(x_raw.grad, x.grad, atol=1e-5),
        "shard_params": a_w.numel() + a_b.numel() + b_w.numel(),
    }

    # The same split with PyTorch's tensor-parallel API, counting its collectives.
    torch.manual_seed(0)
    tp = parallelize_module(
        MLP(),
        init_device_mesh("cpu", (world,)),
        {"up": ColwiseParallel(), "down": RowwiseParallel()},
    )
    x2 = x.detach().clone().requires_grad_()
    with CommDebugMode() as fwd:
        y2 = tp(x2)
    with CommDebugMode() as bwd:
        y2.square().sum().backward()
    return {
        "manual": manual,
        "full_params": sum(p.numel() for p in full.parameters()),
        "api_output": torch.allclose(y2, y_full, atol=1e-5),
        "api_input_grad": torch.allclose(x2.grad, x.grad, atol=1e-5),
        "fwd": {str(k).split(".")[-1]: v for k, v in fwd.get_comm_counts().items()},
        "bwd": {str(k).split(".")[-1]: v for k, v in bwd.get_comm_counts().items()},
    }
