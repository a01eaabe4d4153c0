import numpy as np
import torch
import torch.nn.functional as F
from scipy.stats import spearmanr

torch.manual_seed(0)
rng = np.random.default_rng(0)
d = 10
w_true = rng.normal(size=d)


def true_reward(x):
    # The hidden "human" reward the preferences come from.
    return x @ w_true


def make_pairs(n):
    a, b = rng.normal(size=(n, d)), rng.normal(size=(n, d))
    # Bradley-Terry labels: P(a preferred) = sigmoid(r(a) - r(b)), so labels are noisy.
    p = 1 / (1 + np.exp(-(true_reward(a) - true_reward(b))))
    prefer_a = rng.random(n) < p
    chosen = np.where(prefer_a[:, None], a, b)
    rejected = np.where(prefer_a[:, None], b, a)
    return torch.tensor(chosen), torch.tensor(rejected)


def bt_loss(model, chosen, rejected):
    # -log sigmoid(r(chosen) - r(rejected)), averaged over pairs.
    margin = model(chosen).squeeze(-1) - model(rejected).squeeze(-1)
    return -F.logsigmoid(margin).mean()


test_c, test_r = make_pairs(5_000)
# The same loss as binary cross-entropy on the reward difference with label 1.
m = torch.nn.Linear(d, 1).double()
diff = m(test_c).squeeze(-1) - m(test_r).squeeze(-1)
bce = F.binary_cross_entropy_with_logits(diff, torch.ones_like(diff))
print(
    "BT loss equals BCE on the reward margin: "
    f"{torch.isclose(bt_loss(m, test_c, test_r), bce).item()}"
)

true_margin = true_reward(test_c.numpy()) - true_reward(test_r.numpy())
print(f"accuracy of the true reward on held-out pairs: {(true_margin > 0).mean():.3f}")

x_eval = torch.tensor(rng.normal(size=(2_000, d)))
for n_pairs in (100, 3_000):
    chosen, rejected = make_pairs(n_pairs)
    model = torch.nn.Sequential(
        torch.nn.Linear(d, 64), torch.nn.ReLU(), torch.nn.Linear(64, 1)
    ).double()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(300):
        opt.zero_grad()
        bt_loss(model, chosen, rejected).backward()
        opt.step()
    with torch.no_grad():
        train_acc = (model(chosen) > model(rejected)).double().mean().item()
        test_acc = (model(test_c) > model(test_r)).double().mean().item()
        rho = spearmanr(
            model(x_eval).squeeze(-1), true_reward(x_eval.numpy())
        ).statistic
    print(
        f"{n_pairs:>5} pairs: train acc {train_acc:.3f}, held-out acc {test_acc:.3f}, "
        f"Spearman with true reward {rho:.3f}"
    )

# Only differences are identified: adding a constant changes no probability.
with torch.no_grad():
    shifted = bt_loss(lambda x: model(x) + 5.0, test_c, test_r)
    print(
        "loss unchanged by a +5 shift: "
        f"{torch.isclose(shifted, bt_loss(model, test_c, test_r)).item()}"
    )
