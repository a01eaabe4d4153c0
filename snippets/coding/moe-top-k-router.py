# --8<-- [start:signature]
import torch
from torch import nn


def route_top_k(
    logits: torch.Tensor, k: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Top-k routing of N tokens over E experts, from the router's logits (N, E).

    probs = softmax(logits) over the E experts, (N, E)
    experts (N, k): each token's k most probable experts, most probable first
    gates (N, k): their probabilities renormalised to sum to 1 over the k chosen
    Returns (gates, experts, probs); gradients must flow from gates to logits.
    """
    raise NotImplementedError


def load_balancing_loss(probs: torch.Tensor, experts: torch.Tensor) -> torch.Tensor:
    """Switch Transformer auxiliary loss E * sum_i f_i * P_i, a scalar.

    probs (N, E) router probabilities; experts (N, k) the experts each token chose.
    f_i: the fraction of the N * k assignments that chose expert i (sums to 1);
    P_i: the mean router probability of expert i over the N tokens.
    1.0 when the routing is uniform; E when every token goes to one expert (k = 1)
    with probability 1. Only P carries a gradient.
    """
    raise NotImplementedError


class TopKMoE(nn.Module):
    """A sparse mixture-of-experts feed-forward layer: each token goes to k of E
    experts (small MLPs), and its output is the gate-weighted sum of their outputs.

    With capacity_factor set, each expert takes at most
        capacity = ceil(capacity_factor * k * N / E)
    assignments per batch: all first choices are served before any second choice,
    and within a rank tokens are served in order. An assignment over capacity is
    dropped: it adds nothing to the token's output (the gates are not renormalised),
    and a token with all k dropped gets 0, so it passes through the residual
    connection around the layer unchanged.
    """

    def __init__(
        self,
        d_model: int,
        d_hidden: int,
        n_experts: int,
        k: int,
        capacity_factor: float | None = None,
    ):
        super().__init__()
        self.k, self.capacity_factor = k, capacity_factor
        self.router = nn.Linear(d_model, n_experts, bias=False)
        self.experts = nn.ModuleList(
            nn.Sequential(
                nn.Linear(d_model, d_hidden), nn.GELU(), nn.Linear(d_hidden, d_model)
            )
            for _ in range(n_experts)
        )

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, int]:
        """x (N, d_model) -> (y (N, d_model), load-balancing loss, number of dropped
        assignments). Each expert runs once, on the tokens routed to it."""
        raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import math

import torch
import torch.nn.functional as F
from torch import nn


def route_top_k(
    logits: torch.Tensor, k: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    probs = logits.softmax(dim=-1)
    top, experts = probs.topk(k, dim=-1)
    # renormalise over the k chosen: equal to a softmax over the top-k logits
    gates = top / top.sum(dim=-1, keepdim=True)
    return gates, experts, probs


def load_balancing_loss(probs: torch.Tensor, experts: torch.Tensor) -> torch.Tensor:
    n_experts = probs.shape[-1]
    # counts are not differentiable: the gradient reaches the router through P
    counts = torch.bincount(experts.flatten(), minlength=n_experts)
    f = counts.to(probs.dtype) / experts.numel()
    P = probs.mean(dim=0)
    return n_experts * (f * P).sum()


class TopKMoE(nn.Module):
    def __init__(
        self,
        d_model: int,
        d_hidden: int,
        n_experts: int,
        k: int,
        capacity_factor: float | None = None,
    ):
        super().__init__()
        self.k, self.capacity_factor = k, capacity_factor
        self.router = nn.Linear(d_model, n_experts, bias=False)
        self.experts = nn.ModuleList(
            nn.Sequential(
                nn.Linear(d_model, d_hidden), nn.GELU(), nn.Linear(d_hidden, d_model)
            )
            for _ in range(n_experts)
        )

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, int]:
        n_tokens, n_experts = x.shape[0], len(self.experts)
        gates, experts, probs = route_top_k(self.router(x), self.k)
        aux = load_balancing_loss(probs, experts)
        # one row per assignment, rank-major: every first choice, then every second
        expert_of = experts.T.reshape(-1)
        token_of = torch.arange(n_tokens).repeat(self.k)
        gate_of = gates.T.reshape(-1)
        keep = torch.ones_like(expert_of, dtype=torch.bool)
        if self.capacity_factor is not None:
            capacity = math.ceil(self.capacity_factor * self.k * n_tokens / n_experts)
            one_hot = F.one_hot(expert_of, n_experts)
            # 0-based place of each assignment in its expert's queue
            place = (one_hot.cumsum(dim=0) * one_hot).sum(dim=1) - 1
            keep = place < capacity
        y = torch.zeros_like(x)
        for e, expert in enumerate(self.experts):
            rows = torch.nonzero(keep & (expert_of == e)).flatten()
            if len(rows) == 0:
                continue
            tokens = token_of[rows]
            # the gate multiplies the expert's output: the router's gradient path
            y = y.index_add(0, tokens, gate_of[rows, None] * expert(x[tokens]))
        return y, aux, int((~keep).sum())


# --8<-- [end:solution]


# --8<-- [start:tests]
import math

import pytest
import torch
import torch.nn.functional as F
from torch.func import functional_call


def moe_loop_reference(moe, x):
    """The layer by its definition, one token and one assignment at a time."""
    n_tokens, n_experts, k = x.shape[0], len(moe.experts), moe.k
    capacity = math.inf
    if moe.capacity_factor is not None:
        capacity = math.ceil(moe.capacity_factor * k * n_tokens / n_experts)
    probs = torch.softmax(moe.router(x), dim=-1).tolist()
    chosen = [sorted(range(n_experts), key=lambda e: -p[e])[:k] for p in probs]
    load, dropped, y = [0] * n_experts, 0, torch.zeros_like(x)
    for rank in range(k):
        for t in range(n_tokens):
            e = chosen[t][rank]
            if load[e] >= capacity:
                dropped += 1
                continue
            load[e] += 1
            gate = probs[t][e] / sum(probs[t][j] for j in chosen[t])
            y[t] += gate * moe.experts[e](x[t])
    return y, dropped


def test_route_top_k_worked_example():
    gates, experts, probs = route_top_k(torch.tensor([[2.0, 1.0, 0.0]]), k=2)
    assert experts.tolist() == [[0, 1]]
    assert probs[0].tolist() == pytest.approx([0.665241, 0.244728, 0.090031], abs=1e-6)
    assert gates[0].tolist() == pytest.approx([0.731059, 0.268941], abs=1e-6)
    # Shazeer et al.'s form: a softmax over the top-k logits only
    logits = torch.randn(50, 6, dtype=torch.float64, generator=torch.manual_seed(0))
    gates, experts, _ = route_top_k(logits, k=3)
    top_logits = logits.gather(1, experts)
    torch.testing.assert_close(gates, top_logits.softmax(dim=-1), rtol=1e-12, atol=0)


def test_load_balancing_loss_uniform_and_collapsed():
    n_experts, n_tokens = 8, 64
    # perfectly uniform: equal probabilities and equal counts
    uniform = torch.full((n_tokens, n_experts), 1 / n_experts, dtype=torch.float64)
    spread = torch.arange(n_tokens)[:, None] % n_experts
    assert load_balancing_loss(uniform, spread).item() == pytest.approx(1.0, rel=1e-12)
    # every token to expert 0 with probability 1: the maximum, E
    collapsed = torch.zeros(n_tokens, n_experts, dtype=torch.float64)
    collapsed[:, 0] = 1.0
    to_zero = torch.zeros(n_tokens, 1, dtype=torch.long)
    assert load_balancing_loss(collapsed, to_zero).item() == pytest.approx(8.0)
    # the worked example: f = [1, 0], P = [0.75, 0.25] -> 2 * 0.75
    probs = torch.tensor([[0.75, 0.25]] * 4, dtype=torch.float64)
    loss = load_balancing_loss(probs, torch.zeros(4, 1, dtype=torch.long))
    assert loss.item() == pytest.approx(1.5, rel=1e-12)
    # k = E: every expert gets every token, so f is uniform and the loss is 1
    probs = torch.softmax(torch.randn(n_tokens, n_experts, dtype=torch.float64), -1)
    everyone = torch.arange(n_experts).repeat(n_tokens, 1)
    assert load_balancing_loss(probs, everyone).item() == pytest.approx(1.0, rel=1e-12)


def test_moe_matches_token_by_token_reference():
    torch.manual_seed(1)
    x = torch.randn(40, 6, dtype=torch.float64)
    for k, capacity_factor in [(1, None), (2, None), (2, 0.5), (3, 0.75)]:
        moe = TopKMoE(6, 10, 4, k, capacity_factor).double()
        with torch.no_grad():
            y, aux, dropped = moe(x)
            y_ref, dropped_ref = moe_loop_reference(moe, x)
        torch.testing.assert_close(y, y_ref, rtol=1e-10, atol=1e-12)
        assert dropped == dropped_ref
        assert (dropped > 0) == (capacity_factor is not None)


def test_moe_with_all_experts_is_the_softmax_mixture():
    torch.manual_seed(2)
    n_experts = 5
    moe = TopKMoE(6, 10, n_experts, k=n_experts).double()
    x = torch.randn(30, 6, dtype=torch.float64)
    y, aux, dropped = moe(x)
    probs = torch.softmax(moe.router(x), dim=-1)
    outputs = torch.stack([expert(x) for expert in moe.experts], dim=1)
    dense = (probs[:, :, None] * outputs).sum(dim=1)
    torch.testing.assert_close(y, dense, rtol=1e-10, atol=1e-12)
    assert aux.item() == pytest.approx(1.0, rel=1e-12) and dropped == 0


def test_moe_router_gets_gradients_through_the_gates():
    torch.manual_seed(3)
    moe = TopKMoE(6, 10, 4, k=2).double()
    x = torch.randn(12, 6, dtype=torch.float64)
    weight = moe.router.weight.detach().clone().requires_grad_()

    def output(w):
        return functional_call(moe, {"router.weight": w}, (x,))[0]

    # finite differences move the gates, not the top-k choice: the analytic
    # gradient must agree, so a detached or non-differentiable gate fails here
    assert torch.autograd.gradcheck(output, (weight,), eps=1e-6, atol=1e-7)
    # the auxiliary loss reaches the router too, through P
    moe.zero_grad()
    moe(x)[1].backward()
    assert moe.router.weight.grad.abs().sum() > 0


def test_moe_capacity_drops_are_counted():
    torch.manual_seed(4)
    moe = TopKMoE(6, 10, 4, k=1, capacity_factor=0.5).double()
    x = torch.randn(64, 6, dtype=torch.float64)
    with torch.no_grad():
        y, _, dropped = moe(x)
        moe.capacity_factor = None
        y_all, _, none_dropped = moe(x)
        _, experts, _ = route_top_k(moe.router(x), k=1)
    capacity = math.ceil(0.5 * 1 * 64 / 4)
    load = torch.bincount(experts.flatten(), minlength=4)
    assert dropped == int((load - capacity).clamp(min=0).sum()) > 0
    assert none_dropped == 0
    # the first `capacity` tokens of each expert are served, in token order
    served = torch.zeros(64, dtype=torch.bool)
    for e in range(4):
        served[torch.nonzero(experts[:, 0] == e).flatten()[:capacity]] = True
    assert int((~served).sum()) == dropped
    torch.testing.assert_close(y[served], y_all[served], rtol=1e-12, atol=0)
    assert torch.all(y[~served] == 0)
    # capacity factor E / k: every expert may take every assignment
    moe.capacity_factor = 4.0
    assert moe(x)[2] == 0
    assert F.one_hot(experts.flatten(), 4).sum(0).tolist() == load.tolist()


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_route_top_k_worked_example,
    test_load_balancing_loss_uniform_and_collapsed,
    test_moe_matches_token_by_token_reference,
    test_moe_with_all_experts_is_the_softmax_mixture,
    test_moe_router_gets_gradients_through_the_gates,
    test_moe_capacity_drops_are_counted,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
torch.set_num_threads(1)
gates, experts, probs = route_top_k(torch.tensor([[2.0, 1.0, 0.0]]), k=2)
probs, gates = probs[0].tolist(), gates[0].tolist()
print(f"worked example: probs {[round(p, 6) for p in probs]}, experts", end=" ")
print(f"{experts[0].tolist()}, gates {[round(g, 6) for g in gates]}")

# k = 1 with the gate renormalised over 1 expert: the gate is always 1.0
torch.manual_seed(0)
x = torch.randn(64, 8)
for k in (1, 2):
    moe = TopKMoE(8, 16, 4, k)
    moe(x)[0].pow(2).mean().backward()
    norm = moe.router.weight.grad.norm().item()
    print(f"k = {k}, renormalised gates: router gradient norm from the task {norm:.4f}")

# Train on a generated task: imitate a random tanh MLP. The inputs share an offset,
# so at initialisation every token's router logits favour the same experts.
D, E, K = 8, 8, 2
torch.manual_seed(0)
teacher = nn.Sequential(nn.Linear(D, 64), nn.Tanh(), nn.Linear(64, D))
teacher.requires_grad_(False)


def batch(n, generator):
    x = torch.randn(n, D, generator=generator) + 1.0
    return x, teacher(x)


x_test, y_test = batch(4096, torch.Generator().manual_seed(1))
balance_rows, loss_rows = [], []
for coef in (0.0, 0.01):
    torch.manual_seed(1)
    moe = TopKMoE(D, 16, E, K)
    opt = torch.optim.Adam(moe.parameters(), lr=1e-2)
    data = torch.Generator().manual_seed(2)
    for _ in range(300):
        x, y = batch(256, data)
        out, aux, _ = moe(x)
        loss = F.mse_loss(out, y) + coef * aux
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        out, aux, _ = moe(x_test)
        _, experts, _ = route_top_k(moe.router(x_test), K)
        moe.capacity_factor = 1.25
        out_capped, _, dropped = moe(x_test)
    # share of the N * k routing slots per expert; the mean share is 1 / E
    share = torch.bincount(experts.flatten(), minlength=E) / experts.numel()
    shares = " ".join(f"{s:.2f}" for s in sorted(share.tolist(), reverse=True))
    most, least = share.max().item() * E, share.min().item() * E
    row = f"{coef:8.2f}  {shares:41}  {most:7.2f}x  {least:7.2f}x  {aux:7.3f}"
    balance_rows.append(row)
    mse, mse_capped = F.mse_loss(out, y_test), F.mse_loss(out_capped, y_test)
    dropped /= experts.numel()
    loss_rows.append(f"{coef:8.2f}  {mse:8.4f}  {dropped:32.1%}  {mse_capped:8.4f}")
print(f"{E} experts, top-{K}, 300 steps of Adam; measured on 4096 test tokens")
print(
    "aux coef  share of routing slots per expert, sorted  max/mean  min/mean  balance"
)
print("\n".join(balance_rows))
print(f"target variance {y_test.var():.4f}")
print("aux coef  test MSE  at capacity factor 1.25: dropped  test MSE")
print("\n".join(loss_rows))
# --8<-- [end:check]
