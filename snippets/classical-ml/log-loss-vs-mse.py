import numpy as np
from scipy.special import expit
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import StandardScaler

# 1. Convexity in the weight: second derivative along w for a 1-D data set
x = np.array([-2.0, -1.0, -0.5, 0.5, 1.0, 2.0])
y = np.array([0, 0, 1, 0, 1, 1])
w = np.linspace(-10, 10, 2001)
p = expit(np.outer(w, x))
losses = {
    "log-loss": -(y * np.log(p) + (1 - y) * np.log(1 - p)).mean(axis=1),
    "MSE": ((p - y) ** 2).mean(axis=1),
}
for name, loss in losses.items():
    curvature = np.gradient(np.gradient(loss, w), w)
    print(
        f"{name:<9} smallest second derivative over w in [-10, 10]: "
        f"{curvature.min():+.4f}  convex: {bool(curvature.min() > -1e-9)}"
    )

# 2. Gradient descent from zero and from a confidently wrong start
X, y = load_breast_cancer(return_X_y=True)
X = np.column_stack([np.ones(len(y)), StandardScaler().fit_transform(X)])
w_good = np.linalg.lstsq(X, 2 * y - 1, rcond=None)[0]
starts = {
    "zero": np.zeros(X.shape[1]),
    # points the wrong way, confidently: median |logit| about 13
    "wrong": -30 * w_good / np.abs(w_good).max(),
}
print(
    f"{'start':<6}{'loss':<9}"
    + "".join(f"{f'step {s}':>10}" for s in (0, 100, 500, 2000))
)
for start, w0 in starts.items():
    for name in ["log-loss", "MSE"]:
        w, accs = w0.copy(), [np.mean((X @ w0 > 0) == y)]
        for step in range(1, 2001):
            p = expit(X @ w)
            g = p - y if name == "log-loss" else 2 * (p - y) * p * (1 - p)
            w -= 0.1 * X.T @ g / len(y)
            if step in (100, 500, 2000):
                accs.append(np.mean((X @ w > 0) == y))
        print(f"{start:<6}{name:<9}" + "".join(f"{a:10.3f}" for a in accs))
print("(training accuracy; a zero start predicts 'negative' for every row)")
