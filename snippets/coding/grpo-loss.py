# --8<-- [start:signature]
import torch


def group_advantages(
    rewards: torch.Tensor,
    group_size: int,
    normalise_std: bool = True,
    eps: float = 1e-4,
) -> torch.Tensor:
    """Group-relative advantages, one per completion: (B,) -> (B,).

    rewards holds one scalar per completion, the group_size completions of each prompt
    next to each other (B = n_prompts * group_size). Returns r - mean(group), divided
    by (std(group) + eps) if normalise_std (GRPO), undivided if not (Dr. GRPO). std is
    the sample standard deviation (torch.std's default, n - 1 in the denominator).
    """
    raise NotImplementedError


def kl_k3(logp: torch.Tensor, ref_logp: torch.Tensor) -> torch.Tensor:
    """Schulman's k3 estimate of KL(pi || ref) from tokens sampled from pi,
    elementwise: exp(ref_logp - logp) - (ref_logp - logp) - 1."""
    raise NotImplementedError


def grpo_loss(
    logp: torch.Tensor,
    old_logp: torch.Tensor,
    ref_logp: torch.Tensor,
    advantages: torch.Tensor,
    mask: torch.Tensor,
    clip_eps: float = 0.2,
    beta: float = 0.04,
    aggregation: str = "sequence",
    max_tokens: int | None = None,
) -> torch.Tensor:
    """The GRPO loss to minimise, a scalar.

    logp, old_logp, ref_logp: (B, T) log-probabilities of the sampled tokens under the
    policy being trained (differentiable), the policy that sampled them and the frozen
    reference; the last two get no gradient. advantages: (B,), one per completion, the
    same for each of its tokens. mask: (B, T), 1 on completion tokens, 0 on padding,
    where the inputs may hold anything (nan, inf) without changing the loss or its
    gradient. Per token, with rho = exp(logp - old_logp):
        objective = min(rho A, clip(rho, 1 - clip_eps, 1 + clip_eps) A) - beta k3
    and the loss is minus its average over the completion tokens:
        "sequence": the mean over each completion's tokens, then over completions
            (GRPO);
        "token": the sum over every token of the batch / their number (DAPO);
        "fixed": the sum over every token / (B * max_tokens), a constant (Dr. GRPO);
            max_tokens defaults to T.
    """
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import torch


def group_advantages(
    rewards: torch.Tensor,
    group_size: int,
    normalise_std: bool = True,
    eps: float = 1e-4,
) -> torch.Tensor:
    grouped = rewards.reshape(-1, group_size)
    centred = grouped - grouped.mean(dim=1, keepdim=True)
    if normalise_std:
        centred = centred / (grouped.std(dim=1, keepdim=True) + eps)
    return centred.reshape(-1)


def kl_k3(logp: torch.Tensor, ref_logp: torch.Tensor) -> torch.Tensor:
    log_ratio = ref_logp - logp
    return torch.exp(log_ratio) - log_ratio - 1


def grpo_loss(
    logp: torch.Tensor,
    old_logp: torch.Tensor,
    ref_logp: torch.Tensor,
    advantages: torch.Tensor,
    mask: torch.Tensor,
    clip_eps: float = 0.2,
    beta: float = 0.04,
    aggregation: str = "sequence",
    max_tokens: int | None = None,
) -> torch.Tensor:
    mask = mask.bool()
    # clean the padding before any exp: a where() after it still sends 0 * inf = nan
    # back into the gradient
    logp = torch.where(mask, logp, 0.0)
    old_logp = torch.where(mask, old_logp.detach(), 0.0)
    ref_logp = torch.where(mask, ref_logp.detach(), 0.0)
    adv = advantages.detach()[:, None]
    ratio = torch.exp(logp - old_logp)
    clipped = torch.clamp(ratio, 1 - clip_eps, 1 + clip_eps)
    surrogate = torch.minimum(ratio * adv, clipped * adv)
    per_token = torch.where(mask, surrogate - beta * kl_k3(logp, ref_logp), 0.0)
    if aggregation == "sequence":
        lengths = mask.sum(dim=1).clamp(min=1)
        objective = (per_token.sum(dim=1) / lengths).mean()
    elif aggregation == "token":
        objective = per_token.sum() / mask.sum().clamp(min=1)
    elif aggregation == "fixed":
        objective = per_token.sum() / (mask.shape[0] * (max_tokens or mask.shape[1]))
    else:
        raise ValueError(f"unknown aggregation {aggregation!r}")
    return -objective


# --8<-- [end:solution]


# --8<-- [start:tests]
import math

import pytest
import torch

GRPO_AGGREGATIONS = ("sequence", "token", "fixed")


def grpo_random_batch(seed, B=6, T=7):
    """float64 log-probabilities of a batch with padding tails (each row keeps at least
    2 tokens), advantages of 3 groups of 2, and the mask."""
    g = torch.Generator().manual_seed(seed)
    lengths = torch.randint(2, T + 1, (B,), generator=g)
    mask = torch.arange(T)[None, :] < lengths[:, None]
    logp, old, ref = (
        -2 * torch.rand(3, B, T, generator=g, dtype=torch.float64)
    ).unbind()
    adv = group_advantages(torch.rand(B, generator=g, dtype=torch.float64), 2)
    return logp, old, ref, adv, mask


def grpo_grad(logp, *args, **kwargs):
    """The loss and its gradient with respect to logp."""
    leaf = logp.clone().requires_grad_(True)
    loss = grpo_loss(leaf, *args, **kwargs)
    (grad,) = torch.autograd.grad(loss, leaf)
    return loss.detach(), grad


def test_grpo_worked_example():
    adv = group_advantages(torch.tensor([1.0, 0.0, 0.0, 0.0]), 4)
    torch.testing.assert_close(adv, torch.tensor([1.5, -0.5, -0.5, -0.5]) / 1.0002)
    plain = group_advantages(torch.tensor([1.0, 0.0]), 2, normalise_std=False)
    torch.testing.assert_close(plain, torch.tensor([0.5, -0.5]))
    assert kl_k3(torch.tensor(0.0), torch.tensor(math.log(2))).item() == pytest.approx(
        1 - math.log(2)
    )
    # completions of 1 and 3 tokens, on-policy (rho = 1), no KL term
    logp = torch.tensor([[-1.0, 0.0, 0.0], [-1.0, -2.0, -0.5]])
    mask = torch.tensor([[1, 0, 0], [1, 1, 1]])
    expected = {
        "sequence": (0.0, [-0.25, 1 / 12]),
        "token": (0.25, [-0.125, 0.125]),
        "fixed": (0.125, [-0.0625, 0.0625]),
    }
    for aggregation, (value, (right, wrong)) in expected.items():
        loss, grad = grpo_grad(
            logp,
            logp,
            logp,
            plain,
            mask,
            beta=0.0,
            aggregation=aggregation,
            max_tokens=4,
        )
        assert loss.item() == pytest.approx(value, abs=1e-7)
        want = torch.tensor([[right, 0.0, 0.0], [wrong] * 3])
        torch.testing.assert_close(grad, want)


def test_grpo_advantages_sum_to_zero_and_equal_rewards_give_no_gradient():
    g = torch.Generator().manual_seed(0)
    rewards = torch.rand(5 * 8, generator=g, dtype=torch.float64)
    rewards[8:16] = 1.0
    rewards[16:24] = 0.5
    for normalise_std in (True, False):
        adv = group_advantages(rewards, 8, normalise_std)
        sums = adv.reshape(5, 8).sum(dim=1)
        torch.testing.assert_close(sums, torch.zeros(5, dtype=torch.float64))
        assert torch.equal(adv[8:24], torch.zeros(16, dtype=torch.float64))
    # float32 rounding leaves a constant group of 0.7 a tiny spread; eps damps it
    assert group_advantages(torch.full((8,), 0.7), 8).abs().max() < 1e-3
    # no gradient for a group whose rewards are all equal (without the KL term)
    logp, old, ref, _, mask = grpo_random_batch(1, B=16)
    adv = group_advantages(torch.cat([torch.ones(8), torch.rand(8, generator=g)]), 8)
    for aggregation in GRPO_AGGREGATIONS:
        _, grad = grpo_grad(
            logp, old, ref, adv, mask, beta=0.0, aggregation=aggregation
        )
        assert torch.equal(grad[:8], torch.zeros(8, 7, dtype=torch.float64))
        assert grad[8:].abs().sum() > 0


def test_grpo_k3_is_nonnegative_and_unbiased():
    grid = torch.linspace(-20, 20, 4001, dtype=torch.float64)
    assert (kl_k3(torch.zeros_like(grid), grid) >= 0).all()
    g = torch.Generator().manual_seed(2)
    for _ in range(5):
        pi = torch.softmax(2 * torch.randn(6, generator=g, dtype=torch.float64), 0)
        ref = torch.softmax(2 * torch.randn(6, generator=g, dtype=torch.float64), 0)
        exact = (pi * (pi.log() - ref.log())).sum()
        k3 = kl_k3(pi.log(), ref.log())
        # the exact expectation, by enumeration of the six outcomes
        torch.testing.assert_close((pi * k3).sum(), exact, rtol=1e-12, atol=1e-12)
        draws = k3[torch.multinomial(pi, 100_000, replacement=True, generator=g)]
        assert abs(draws.mean() - exact) < 4 * draws.std() / math.sqrt(len(draws))


def test_grpo_on_policy_gradient_is_reinforce():
    # a policy with logits; at rho = 1 the clipped loss's gradient with respect to the
    # logits is the REINFORCE gradient with the same advantages and token weights
    logp0, _, _, adv, mask = grpo_random_batch(3)
    g = torch.Generator().manual_seed(3)
    logits = torch.randn(6, 7, 5, generator=g, dtype=torch.float64)
    tokens = torch.randint(0, 5, (6, 7), generator=g)
    on = mask.double()
    weights = {
        "sequence": on / (on.sum(dim=1, keepdim=True) * 6),
        "token": on / on.sum(),
        "fixed": on / (6 * 7),
    }
    for aggregation, weight in weights.items():
        leaf = logits.clone().requires_grad_(True)
        logp = torch.log_softmax(leaf, -1).gather(-1, tokens[..., None])[..., 0]
        loss = grpo_loss(
            logp,
            logp.detach(),
            logp0,
            adv,
            mask,
            beta=0.0,
            **{"aggregation": aggregation},
        )
        (grad,) = torch.autograd.grad(loss, leaf)
        leaf = logits.clone().requires_grad_(True)
        logp = torch.log_softmax(leaf, -1).gather(-1, tokens[..., None])[..., 0]
        reinforce = -(weight * adv[:, None] * logp).sum()
        (want,) = torch.autograd.grad(reinforce, leaf)
        torch.testing.assert_close(grad, want, rtol=1e-12, atol=1e-14)


def test_grpo_clipping_zeroes_the_gradient_beyond_the_range():
    # six one-token completions: rho and A chosen to hit every case of the min
    rho = torch.tensor([1.5, 0.5, 1.5, 0.5, 1.1, 0.9], dtype=torch.float64)
    adv = torch.tensor([1.0, 1.0, -1.0, -1.0, 1.0, -1.0], dtype=torch.float64)
    old = torch.full((6, 1), -1.0, dtype=torch.float64)
    logp = old + rho.log()[:, None]
    mask = torch.ones(6, 1)
    _, grad = grpo_grad(logp, old, old, adv, mask, clip_eps=0.2, beta=0.0)
    # d(-rho A / 6) / d logp = -rho A / 6 where the unclipped term is the min, else 0
    want = torch.tensor([0.0, -0.5, 1.5, 0.0, -1.1, 0.9], dtype=torch.float64) / 6
    torch.testing.assert_close(grad[:, 0], want)


def test_grpo_padding_gets_no_gradient():
    logp, old, ref, adv, mask = grpo_random_batch(4)
    junk = torch.tensor([float("nan"), float("inf"), -float("inf"), 1e4, -1e4])
    g = torch.Generator().manual_seed(4)
    noisy = []
    for x in (logp, old, ref):
        fill = junk[torch.randint(len(junk), x.shape, generator=g)].double()
        noisy.append(torch.where(mask, x, fill))
    for aggregation in GRPO_AGGREGATIONS:
        kwargs = {"beta": 0.1, "aggregation": aggregation}
        loss, grad = grpo_grad(logp, old, ref, adv, mask, **kwargs)
        noisy_loss, noisy_grad = grpo_grad(*noisy, adv, mask, **kwargs)
        assert torch.equal(noisy_loss, loss) and torch.equal(noisy_grad, grad)
        assert (grad[~mask] == 0).all() and (grad[mask] != 0).all()


def test_grpo_length_bias_of_the_sequence_mean():
    # one group: two right answers of 10 tokens, wrong answers of 4 and 40 tokens
    lengths = torch.tensor([10, 10, 4, 40])
    mask = torch.arange(40)[None, :] < lengths[:, None]
    adv = group_advantages(torch.tensor([1.0, 1.0, 0.0, 0.0], dtype=torch.float64), 4)
    logp = torch.full((4, 40), -1.0, dtype=torch.float64)
    per_token = {}
    for aggregation in GRPO_AGGREGATIONS:
        _, grad = grpo_grad(
            logp, logp, logp, adv, mask, beta=0.0, aggregation=aggregation
        )
        # a positive gradient of the loss pushes the token's log-probability down
        per_token[aggregation] = grad[2, 0].item(), grad[3, 0].item()
        assert (grad[2:][mask[2:]] > 0).all()
    short, long = per_token["sequence"]
    assert short == pytest.approx(10 * long)
    for aggregation in ("token", "fixed"):
        short, long = per_token[aggregation]
        assert short == pytest.approx(long)


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_grpo_worked_example,
    test_grpo_advantages_sum_to_zero_and_equal_rewards_give_no_gradient,
    test_grpo_k3_is_nonnegative_and_unbiased,
    test_grpo_on_policy_gradient_is_reinforce,
    test_grpo_clipping_zeroes_the_gradient_beyond_the_range,
    test_grpo_padding_gets_no_gradient,
    test_grpo_length_bias_of_the_sequence_mean,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")

torch.manual_seed(0)
g = torch.Generator().manual_seed(0)
print("check                                                  result")
rewards = torch.rand(40, generator=g, dtype=torch.float64)
sums = group_advantages(rewards, 8).reshape(5, 8).sum(dim=1)
print(
    f"5 groups of 8: max |sum of advantages| < 1e-12         {sums.abs().max() < 1e-12}"
)
near = torch.tensor([1.0, 1.0, 1.0, 1.0 + 1e-6], dtype=torch.float64)
damped, raw = (group_advantages(near, 4, eps=e).abs().max().item() for e in (1e-4, 0))
print(
    f"rewards 1, 1, 1, 1 + 1e-6: max |A| with eps 1e-4, 0     {damped:.4f}  {raw:.3f}"
)
const = torch.full((8,), 0.7)
damped, raw = (group_advantages(const, 8, eps=e).abs().max().item() for e in (1e-4, 0))
print(
    f"8 x 0.7 in float32: max |A| with eps 1e-4, 0            {damped:.4f}  {raw:.3f}"
)

pi = torch.softmax(torch.tensor([2.0, 1.0, 0.0, -1.0], dtype=torch.float64), 0)
ref = torch.softmax(torch.tensor([0.0, 1.0, 1.0, 0.0], dtype=torch.float64), 0)
exact = (pi * (pi.log() - ref.log())).sum().item()
k1_all, k3_all = pi.log() - ref.log(), kl_k3(pi.log(), ref.log())
draws = torch.multinomial(pi, 100_000, replacement=True, generator=g)
k1, k3 = k1_all[draws], k3_all[draws]
enumerated = (pi * k3_all).sum().item()
print(f"KL(pi||ref): exact, E[k3] over 4 outcomes, 1e5 draws   {exact:.4f}  ", end="")
print(f"{enumerated:.4f}  {k3.mean():.4f}")
print("one draw: k1 below 0, k3 below 0; std of k1, k3         ", end="")
print(f"{(k1 < 0).double().mean():.3f}  {(k3 < 0).double().mean():.3f}  ", end="")
print(f"{k1.std():.3f}  {k3.std():.3f}")
# the k3 term as a loss: its expected gradient, with pi's weights held fixed


def grad_of(function):
    """Gradient with respect to pi's logits of function(log pi)."""
    logits = torch.tensor([2.0, 1.0, 0.0, -1.0], dtype=torch.float64)
    logits.requires_grad_(True)
    return torch.autograd.grad(function(torch.log_softmax(logits, 0)), logits)[0]


k3_grad = grad_of(lambda logp: (pi * kl_k3(logp, ref.log())).sum())
reverse = grad_of(lambda logp: (logp.exp() * (logp - ref.log())).sum())
forward = grad_of(lambda logp: (ref * (ref.log() - logp)).sum())
same_forward = torch.allclose(k3_grad, forward, rtol=1e-12, atol=1e-15)
same_reverse = torch.allclose(k3_grad, reverse, rtol=1e-3)
print(f"k3 as a loss: gradient of KL(ref||pi) {same_forward}, of KL(pi||ref) ", end="")
print(f"{same_reverse}")

rho = torch.tensor([1.5, 0.5, 1.5, 0.5, 1.1, 0.9], dtype=torch.float64)
adv = torch.tensor([1.0, 1.0, -1.0, -1.0, 1.0, -1.0], dtype=torch.float64)
old = torch.full((6, 1), -1.0, dtype=torch.float64)
_, grad = grpo_grad(old + rho.log()[:, None], old, old, adv, torch.ones(6, 1), beta=0)
print("clip 0.2, one-token completions, batch of 6:")
print("  rho            " + "".join(f"{x:>8.1f}" for x in rho))
print("  A              " + "".join(f"{x:>+8.0f}" for x in adv))
print("  d loss/d logp  " + "".join(f"{x:>8.3f}" for x in grad[:, 0]))

lengths = torch.tensor([10, 10, 4, 40])
mask = torch.arange(40)[None, :] < lengths[:, None]
adv = group_advantages(torch.tensor([1.0, 1.0, 0.0, 0.0], dtype=torch.float64), 4)
logp = torch.full((4, 40), -1.0, dtype=torch.float64)
print("group: right answers of 10 tokens, wrong ones of 4 and 40; on-policy, beta 0")
print("aggregation             push down per token: short    long  ratio  whole answer")
names = {"sequence": "sequence mean (GRPO)", "token": "token mean (DAPO)"}
names["fixed"] = "fixed 40 (Dr. GRPO)"
for aggregation, name in names.items():
    _, grad = grpo_grad(logp, logp, logp, adv, mask, beta=0.0, aggregation=aggregation)
    short, long = grad[2, 0].item(), grad[3, 0].item()
    print(f"{name:<22} {short:>27.4f}  {long:.4f}  {short / long:>5.1f}  ", end="")
    print(f"{short * 4 / (long * 40):>12.2f}")


# a toy policy: per prompt, independent logits for each of 6 positions over 6 tokens
# (token 0 ends the completion); the reward is 1 if the first token is the prompt's
# target, which the reference makes unlikely
n_prompts, group, n_pos, vocab = 4, 8, 6, 6
targets = torch.tensor([1, 2, 3, 4])
ref_logits = 0.5 * torch.randn(
    n_prompts, n_pos, vocab, generator=g, dtype=torch.float64
)
ref_logits[torch.arange(n_prompts), 0, targets] -= 1.0
prompt = torch.arange(n_prompts).repeat_interleave(group)


def sample_completions(logits):
    probs = torch.softmax(logits, -1)[prompt].reshape(-1, vocab)
    tokens = torch.multinomial(probs, 1, generator=g).reshape(-1, n_pos)
    ended = (tokens == 0).long()
    mask = (ended.cumsum(dim=1) - ended) == 0
    reward = (tokens[:, 0] == targets[prompt]).double()
    return tokens, mask, reward


def token_logps(logits, tokens):
    return torch.log_softmax(logits, -1)[prompt].gather(-1, tokens[..., None])[..., 0]


variants = {
    "GRPO": (True, "sequence"),
    "token mean": (True, "token"),
    "Dr. GRPO": (False, "fixed"),
}
history = {}
for name, (normalise_std, aggregation) in variants.items():
    g.manual_seed(1)
    logits = ref_logits.clone().requires_grad_(True)
    opt = torch.optim.Adam([logits], lr=0.05)
    history[name] = []
    for _ in range(60):
        with torch.no_grad():
            tokens, mask, reward = sample_completions(logits)
            old_logp = token_logps(logits, tokens)
            ref_logp = token_logps(ref_logits, tokens)
        adv = group_advantages(reward, group, normalise_std)
        # two steps per batch: the second one is off-policy, so the clip can act
        for _ in range(2):
            loss = grpo_loss(
                token_logps(logits, tokens),
                old_logp,
                ref_logp,
                adv,
                mask,
                **{"clip_eps": 0.2, "beta": 0.04, "aggregation": aggregation},
            )
            opt.zero_grad()
            loss.backward()
            opt.step()
        dead = (reward.reshape(-1, group).std(dim=1) == 0).double().mean().item()
        history[name].append((reward.mean().item(), dead, mask.sum(1).double().mean()))
print(f"toy: {n_prompts} prompts, G = {group}, reward = first token is the target")
print("iterations   mean reward: GRPO  token mean  Dr. GRPO   groups all equal")
for start in range(0, 60, 10):
    rows = [history[name][start : start + 10] for name in variants]
    means = [sum(r[0] for r in row) / 10 for row in rows]
    dead = sum(r[1] for row in rows for r in row) / 30
    print(
        f"{start + 1:>2}-{start + 10:<2}  {means[0]:>22.3f}  {means[1]:>10.3f}  ",
        end="",
    )
    print(f"{means[2]:>8.3f}  {dead:>17.2f}")
