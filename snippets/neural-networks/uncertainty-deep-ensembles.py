import math

import torch

# tiny tensors: one thread is fastest, and the output does not depend on the machine
torch.set_num_threads(1)
torch.manual_seed(0)
M, H, T = 5, 32, 100  # ensemble members, hidden units, MC dropout passes


def truth(x):
    return torch.sin(x) + 0.3 * x


def noise_sd(x):
    # aleatoric noise grows with x: 0.05 at x = -4, 0.45 at x = 4
    return 0.05 + 0.05 * (x + 4)


def sample(*ranges, n=500):
    x = torch.cat([torch.rand(n, 1) * (hi - lo) + lo for lo, hi in ranges])
    return x, truth(x) + noise_sd(x) * torch.randn_like(x)


# training inputs in [-4, -2] and [2, 4]: no data in the gap between them
x_train, y_train = sample((-4, -2), (2, 4), n=200)


def init(m):
    """m independent MLPs 1-H-H-2 as batched weights, nn.Linear's default init."""

    def layer(i, o):
        w = (torch.rand(m, i, o) * 2 - 1) / math.sqrt(i)
        b = (torch.rand(m, 1, o) * 2 - 1) / math.sqrt(i)
        return [w.requires_grad_(), b.requires_grad_()]

    return layer(1, H) + layer(H, H) + layer(H, 2)


def forward(params, x, p_drop=0.0):
    """Mean and variance per network and input: two (networks, n) tensors."""
    w1, b1, w2, b2, w3, b3 = params
    h = x.expand(len(w1), *x.shape)
    for w, b in [(w1, b1), (w2, b2)]:
        h = torch.relu(torch.baddbmm(b, h, w))
        if p_drop:
            h = torch.nn.functional.dropout(h, p_drop, training=True)
    out = torch.baddbmm(b3, h, w3)
    # two heads: the mean, and a variance kept positive by softplus
    return out[..., 0], torch.nn.functional.softplus(out[..., 1]) + 1e-4


def gaussian_nll(mu, var, y):
    return 0.5 * (torch.log(2 * math.pi * var) + (y - mu) ** 2 / var)


def train(params, p_drop=0.0, steps=800, lr=1e-2):
    # full-batch Adam; the loss sums the members' mean NLLs, so each member
    # trains independently
    opt = torch.optim.Adam(params, lr=lr)
    for _ in range(steps):
        opt.zero_grad()
        mu, var = forward(params, x_train, p_drop)
        gaussian_nll(mu, var, y_train.T).mean(1).sum().backward()
        opt.step()
    return params


ensemble = train(init(M))
dropout_net = train(init(1), p_drop=0.1)


def predict(method, x):
    """Means and variances of the M members, T dropout masks, or one net."""
    with torch.no_grad():
        if method == "single net":
            return forward([p[:1] for p in ensemble], x)
        if method == "deep ensemble":
            return forward(ensemble, x)
        return forward([p.expand(T, *p.shape[1:]) for p in dropout_net], x, 0.1)


regions = {
    "data": sample((-4, -2), (2, 4)),
    "gap": sample((-1.5, 1.5)),
    "far": sample((6, 8)),
}
header = f"{'':<14}{'epistemic std':^21}{'NLL':>7}{'90% coverage':^21}{'RMSE':^14}"
print(header.rstrip())
print(
    f"{'method':<14}{'data    gap    far':>21}{'data':>7}"
    f"{'data    gap    far':>21}{'100%    50%':>14}"
)
for method in ["single net", "deep ensemble", "MC dropout"]:
    row = {"epistemic": [], "nll": [], "coverage": [], "rmse": []}
    for region, (x, y) in regions.items():
        mu, var = predict(method, x)
        # total variance = aleatoric (mean of variances) + epistemic (variance of means)
        var_epi = mu.var(0, unbiased=False)
        mean, sd = mu.mean(0), (var.mean(0) + var_epi).sqrt()
        err = y[:, 0] - mean
        row["epistemic"].append(var_epi.sqrt().mean())
        row["coverage"].append((err.abs() <= 1.6449 * sd).float().mean())
        if region == "data":
            # NLL of the mixture: average the members' densities, not their parameters
            log_p = torch.logsumexp(-gaussian_nll(mu, var, y[:, 0]), 0) - math.log(
                len(mu)
            )
            row["nll"].append(-log_p.mean())
            # selective prediction: keep the half with the smallest predicted std
            keep = sd.argsort()[: len(sd) // 2]
            row["rmse"] += [err.pow(2).mean().sqrt(), err[keep].pow(2).mean().sqrt()]
        if region == "far" and method == "deep ensemble":
            far_rmse, far_epi = err.pow(2).mean().sqrt(), var_epi.sqrt().mean()
    print(f"{method:<14}" + "".join(f"{v:>7.3f}" for k in row for v in row[k]))
print(
    f"deep ensemble far outside: RMSE {far_rmse:.3f}, mean epistemic std {far_epi:.3f}"
)
x = torch.tensor([[-3.0], [3.0]])
sd = predict("deep ensemble", x)[1].mean(0).sqrt()
print(
    f"deep ensemble aleatoric std: x = -3 {sd[0]:.3f} (true {noise_sd(-3):.3f}),"
    f" x = 3 {sd[1]:.3f} (true {noise_sd(3):.3f})"
)
