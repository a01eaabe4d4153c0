import math

import torch

torch.manual_seed(0)
torch.set_num_threads(1)


# A one-step continuous bandit on actions in (-1, 1): a narrow high peak at +0.4 and a
# wide, lower peak at -0.4. Each pull returns r(a) plus Gaussian noise (std 0.1).
def reward(a):
    narrow = torch.exp(-0.5 * ((a - 0.4) / 0.05) ** 2)
    wide = 0.8 * torch.exp(-0.5 * ((a + 0.4) / 0.2) ** 2)
    return narrow + wide


# Critic: Q(a) linear in 81 Gaussian bumps, refit by ridge regression on the replay
# buffer. With one step there is no next state, so Q(a) is just the expected reward.
CENTERS = torch.linspace(-1, 1, 81)


def features(a):
    return torch.exp(-0.5 * ((a.unsqueeze(-1) - CENTERS) / 0.025) ** 2)


def tanh_gaussian_log_prob(eps, log_std, a):
    # log N(u; mu, std) minus log |da/du| for a = tanh(u), as in the SAC paper.
    normal = -0.5 * eps**2 - log_std - 0.5 * math.log(2 * math.pi)
    return normal - torch.log(1 - a**2 + 1e-6)


def train(alphas, auto, deterministic, seeds=5, steps=1500, warmup=200, start=0.6):
    """Runs len(alphas) x seeds independent agents at once, one per row."""
    k = len(alphas) * seeds
    gen = torch.Generator().manual_seed(1)
    alpha_fixed = torch.tensor(alphas).repeat_interleave(seeds)
    auto = torch.tensor(auto).repeat_interleave(seeds)
    mu = torch.full((k,), math.atanh(start), requires_grad=True)
    log_std = torch.full((k,), math.log(0.3), requires_grad=True)
    log_alpha = torch.zeros(k, requires_grad=True)
    actor_opt = torch.optim.Adam([mu] if deterministic else [mu, log_std], lr=1e-2)
    alpha_opt = torch.optim.Adam([log_alpha], lr=1e-2)
    xtx, xtr = 0.3 * torch.eye(81).repeat(k, 1, 1), torch.zeros(k, 81)
    for t in range(steps):
        with torch.no_grad():
            if t < warmup:
                a = torch.rand(k, generator=gen) * 2 - 1
            elif deterministic:
                # DDPG/TD3-style exploration: Gaussian noise on the actor's action.
                noise = 0.1 * torch.randn(k, generator=gen)
                a = (torch.tanh(mu) + noise).clamp(-0.99, 0.99)
            else:
                a = torch.tanh(mu + log_std.exp() * torch.randn(k, generator=gen))
            r = reward(a) + 0.1 * torch.randn(k, generator=gen)
            f = features(a)
            xtx += f.unsqueeze(2) * f.unsqueeze(1)
            xtr += f * r.unsqueeze(1)
            if (t + 1) % 50 == 0:
                w = torch.linalg.solve(xtx, xtr)
        if t < warmup:
            continue
        if deterministic:
            # Deterministic policy gradient: climb the critic at a = mu(s).
            loss = -(features(torch.tanh(mu)) * w).sum()
        else:
            # SAC actor: reparameterised tanh-Gaussian, maximise Q(a) - alpha log pi(a).
            eps = torch.randn(k, 64, generator=gen)
            a_pi = torch.tanh(mu.unsqueeze(1) + log_std.exp().unsqueeze(1) * eps)
            log_pi = tanh_gaussian_log_prob(eps, log_std.unsqueeze(1), a_pi)
            q = (features(a_pi) * w.unsqueeze(1)).sum(-1)
            alpha = torch.where(auto, log_alpha.exp().detach(), alpha_fixed)
            loss = (alpha.unsqueeze(1) * log_pi - q).mean(1).sum()
            # Temperature (SAC v2): alpha rises while the entropy is below the target
            # -dim(A) = -1 and falls while it is above.
            target_entropy = -1.0
            gap = (log_pi.detach() + target_entropy).mean(1)
            alpha_loss = -(log_alpha * gap)[auto].sum()
            alpha_opt.zero_grad()
            alpha_loss.backward()
            alpha_opt.step()
        actor_opt.zero_grad()
        loss.backward()
        actor_opt.step()
    alpha = torch.where(auto, log_alpha.exp(), alpha_fixed).detach()
    return mu.detach(), log_std.detach(), alpha


def evaluate(mu, log_std, deterministic):
    """Mean action, entropy and noise-free E[reward] of each policy (Monte Carlo)."""
    if deterministic:
        a = torch.tanh(mu)
        return a, torch.full_like(mu, -math.inf), reward(a)
    eps = torch.randn(len(mu), 20_000, generator=torch.Generator().manual_seed(2))
    a = torch.tanh(mu.unsqueeze(1) + log_std.exp().unsqueeze(1) * eps)
    entropy = -tanh_gaussian_log_prob(eps, log_std.unsqueeze(1), a).mean(1)
    return torch.tanh(mu), entropy, reward(a).mean(1)


# The exact optimum of E[r] + alpha H over all policies is pi*(a) ~ exp(r(a) / alpha).
grid = torch.linspace(-1, 1, 400_001, dtype=torch.float64)[1:-1]
da = grid[1] - grid[0]
exact = {}
print("exact optimum pi*(a) ~ exp(r(a)/alpha), on a grid")
print("alpha  E[reward]  entropy  E[r]+aH  mass on narrow peak")
for alpha in (0.01, 0.05, 0.1, 0.2):
    p = torch.softmax(reward(grid) / alpha, 0) / da
    ent = -(p * torch.log(p.clamp_min(1e-300))).sum() * da
    e_r = (p * reward(grid)).sum() * da
    exact[alpha] = e_r + alpha * ent
    narrow = (p * (grid > 0)).sum() * da
    print(f"{alpha:5} {e_r:10.3f} {ent:8.2f} {exact[alpha]:8.3f} {narrow:19.0%}")

print("\nlearned, 5 seeds each, every actor starting at a = 0.6")
print("method          alpha  final mean action, 5 seeds     entropy   E[r]  E[r]+aH")
runs, checks = [("deterministic", [0.0], [False], True)], []
runs.append(("SAC, fixed", [0.01, 0.05, 0.1, 0.2], [False] * 4, False))
runs.append(("SAC, auto", [1.0], [True], False))
for name, alphas, auto, det in runs:
    mu, log_std, alpha = train(alphas, auto, det)
    mean_a, entropy, e_r = evaluate(mu, log_std, det)
    for i in range(len(alphas)):
        s = slice(5 * i, 5 * i + 5)
        acts = " ".join(f"{x:+.2f}" for x in mean_a[s].tolist())
        soft = e_r[s] + alpha[s] * entropy[s]
        soft_txt = "-" if det else f"{soft.mean():.3f}"
        a_txt = "-" if det else f"{alpha[s].mean():.3f}"
        print(
            f"{name:14} {a_txt:>6}  {acts}  {entropy[s].mean():7.2f}  "
            f"{e_r[s].mean():5.3f}  {soft_txt:>7}"
        )
        if not det and not auto[i]:
            checks.append(bool((soft <= exact[alphas[i]] + 1e-3).all()))
print(f"no learned E[r]+aH exceeds the exact optimum: {all(checks)}")
