# --8<-- [start:signature]
import torch


def sequence_logps(token_logps: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Sum of the per-token log-probabilities where mask is 1: (B, T) -> (B,).

    mask is 1 on response tokens and 0 on prompt and padding tokens (bool or 0/1).
    Positions where it is 0 may hold any value, even -inf or nan: they must change
    neither the result nor its gradient.
    """
    raise NotImplementedError


def dpo_loss(
    policy_chosen: torch.Tensor,
    policy_rejected: torch.Tensor,
    ref_chosen: torch.Tensor,
    ref_rejected: torch.Tensor,
    chosen_mask: torch.Tensor,
    rejected_mask: torch.Tensor,
    beta: float = 0.1,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The DPO loss (Rafailov et al., 2023) of a batch of B preference pairs.

    policy_* and ref_* are per-token log-probabilities of the chosen responses,
    (B, T_c), and of the rejected ones, (B, T_r), under the policy and under the
    frozen reference model; chosen_mask and rejected_mask select the response tokens.
    With pi and ref the masked sums (sequence log-probabilities), returns
    (loss, chosen_rewards, rejected_rewards):
        loss: the mean over pairs of -log sigmoid(beta * ((pi_c - ref_c) - (pi_r -
            ref_r))), a scalar, finite for any margin, differentiable in the policy
            log-probabilities (the reference gets no gradient);
        chosen_rewards, rejected_rewards: the implicit rewards beta * (pi - ref), (B,),
            detached.
    """
    raise NotImplementedError


def reward_metrics(
    chosen_rewards: torch.Tensor, rejected_rewards: torch.Tensor
) -> tuple[float, float]:
    """(accuracy, margin): the share of pairs whose chosen reward is strictly above the
    rejected one (a tie counts as wrong), and the mean of chosen - rejected."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import torch
import torch.nn.functional as F


def sequence_logps(token_logps: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    # where, not token_logps * mask: 0 * -inf and 0 * nan are nan
    return torch.where(mask.bool(), token_logps, 0.0).sum(dim=-1)


def dpo_loss(
    policy_chosen: torch.Tensor,
    policy_rejected: torch.Tensor,
    ref_chosen: torch.Tensor,
    ref_rejected: torch.Tensor,
    chosen_mask: torch.Tensor,
    rejected_mask: torch.Tensor,
    beta: float = 0.1,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    chosen_logratio = sequence_logps(policy_chosen, chosen_mask) - sequence_logps(
        ref_chosen.detach(), chosen_mask
    )
    rejected_logratio = sequence_logps(policy_rejected, rejected_mask) - (
        sequence_logps(ref_rejected.detach(), rejected_mask)
    )
    z = beta * (chosen_logratio - rejected_logratio)
    # -log sigmoid(z) = log(1 + exp(-z)), computed without overflow for any z
    loss = -F.logsigmoid(z).mean()
    return loss, beta * chosen_logratio.detach(), beta * rejected_logratio.detach()


def reward_metrics(
    chosen_rewards: torch.Tensor, rejected_rewards: torch.Tensor
) -> tuple[float, float]:
    accuracy = (chosen_rewards > rejected_rewards).float().mean().item()
    margin = (chosen_rewards - rejected_rewards).mean().item()
    return accuracy, margin


# --8<-- [end:solution]


# --8<-- [start:tests]
import math

import pytest
import torch


def dpo_worked_example(dtype=torch.float32):
    """One pair, beta 0.1: a prompt token (mask 0), two response tokens, and, in the
    rejected row, one padding token (mask 0)."""
    kwargs = {"dtype": dtype}
    return dict(
        policy_chosen=torch.tensor([[-5.0, -1.0, -2.0]], **kwargs),
        policy_rejected=torch.tensor([[-5.0, -3.0, -1.0, 0.0]], **kwargs),
        ref_chosen=torch.tensor([[-4.0, -1.5, -2.5]], **kwargs),
        ref_rejected=torch.tensor([[-4.0, -2.0, -1.0, 0.0]], **kwargs),
        chosen_mask=torch.tensor([[0, 1, 1]]),
        rejected_mask=torch.tensor([[0, 1, 1, 0]]),
    )


def dpo_random_batch(seed, B=4, T=6, dtype=torch.float64):
    """Random per-token log-probabilities and masks: each row masks a prompt of 1 to 2
    tokens and a padding tail of 0 to 2 tokens, leaving at least 2 response tokens."""
    g = torch.Generator().manual_seed(seed)
    batch = {}
    for side in ("chosen", "rejected"):
        mask = torch.zeros(B, T, dtype=torch.long)
        for i in range(B):
            start = int(torch.randint(1, 3, (1,), generator=g))
            end = T - int(torch.randint(0, 3, (1,), generator=g))
            mask[i, start:end] = 1
        batch[f"{side}_mask"] = mask
        for model in ("policy", "ref"):
            batch[f"{model}_{side}"] = -3 * torch.rand(B, T, generator=g, dtype=dtype)
    return batch


def dpo_policy_grads(batch, beta=0.1):
    """The loss, the rewards and the gradients of the loss with respect to the policy's
    per-token log-probabilities of the chosen and the rejected responses."""
    leaves = {
        k: v.clone().requires_grad_(k.startswith("policy")) for k, v in batch.items()
    }
    loss, chosen, rejected = dpo_loss(**leaves, beta=beta)
    grad_c, grad_r = torch.autograd.grad(
        loss, [leaves["policy_chosen"], leaves["policy_rejected"]]
    )
    return loss.detach(), chosen, rejected, grad_c, grad_r


def test_dpo_worked_example():
    batch = dpo_worked_example()
    assert sequence_logps(batch["policy_chosen"], batch["chosen_mask"]).item() == -3.0
    assert sequence_logps(batch["ref_rejected"], batch["rejected_mask"]).item() == -3.0
    loss, chosen, rejected, grad_c, grad_r = dpo_policy_grads(batch)
    assert loss.item() == pytest.approx(math.log1p(math.exp(-0.2)), rel=1e-6)
    assert chosen.item() == pytest.approx(0.1, rel=1e-5)
    assert rejected.item() == pytest.approx(-0.1, rel=1e-5)
    assert not chosen.requires_grad and not rejected.requires_grad
    accuracy, margin = reward_metrics(chosen, rejected)
    assert accuracy == 1.0 and margin == pytest.approx(0.2, rel=1e-5)
    # d loss / d response token: -beta sigmoid(-0.2) = -0.045017 (chosen), + (rejected)
    g = 0.1 / (1 + math.exp(0.2))
    torch.testing.assert_close(grad_c, torch.tensor([[0.0, -g, -g]]))
    torch.testing.assert_close(grad_r, torch.tensor([[0.0, g, g, 0.0]]))


def test_dpo_policy_equal_to_reference_gives_log_2():
    batch = dpo_random_batch(seed=0, B=8)
    batch["policy_chosen"] = batch["ref_chosen"].clone()
    batch["policy_rejected"] = batch["ref_rejected"].clone()
    loss, chosen, rejected = dpo_loss(**batch, beta=0.5)
    assert loss.item() == pytest.approx(math.log(2), rel=1e-12)
    assert torch.equal(chosen, torch.zeros(8, dtype=torch.float64))
    assert torch.equal(rejected, torch.zeros(8, dtype=torch.float64))
    assert reward_metrics(chosen, rejected) == (0.0, 0.0)


def test_dpo_masked_tokens_change_nothing():
    batch = dpo_random_batch(seed=1)
    expected = dpo_policy_grads(batch)
    junk = torch.tensor([float("-inf"), float("nan"), 1e4, -1e4, 7.0])
    g = torch.Generator().manual_seed(2)
    noisy = dict(batch)
    for side in ("chosen", "rejected"):
        masked = ~batch[f"{side}_mask"].bool()
        for model in ("policy", "ref"):
            fill = junk[torch.randint(len(junk), masked.shape, generator=g)]
            noisy[f"{model}_{side}"] = torch.where(
                masked, fill.double(), batch[f"{model}_{side}"]
            )
    for got, want in zip(dpo_policy_grads(noisy), expected, strict=True):
        torch.testing.assert_close(got, want, rtol=0, atol=0)


def test_dpo_is_stable_for_large_margins():
    # reward margins of +1000 and -1000 in float32: the loss is (0 + 1000) / 2
    batch = dpo_worked_example(torch.float32)
    batch = {k: v.repeat(2, 1) for k, v in batch.items()}
    # the log-ratio difference is 2 in the worked example: make it +10000 and -10000
    batch["policy_chosen"][0, 1] += 9998
    batch["policy_chosen"][1, 1] -= 10002
    loss, chosen, rejected, grad_c, grad_r = dpo_policy_grads(batch)
    assert loss.item() == pytest.approx(500.0, rel=1e-6)
    assert torch.isfinite(grad_c).all() and torch.isfinite(grad_r).all()
    # the pair already right gets no gradient; the pair wrong by 1000 gets beta / B
    torch.testing.assert_close(grad_c[:, 1], torch.tensor([0.0, -0.05]))


def test_dpo_gradient_matches_closed_form_and_central_differences():
    beta, eps = 0.3, 1e-6
    batch = dpo_random_batch(seed=3, B=3, T=5)
    loss, chosen, rejected, grad_c, grad_r = dpo_policy_grads(batch, beta=beta)
    # closed form: -(beta / B) sigmoid(-z) on chosen response tokens, + on rejected
    weight = beta * torch.sigmoid(-(chosen - rejected)) / 3
    torch.testing.assert_close(grad_c, -weight[:, None] * batch["chosen_mask"])
    torch.testing.assert_close(grad_r, weight[:, None] * batch["rejected_mask"])
    for key, grad in (("policy_chosen", grad_c), ("policy_rejected", grad_r)):
        numeric = torch.zeros_like(grad)
        for i in range(grad.shape[0]):
            for t in range(grad.shape[1]):
                up, down = dict(batch), dict(batch)
                up[key], down[key] = batch[key].clone(), batch[key].clone()
                up[key][i, t] += eps
                down[key][i, t] -= eps
                diff = dpo_loss(**up, beta=beta)[0] - dpo_loss(**down, beta=beta)[0]
                numeric[i, t] = diff / (2 * eps)
        torch.testing.assert_close(grad, numeric, rtol=1e-6, atol=1e-9)


def test_dpo_gradient_pushes_chosen_up_relative_to_rejected():
    batch = dpo_random_batch(seed=4, B=6)
    loss, chosen, rejected, grad_c, grad_r = dpo_policy_grads(batch)
    on_c, on_r = batch["chosen_mask"].bool(), batch["rejected_mask"].bool()
    assert (grad_c[on_c] < 0).all() and (grad_r[on_r] > 0).all()
    # a pair the implicit reward ranks wrongly weighs more than one it ranks right
    margin = chosen - rejected
    weight = -grad_c.sum(dim=1) / on_c.sum(dim=1)
    assert weight[margin.argmin()] > weight[margin.argmax()]
    # one gradient step on the log-probabilities raises every pair's margin
    step = dict(batch)
    step["policy_chosen"] = batch["policy_chosen"] - 10.0 * grad_c
    step["policy_rejected"] = batch["policy_rejected"] - 10.0 * grad_r
    new_loss, new_chosen, new_rejected = dpo_loss(**step)
    assert (new_chosen - new_rejected > margin).all() and new_loss < loss


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_dpo_worked_example,
    test_dpo_policy_equal_to_reference_gives_log_2,
    test_dpo_masked_tokens_change_nothing,
    test_dpo_is_stable_for_large_margins,
    test_dpo_gradient_matches_closed_form_and_central_differences,
    test_dpo_gradient_pushes_chosen_up_relative_to_rejected,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")

# a categorical policy: per prompt, logits over 4 one-token answers, started at the
# reference; each prompt's answers are ranked, and every pair of the ranking is a
# preference pair (6 per prompt)
torch.manual_seed(0)
n_prompts, n_answers, beta = 3, 4, 0.1
ref_logits = torch.randn(n_prompts, n_answers)
ranking = torch.stack([torch.randperm(n_answers) for _ in range(n_prompts)])
ref_logp = torch.log_softmax(ref_logits, dim=-1)
best = ranking[:, 0]


def preference_pairs(ranks):
    """(prompt, chosen answer, rejected answer) for each pair of ranks (i, j), i < j."""
    rows = [
        (p, ranking[p, i].item(), ranking[p, j].item())
        for p in range(n_prompts)
        for i, j in ranks
    ]
    return [torch.tensor(column) for column in zip(*rows, strict=True)]


def run_dpo(ranks, steps=200, report=()):
    prompt, chosen, rejected = preference_pairs(ranks)
    # each response is one token: per-token log-probabilities of shape (B, 1)
    ones = torch.ones(len(prompt), 1)
    ref_c, ref_r = ref_logp[prompt, chosen, None], ref_logp[prompt, rejected, None]
    logits = ref_logits.clone().requires_grad_(True)
    opt = torch.optim.Adam([logits], lr=0.05)
    for step in range(steps + 1):
        logp = torch.log_softmax(logits, dim=-1)
        pol_c, pol_r = logp[prompt, chosen, None], logp[prompt, rejected, None]
        loss, r_c, r_r = dpo_loss(pol_c, pol_r, ref_c, ref_r, ones, ones, beta=beta)
        if step in report:
            accuracy, margin = reward_metrics(r_c, r_r)
            kl = (logp.exp() * (logp - ref_logp)).sum(dim=-1).mean().item()
            mean_c, mean_r = pol_c.mean().item(), pol_r.mean().item()
            print(
                f"{step:>4}  {loss.item():.3f}  {margin:>13.3f}  {accuracy:>8.2f}  "
                f"{mean_c:>13.3f}  {mean_r:>15.3f}  {kl:>9.3f}"
            )
        if step < steps:
            opt.zero_grad()
            loss.backward()
            opt.step()
    fell = (pol_c < ref_c).squeeze(1)
    return logp.detach(), chosen, fell


all_ranks = [(i, j) for i in range(n_answers) for j in range(i + 1, n_answers)]
print(
    f"{n_prompts} prompts x {n_answers} one-token answers, beta {beta}, Adam lr 0.05; "
    f"{n_prompts * len(all_ranks)} pairs"
)
print("step  loss  reward margin  accuracy  log p(chosen)  log p(rejected)  KL to ref")
logp, chosen, fell = run_dpo(all_ranks, report=(0, 1, 10, 25, 50, 100, 200))
n_fell = fell.sum().item()
print(f"log p(chosen) fell below the reference on {n_fell} of {len(fell)} pairs")
same = torch.equal(fell, chosen != best[preference_pairs(all_ranks)[0]])
print(f"exactly the pairs whose chosen answer is not the best: {same}")
rows = torch.arange(n_prompts)
for rank in range(n_answers):
    before = ref_logp[rows, ranking[:, rank]].exp().mean().item()
    after = logp[rows, ranking[:, rank]].exp().mean().item()
    print(f"answer ranked {rank + 1}: mean probability {before:.3f} -> {after:.3f}")
logp, chosen, fell = run_dpo([(0, n_answers - 1)])
before, after = ref_logp[rows, best].mean().item(), logp[rows, best].mean().item()
print(
    f"best-vs-worst pairs only: log p(chosen) fell on {fell.sum().item()} of "
    f"{len(fell)}, mean {before:.3f} -> {after:.3f}"
)
# --8<-- [end:check]
