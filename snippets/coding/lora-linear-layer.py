# --8<-- [start:signature]
import torch
from torch import nn


class LoRALinear(nn.Module):
    """A frozen nn.Linear plus a trainable low-rank update (Hu et al., 2022).

    forward(x) = base(x) + (alpha / r) * x @ A.T @ B.T with lora_A (r, in_features),
    initialised at random, and lora_B (out_features, r), initialised to zeros, so the
    layer starts out equal to base. The base weight and bias are frozen
    (requires_grad False); lora_A and lora_B are the only trainable parameters.
    merge() returns a new nn.Linear with weight W + (alpha / r) * B @ A and the base
    bias, and leaves this module unchanged.
    """

    def __init__(self, base: nn.Linear, r: int = 8, alpha: float = 16.0):
        super().__init__()
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def merge(self) -> nn.Linear:
        raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import math

import torch
from torch import nn


class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, r: int = 8, alpha: float = 16.0):
        super().__init__()
        self.base, self.scale = base, alpha / r
        for p in self.base.parameters():
            p.requires_grad_(False)
        kwargs = {"dtype": base.weight.dtype, "device": base.weight.device}
        self.lora_A = nn.Parameter(torch.empty(r, base.in_features, **kwargs))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r, **kwargs))
        # A as nn.Linear initialises its weight (as loralib and peft do); B = 0 makes
        # B @ A = 0, so training starts from the base layer's function exactly
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # two thin matmuls, (..., in) -> (..., r) -> (..., out); never form B @ A here
        return self.base(x) + self.scale * (x @ self.lora_A.T) @ self.lora_B.T

    @torch.no_grad()
    def merge(self) -> nn.Linear:
        base = self.base
        merged = nn.Linear(
            base.in_features,
            base.out_features,
            bias=base.bias is not None,
            dtype=base.weight.dtype,
            device=base.weight.device,
        )
        merged.weight.copy_(base.weight + self.scale * self.lora_B @ self.lora_A)
        if base.bias is not None:
            merged.bias.copy_(base.bias)
        return merged


# --8<-- [end:solution]


# --8<-- [start:tests]
import torch
from torch import nn


def low_rank_task(d_in, d_out, rank, seed, n=256):
    # targets from the base layer's weights plus a rank-`rank` update
    torch.manual_seed(seed)
    base = nn.Linear(d_in, d_out)
    delta = torch.randn(d_out, rank) @ torch.randn(rank, d_in) / d_in
    x = torch.randn(n, d_in)
    with torch.no_grad():
        y = base(x) + x @ delta.T
    return base, x, y, delta


def train(layer, x, y, steps, lr=1e-2):
    trainable = [p for p in layer.parameters() if p.requires_grad]
    opt = torch.optim.Adam(trainable, lr=lr)
    losses = []
    for _ in range(steps):
        loss = nn.functional.mse_loss(layer(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def test_lora_linear_worked_example():
    torch.manual_seed(0)
    base = nn.Linear(4, 3)
    layer = LoRALinear(base, r=2, alpha=4)
    x = torch.randn(5, 4)
    assert torch.equal(layer(x), base(x))
    assert layer.lora_A.shape == (2, 4) and layer.lora_B.shape == (3, 2)
    assert layer.lora_A.abs().sum() > 0 and layer.lora_B.abs().sum() == 0
    trainable = sum(p.numel() for p in layer.parameters() if p.requires_grad)
    frozen = sum(p.numel() for p in layer.parameters() if not p.requires_grad)
    assert (trainable, frozen) == (2 * (4 + 3), 4 * 3 + 3)


def test_lora_linear_trains_only_a_and_b():
    base, x, y, _ = low_rank_task(16, 12, rank=2, seed=1)
    weight, bias = base.weight.clone(), base.bias.clone()
    layer = LoRALinear(base, r=2, alpha=4)
    losses = train(layer, x, y, steps=200)
    assert losses[-1] < 0.01 * losses[0]
    assert torch.equal(base.weight, weight) and torch.equal(base.bias, bias)
    assert base.weight.grad is None and layer.lora_B.grad is not None


def test_lora_linear_merge_gives_the_same_outputs():
    base, x, y, _ = low_rank_task(16, 12, rank=2, seed=2)
    layer = LoRALinear(base.double(), r=2, alpha=4)
    train(layer, x.double(), y.double(), steps=50)
    merged = layer.merge()
    assert type(merged) is nn.Linear
    assert sum(p.numel() for p in merged.parameters()) == 16 * 12 + 12
    x_new = torch.randn(7, 16, dtype=torch.float64)
    with torch.no_grad():
        torch.testing.assert_close(merged(x_new), layer(x_new), rtol=0, atol=1e-12)
        expected = nn.functional.linear(
            x_new, base.weight + 2.0 * layer.lora_B @ layer.lora_A, base.bias
        )
        torch.testing.assert_close(layer(x_new), expected, rtol=0, atol=1e-12)


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_lora_linear_worked_example,
    test_lora_linear_trains_only_a_and_b,
    test_lora_linear_merge_gives_the_same_outputs,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")

d, true_rank = 128, 4
for r in (4, 1):
    base, x, y, delta = low_rank_task(d, d, true_rank, seed=0, n=512)
    layer = LoRALinear(base, r=r, alpha=2 * r)
    with torch.no_grad():
        same = torch.equal(layer(x), base(x))
    trainable = sum(p.numel() for p in layer.parameters() if p.requires_grad)
    frozen = sum(p.numel() for p in layer.parameters() if not p.requires_grad)
    print(
        f"r={r}: equals the base layer at init {same}; trainable {trainable:,}, "
        f"frozen {frozen:,} ({trainable / frozen:.1%})"
    )
    losses = train(layer, x, y, steps=200)
    print(f"r={r}: MSE at step 1 {losses[0]:.4f}, after 200 steps {losses[-1]:.4f}")
    with torch.no_grad():
        learned = layer.scale * layer.lora_B @ layer.lora_A
        error = (learned - delta).norm() / delta.norm()
        # Eckart-Young: the best rank-r matrix keeps the r largest singular values
        sv = torch.linalg.svdvals(delta)
        floor = sv[r:].norm() / sv.norm()
        merged = layer.merge()
        x_new = torch.randn(64, d)
        gap = (merged(x_new) - layer(x_new)).abs().max().item()
    print(
        f"r={r}: |learned - true update| / |true update| {error:.3f} "
        f"(best possible at rank {r}: {floor:.3f})"
    )
    print(f"r={r}: merged nn.Linear gives the adapter's outputs (1e-5): {gap < 1e-5}")
# --8<-- [end:check]
