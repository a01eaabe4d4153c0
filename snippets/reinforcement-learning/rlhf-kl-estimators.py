import numpy as np
import torch

rng = np.random.default_rng(0)
torch.manual_seed(0)
torch.set_num_threads(1)
V = 50
# One next-token distribution over a vocabulary of 50: the reference (SFT) logits and a
# random direction in which RL moves the policy's logits.
z_ref = torch.tensor(rng.normal(0.0, 2.0, V))
step = torch.tensor(rng.normal(0.0, 1.0, V))
logp_ref = torch.log_softmax(z_ref, dim=-1)


def kl(logp, logq):
    """Exact KL(p || q) from two vectors of log-probabilities."""
    return (logp.exp() * (logp - logq)).sum()


def policy_at(target):
    """Logits z_ref + t * step, with t found by bisection so KL(pi || ref) = target."""
    lo, hi = 0.0, 10.0
    for _ in range(100):
        t = (lo + hi) / 2
        if kl(torch.log_softmax(z_ref + t * step, dim=-1), logp_ref) < target:
            lo = t
        else:
            hi = t
    return z_ref + t * step


def estimators(logp, logq):
    """Schulman's k1, k2, k3 for KL(pi || ref), from log pi and log pi_ref of sampled
    tokens; log r = log pi_ref - log pi."""
    log_r = logq - logp
    return {"k1": -log_r, "k2": 0.5 * log_r**2, "k3": log_r.exp() - 1 - log_r}


# --- 1. The value: each estimator's mean over tokens sampled from pi, and its exact
# standard deviation per token (a sum over the vocabulary).
N = 100_000
print(f"{'':7}mean of {N:,} samples       exact sd of one sample")
print(
    f"{'true KL':>7}{'k1':>7}{'k2':>7}{'k3':>7}{'k1':>10}{'k2':>10}{'k3':>10}"
    f"{'k1<0':>6}{'max r':>9}{'E[k3] on pi<1e-5':>18}"
)
for target in [0.01, 0.1, 0.5, 2.0]:
    logp = torch.log_softmax(policy_at(target), dim=-1)
    pi = logp.exp()
    x = rng.choice(V, size=N, p=pi.numpy())
    k_tok = estimators(logp, logp_ref)
    means = "".join(f"{v[x].mean():7.3f}" for v in k_tok.values())
    sds = "".join(
        f"{(pi * (v - (pi * v).sum()) ** 2).sum().sqrt():10.3f}" for v in k_tok.values()
    )
    r_max = (logp_ref - logp).exp().max()
    # Part of E[k3] carried by tokens expected less than once in N samples.
    rare = (pi * k_tok["k3"])[pi < 1 / N].sum()
    k1_neg = (k_tok["k1"][x] < 0).double().mean()
    print(f"{target:7.2f}{means}{sds}{k1_neg:6.2f}{r_max:9.1e}{rare:18.3f}")


# --- 2. The gradient with respect to the policy logits.
def surrogates(z):
    """What each implementation differentiates, averaged exactly over the tokens pi
    samples (weights w = pi, detached: sampling is not differentiated)."""
    logp = torch.log_softmax(z, dim=-1)
    w = logp.exp().detach()
    k = estimators(logp, logp_ref)
    return {
        # KL in the reward: k1 is a detached number times log pi (REINFORCE).
        "k1 in reward": (w * k["k1"].detach() * logp).sum(),
        # KL as a loss: autograd through the estimate itself.
        "k1 as loss": (w * k["k1"]).sum(),
        "k2 as loss": (w * k["k2"]).sum(),
        "k3 as loss": (w * k["k3"]).sum(),
    }


def batch_loss(z, x, name):
    """The same implementations on one batch of sampled tokens x."""
    logp = torch.log_softmax(z, dim=-1)[x]
    k = estimators(logp, logp_ref[x])
    if name == "k1 in reward":
        return (k["k1"].detach() * logp).mean()
    return k[name[:2]].mean()


def grad(loss_fn, z):
    z = z.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(loss_fn(z), z)
    return g


def cos(a, b):
    return (a @ b / (a.norm() * b.norm())).item()


print("gradient w.r.t. the policy logits against the true grad KL(pi || ref)")
print("                       expected over tokens      batch of 64 tokens")
print(
    f"{'true KL':<9}{'estimator':<13}{'cos':>7}{'|g|/|g*|':>9}{'rel err':>9}"
    f"{'mean cos':>12} (500 batches)"
)
same_k2, same_k3 = [], []
for target in [0.1, 0.5, 2.0]:
    z = policy_at(target)
    g_true = grad(lambda z: kl(torch.log_softmax(z, dim=-1), logp_ref), z)
    g = {n: grad(lambda z, n=n: surrogates(z)[n], z) for n in surrogates(z)}
    pi = torch.softmax(z, dim=-1).numpy()
    batches = [rng.choice(V, size=64, p=pi) for _ in range(500)]
    for i, (name, g_n) in enumerate(g.items()):
        c = f"{cos(g_n, g_true):5.3f}" if g_n.norm() > 1e-12 else "  n/a"
        rel = ((g_n - g_true).norm() / g_true.norm()).item()
        batch_cos = [
            cos(grad(lambda z, x=x, n=name: batch_loss(z, x, n), z), g_true)
            for x in batches
        ]
        label = f"{target:7.1f}" if i == 0 else " " * 7
        print(
            f"{label}  {name:<13}{c:>7}{g_n.norm() / g_true.norm():9.3f}{rel:9.3f}"
            f"{np.mean(batch_cos):12.3f}"
        )
    same_k2.append(torch.allclose(g["k2 as loss"], g["k1 in reward"]))
    same_k3.append(
        torch.allclose(g["k3 as loss"], torch.from_numpy(pi) - logp_ref.exp())
    )
print(f"k2 as loss gives the same gradient as k1 in reward: {all(same_k2)}")
print(f"k3 as loss gives grad KL(ref || pi) = pi - pi_ref (forward KL): {all(same_k3)}")


# --- 3. Where each penalty pulls: maximise E[reward] - beta * KL with each gradient.
reward = torch.tensor(rng.normal(0.0, 1.0, V))
beta = 0.5


def objective(name):
    def loss(z):
        logp = torch.log_softmax(z, dim=-1)
        w = logp.exp().detach()
        if name == "k1 in reward":
            # InstructGPT-style: the penalty is part of the (detached) reward.
            shaped = reward - beta * (logp - logp_ref).detach()
            return -(w * shaped * logp).sum()
        # GRPO-style: policy-gradient term plus beta * estimator as a loss.
        k = estimators(logp, logp_ref)[name[:2]]
        return -(w * reward * logp).sum() + beta * (w * k).sum()

    return loss


# Closed forms: the reverse-KL optimum pi_ref * exp(r / beta) / Z, and the forward-KL
# optimum of E[r] - beta * KL(ref || pi), pi = beta * pi_ref / (lam - r), sum 1.
pi_rev = torch.softmax(logp_ref + reward / beta, dim=-1)
lo, hi = reward.max().item() + 1e-9, reward.max().item() + 100.0
for _ in range(200):
    lam = (lo + hi) / 2
    lo, hi = (
        (lam, hi) if (beta * logp_ref.exp() / (lam - reward)).sum() > 1 else (lo, lam)
    )
pi_fwd = beta * logp_ref.exp() / (lam - reward)

print(f"E[r] - {beta} * KL, 2,000 Adam steps on exact expected gradients from pi = ref")
print(
    f"{'penalty':<21}{'E[r]':>6}{'KL(pi||ref)':>13}{'KL(ref||pi)':>13}"
    f"{'min pi/ref':>12}{'TV: rev*':>11}{'fwd*':>6}"
)
runs = {}
for name in ["k1 in reward", "k1 as loss", "k2 as loss", "k3 as loss"]:
    z = z_ref.clone().requires_grad_(True)
    opt = torch.optim.Adam([z], lr=0.1)
    for _ in range(2_000):
        opt.zero_grad()
        objective(name)(z).backward()
        opt.step()
    runs[name] = torch.log_softmax(z.detach(), dim=-1)
for name, logp in list(runs.items()) + [
    ("closed form, reverse", pi_rev.log()),
    ("closed form, forward", pi_fwd.log()),
]:
    pi = logp.exp()
    print(
        f"{name:<21}{pi @ reward:6.3f}{kl(logp, logp_ref):13.3f}"
        f"{kl(logp_ref, logp):13.3f}{(pi / logp_ref.exp()).min():12.4f}"
        f"{0.5 * (pi - pi_rev).abs().sum():11.3f}{0.5 * (pi - pi_fwd).abs().sum():6.3f}"
    )


# --- 4. Sequences: two tokens from a vocabulary of 4; row 0 of the logit table gives
# the first token, row 1 + y1 the second. The KL of the whole response is the target.
seq_ref = torch.tensor(rng.normal(0.0, 1.5, (5, 4)))
seq_step = torch.tensor(rng.normal(0.0, 1.0, (5, 4)))
y1, y2 = (
    t.ravel() for t in torch.meshgrid(torch.arange(4), torch.arange(4), indexing="ij")
)


def token_logps(table):
    logp = torch.log_softmax(table, dim=-1)
    return logp[0, y1], logp[1 + y1, y2]


ref1, ref2 = token_logps(seq_ref)


def seq_losses(table):
    """Each implementation, averaged exactly over the 16 possible responses."""
    lp1, lp2 = token_logps(table)
    w = (lp1 + lp2).exp().detach()
    k1_1, k1_2 = lp1 - ref1, lp2 - ref2
    k = [estimators(lp, rf) for lp, rf in [(lp1, ref1), (lp2, ref2)]]
    return {
        # The exact KL of the response, differentiated through pi itself.
        "true: KL of the response": ((lp1 + lp2).exp() * (k1_1 + k1_2)).sum(),
        # Each token is credited with the KL of the tokens from it to the end.
        "k1 in reward, summed to the end": (
            w * ((k1_1 + k1_2).detach() * lp1 + k1_2.detach() * lp2)
        ).sum(),
        "k1 in reward, own token only": (
            w * (k1_1.detach() * lp1 + k1_2.detach() * lp2)
        ).sum(),
        "k2 as loss per token": (w * (k[0]["k2"] + k[1]["k2"])).sum(),
        "k3 as loss per token": (w * (k[0]["k3"] + k[1]["k3"])).sum(),
    }


table = seq_ref + 0.8 * seq_step
g_seq = {n: grad(lambda t, n=n: seq_losses(t)[n], table) for n in seq_losses(table)}
g_true = g_seq.pop("true: KL of the response").ravel()
lp1, lp2 = token_logps(table)
seq_kl = ((lp1 + lp2).exp() * (lp1 + lp2 - ref1 - ref2)).sum()
print(f"2-token responses, KL of the whole response {seq_kl:.3f}")
print(f"{'gradient of':<34}{'cos':>6}{'rel err':>9}")
for name, g in g_seq.items():
    g = g.ravel()
    rel = ((g - g_true).norm() / g_true.norm()).item()
    print(f"{name:<34}{cos(g, g_true):6.3f}{rel:9.3f}")
