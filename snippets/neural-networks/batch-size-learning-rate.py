# --8<-- [start:noise-scale]
import numpy as np

# Linear regression with a known optimum: the loss floor is half the noise variance.
rng = np.random.default_rng(0)
n, d = 20_000, 50
X = rng.normal(size=(n, d)) * np.linspace(0.2, 1.0, d)  # uneven curvature
w_true = rng.normal(size=d)
y = X @ w_true + 0.5 * rng.normal(size=n)
H = X.T @ X / n
lr_max = 1.0 / np.linalg.eigvalsh(H).max()  # stable for any batch size below 2/L


w_star = np.linalg.lstsq(X, y, rcond=None)[0]
floor = np.mean((X @ w_star - y) ** 2) / 2


def loss(w):  # exact for a quadratic, and cheap: O(d^2) instead of O(n d)
    return floor + (w - w_star) @ H @ (w - w_star) / 2


# Gradient noise scale B_simple = tr(Sigma) / |G|^2 (McCandlish et al. 2018), measured
# at the start and close to the end of training.
def noise_scale(w):
    per_example = (X @ w - y)[:, None] * X  # gradient of each example's loss
    G = per_example.mean(axis=0)
    return np.trace(np.cov(per_example.T)) / (G @ G)


def steps_to_target(batch, lr, target=floor + 0.02, max_steps=4000):
    w, g = np.zeros(d), np.random.default_rng(1)
    with np.errstate(over="ignore", invalid="ignore"):  # too-large lr diverges
        for step in range(1, max_steps + 1):
            i = g.integers(0, n, batch)
            w -= lr * X[i].T @ (X[i] @ w - y[i]) / batch
            if loss(w) < target:
                return step
    return max_steps + 1  # did not get there


print(f"B_noise at start: {noise_scale(np.zeros(d)):.0f}")
w_near = w_star + (np.zeros(d) - w_star) * 0.05  # 95% of the way to the optimum
print(f"B_noise near the end (loss {loss(w_near):.3f}): {noise_scale(w_near):.0f}")
print(f"loss floor {floor:.3f}, target {floor + 0.02:.3f}")
# For each batch size, the best of 9 learning rates, halving from the stability limit.
print("batch  best lr / lr_max  steps  examples seen")
for batch in [1, 4, 16, 64, 256, 1024]:
    results = [(steps_to_target(batch, lr_max / 2**k), 2.0**-k) for k in range(9)]
    steps, lr = min(results)
    print(f"{batch:5d} {lr:16.4f} {steps:6d} {steps * batch:14d}")
# --8<-- [end:noise-scale]
