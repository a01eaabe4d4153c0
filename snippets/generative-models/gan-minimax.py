import numpy as np
from scipy.stats import norm
from sklearn.linear_model import LogisticRegression

# Data p = N(0, 1); a fixed generator's distribution q = N(1.5, 0.7^2).
p, q = norm(0, 1), norm(1.5, 0.7)
rng = np.random.default_rng(0)
real, fake = p.rvs(20_000, random_state=rng), q.rvs(20_000, random_state=rng)

# Train the discriminator with the GAN's own loss, binary cross-entropy, real = 1.
# log p/q of two Gaussians is quadratic in x, so features (x, x^2) can express D*.
feats = np.concatenate([real, fake])[:, None] ** [1, 2]
labels = np.r_[np.ones(20_000), np.zeros(20_000)]
disc = LogisticRegression(C=1e6, max_iter=1000).fit(feats, labels)

grid = np.linspace(-3, 4, 701)
d_star = p.pdf(grid) / (p.pdf(grid) + q.pdf(grid))  # Goodfellow et al., Proposition 1
d_fit = disc.predict_proba(grid[:, None] ** [1, 2])[:, 1]
print(
    f"trained D vs p/(p+q), largest gap on [-3, 4]: {np.abs(d_fit - d_star).max():.3f}"
)

# The value of the game at D*:
# V = E_p[log D*] + E_q[log(1 - D*)] = -log 4 + 2 JSD(p, q).
x = np.linspace(-12, 12, 200_001)
dx = x[1] - x[0]
px, qx = p.pdf(x), q.pdf(x)
m = (px + qx) / 2
value = np.sum(px * np.log(px / (px + qx)) + qx * np.log(qx / (px + qx))) * dx
jsd = 0.5 * np.sum(px * np.log(px / m) + qx * np.log(qx / m)) * dx
print(f"V(D*, G) = {value:.4f};  -log 4 + 2 JSD = {-np.log(4) + 2 * jsd:.4f}")
prob_real = disc.predict_proba(real[:, None] ** [1, 2])[:, 1]
prob_fake = disc.predict_proba(fake[:, None] ** [1, 2])[:, 1]
sample_value = np.mean(np.log(prob_real)) + np.mean(np.log(1 - prob_fake))
print(f"V estimated with the trained D on samples: {sample_value:.4f}")

# Saturation: early in training the generator is far off, here q = N(5, 0.5^2), and the
# optimal discriminator rejects its samples. Gradient of each generator loss per sample:
# minimax:          d/dx log(1 - D(x)) = -D(x) a'(x)
# non-saturating:  -d/dx log D(x)      = -(1 - D(x)) a'(x),  with a = log p - log q.
far = norm(5, 0.5)
xf = far.rvs(10_000, random_state=rng)
a = p.logpdf(xf) - far.logpdf(xf)
slope = -xf - (-(xf - 5) / 0.5**2)  # a'(x)
d = 1 / (1 + np.exp(-a))
print(f"D on the generator's samples: mean {d.mean():.2e}")
print(f"mean |gradient|, minimax log(1 - D):   {np.mean(np.abs(d * slope)):.2e}")
print(f"mean |gradient|, non-saturating -log D: {np.mean(np.abs((1 - d) * slope)):.2e}")
