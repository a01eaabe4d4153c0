# --8<-- [start:loss]
import math

import torch
import torch.nn.functional as F


def dpo_loss(pi_chosen, pi_rejected, ref_chosen, ref_rejected, beta=0.1):
    """DPO loss (Rafailov et al. 2023, eq. 7) from the summed log-probs log p(y|x) of
    each response under the policy and under the frozen reference model."""
    chosen_reward = beta * (pi_chosen - ref_chosen)  # implicit reward b*log(pi/ref)
    rejected_reward = beta * (pi_rejected - ref_rejected)
    loss = -F.logsigmoid(chosen_reward - rejected_reward)
    return loss.mean(), chosen_reward, rejected_reward


# One preference pair; the policy already likes the chosen answer more than ref does.
pi_c = torch.tensor([-12.0], requires_grad=True)
pi_r = torch.tensor([-15.0], requires_grad=True)
ref_c, ref_r = torch.tensor([-13.0]), torch.tensor([-14.0])
loss, rc, rr = dpo_loss(pi_c, pi_r, ref_c, ref_r, beta=0.1)
loss.backward()

# By hand: margin = 0.1 * ((-12 + 13) - (-15 + 14)) = 0.2, loss = log(1 + e^-0.2),
# d loss / d log pi(chosen) = -beta * sigmoid(-margin).
margin = 0.1 * ((-12 + 13) - (-15 + 14))
hand = math.log(1 + math.exp(-margin))
hand_grad = -0.1 / (1 + math.exp(margin))
print(f"implicit rewards: chosen {rc.item():.3f}, rejected {rr.item():.3f}")
print(f"DPO loss {loss.item():.6f}, by hand {hand:.6f}")
print(f"d loss / d log pi(chosen) {pi_c.grad.item():.6f}, by hand {hand_grad:.6f}")
print(f"d loss / d log pi(rejected) {pi_r.grad.item():.6f}")
# --8<-- [end:loss]

# --8<-- [start:bandit]
import torch
import torch.nn.functional as F

# One prompt, five candidate answers: every policy is a softmax over 5 logits.
torch.manual_seed(0)
true_r = torch.tensor([2.0, 1.0, 0.5, 0.0, -1.0])  # hidden human preference strength
ref = torch.softmax(torch.tensor([0.0, 0.5, 1.5, 0.2, 0.8]), 0)  # SFT model's policy
beta = 0.5
# 4000 comparisons from the Bradley-Terry model: P(i beats j) = sigmoid(r_i - r_j).
i, j = torch.randint(0, 5, (2, 6000))
i, j = i[i != j][:4000], j[i != j][:4000]
i_wins = torch.rand(4000) < torch.sigmoid(true_r[i] - true_r[j])
win, lose = torch.where(i_wins, i, j), torch.where(i_wins, j, i)


def fit(params, loss_fn):
    """Minimise a smooth convex loss with full-batch L-BFGS."""
    opt = torch.optim.LBFGS(
        [params], max_iter=200, tolerance_grad=1e-9, line_search_fn="strong_wolfe"
    )

    def closure():
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        return loss

    opt.step(closure)
    return params.detach()


# RLHF step 1: fit a reward model to the comparisons (Bradley-Terry logistic loss).
r = torch.zeros(5, requires_grad=True)
r_hat = fit(r, lambda: -F.logsigmoid(r[win] - r[lose]).mean())
# Step 2: maximise E[r_hat] - beta * KL(pi || ref). PPO does this by sampling; with 5
# answers the maximiser has a closed form, pi ∝ ref * exp(r_hat / beta).
pi_rlhf = ref * torch.exp(r_hat / beta)
pi_rlhf /= pi_rlhf.sum()

# DPO: no reward model, no sampling; a classification loss on the same comparisons.
theta = torch.log(ref).clone().requires_grad_(True)  # start from the reference


def dpo():
    logp, logref = torch.log_softmax(theta, 0), torch.log(ref)
    margin = beta * ((logp[win] - logref[win]) - (logp[lose] - logref[lose]))
    return -F.logsigmoid(margin).mean()


pi_dpo = torch.softmax(fit(theta, dpo), 0)
optimal = ref * torch.exp(true_r / beta)  # KL-regularised optimum for the true reward
optimal /= optimal.sum()

print("policy     p(answer 0..4)                  E[true reward]  KL to ref")
policies = {"reference": ref, "RLHF": pi_rlhf, "DPO": pi_dpo, "optimal": optimal}
for name, p in policies.items():
    probs = " ".join(f"{v:.3f}" for v in p.tolist())
    kl = (p * (p / ref).log()).sum()
    print(f"{name:10} {probs}   {p @ true_r:14.3f}  {kl:9.3f}")
print(f"DPO policy = RLHF policy: {torch.allclose(pi_dpo, pi_rlhf, atol=1e-4)}")
# --8<-- [end:bandit]
