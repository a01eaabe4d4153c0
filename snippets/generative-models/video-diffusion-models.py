# --8<-- [start:toy]
import numpy as np

# A "video" is F frames of a D-pixel signal, jointly Gaussian: each frame has the
# spatial covariance S (neighbouring pixels correlate 0.8) and every pixel follows an
# AR(1) process over frames with correlation RHO, so cov = kron(K, S). The score of
# the data blurred by noise of standard deviation tau is known in closed form, so a
# Gaussian "model" below is an exactly trained network, with no model error.
F, D, RHO, N = 16, 8, 0.95, 1000
rng = np.random.default_rng(0)


def ar1_cov(n, r):
    i = np.arange(n)
    return r ** np.abs(i[:, None] - i[None, :])


K, S = ar1_cov(F, RHO), ar1_cov(D, 0.8)


class Gaussian:
    """Exact score of N(mean, cov) under noise tau: -(cov + tau^2 I)^-1 (x - mean).
    Videos are flat rows of F * D values, frame after frame."""

    def __init__(self, cov):
        self.lam, self.v = np.linalg.eigh(cov)
        self.inv = {}

    def score(self, x, tau, mean=0.0):
        if tau not in self.inv:
            self.inv[tau] = (self.v / (self.lam + tau**2)) @ self.v.T
        return -(x - mean) @ self.inv[tau]


# Deterministic sampler: Heun's method on the probability-flow ODE
# dx/dtau = -tau * score(x, tau), from tau = 100 to 0 (DDIM is Euler's method on it).
TAUS = np.append(np.exp(np.linspace(np.log(100), np.log(0.002), 60)), 0.0)


def sample(score, x, *args):
    """Run the ODE from x at tau = TAUS[0] to tau = 0; args go to the score."""
    for t, t_next in zip(TAUS[:-1], TAUS[1:]):
        d = -t * score(x, t, *args)
        x_next = x + (t_next - t) * d
        if t_next > 0:
            d_next = -t_next * score(x_next, t_next, *args)
            x_next = x + (t_next - t) * (d + d_next) / 2
        x = x_next
    return x


def corr(u, v):
    return (u * v).mean() / np.sqrt((u * u).mean() * (v * v).mean())


def report(name, x):
    v = x.reshape(len(x), -1, D)
    var = (v**2).mean()
    space = corr(v[..., 1:], v[..., :-1])
    lag1, lag15 = corr(v[:, 1:], v[:, :-1]), corr(v[:, 15], v[:, 0])
    flicker = ((v[:, 1:] - v[:, :-1]) ** 2).mean()
    print(f"{name:<34}{var:6.3f}{space:7.3f}{lag1:7.3f}{lag15:7.3f}{flicker:8.3f}")


# The video model knows the joint distribution of all frames; the image model knows
# one frame's distribution and is applied to every frame on its own (its covariance
# has no blocks between frames).
video_model = Gaussian(np.kron(K, S))
image_model = Gaussian(np.kron(np.eye(F), S))
z = rng.standard_normal((N, F * D))
shared = np.tile(rng.standard_normal((N, D)), F)

print(f"{F} frames x {D} pixels, AR(1) over frames with rho {RHO}, {N:,} videos a row")
print(f"{'':<34}{'pixel':>6}{'space':>7}{'time corr':>14}{'flicker':>8}")
print(f"{'sampler':<34}{'var':>6}{'corr':>7}{'lag 1':>7}{'lag 15':>7}{'(MSD)':>8}")
print(
    f"{'data, closed form':<34}{1:6.3f}{0.8:7.3f}{RHO:7.3f}{RHO**15:7.3f}"
    f"{2 * (1 - RHO):8.3f}"
)
tau0 = TAUS[0]
joint = sample(video_model.score, tau0 * z)
report("(a) joint score, all frames", joint)
report("(b) per-frame score, own noise", sample(image_model.score, tau0 * z))
report("(c) per-frame score, shared noise", sample(image_model.score, tau0 * shared))
mixed = np.sqrt(0.95) * shared + np.sqrt(0.05) * z
report("    per-frame score, 95% shared", sample(image_model.score, tau0 * mixed))
# For a Gaussian the exact flow map from noise to data is cov^(1/2) z.
lam, v = video_model.lam, video_model.v
gap = abs(joint - z @ (v * np.sqrt(lam)) @ v.T).max()
print(f"(a) against the exact flow map cov^(1/2) z: max |difference| {gap:.3f}")

# (d) Extend a video 8 frames at a time, each chunk conditioned on the last frame so
# far, with the exact conditional score, or with classifier-free guidance on that
# frame: (1 + w) * conditional score - w * unconditional score.
C, CHUNKS, M = 8, 16, 1000
K1 = ar1_cov(C + 1, RHO)
a = K1[1:, :1]
conditional = Gaussian(np.kron(K1[1:, 1:] - a @ a.T, S))
unconditional = Gaussian(np.kron(K1[1:, 1:], S))
first = rng.standard_normal((M, D)) @ np.linalg.cholesky(S).T


def extend_score(x, tau, mean, w):
    s = conditional.score(x, tau, mean)
    return (1 + w) * s - w * unconditional.score(x, tau) if w else s


noises = rng.standard_normal((CHUNKS, M, C * D))
shown = (1, 2, 4, 8, 16)
print(f"\n(d) {CHUNKS} chunks of {C} frames, each conditioned on the last frame so far")
print(f"{'':<18}{'pixel var of chunk':>30}{'lag 1 corr':>12}")
print(f"{'conditioning':<18}" + "".join(f"{k:>6}" for k in shown) + f"{'chunk 16':>12}")
for name, w in [("exact", 0.0), ("guided, w = 0.25", 0.25), ("guided, w = 1", 1.0)]:
    last, var = first, []
    for k in range(CHUNKS):
        mean = np.kron(a.T, last)
        chunk = sample(extend_score, mean + TAUS[0] * noises[k], mean, w)
        chunk = chunk.reshape(M, C, D)
        var.append((chunk**2).mean())
        last = chunk[:, -1]
    lag1 = corr(chunk[:, 1:], chunk[:, :-1])
    print(
        f"{name:<18}" + "".join(f"{var[k - 1]:6.2f}" for k in shown) + f"{lag1:12.3f}"
    )
# --8<-- [end:toy]

# --8<-- [start:cost]
# Tokens for 5 s of 720p at 24 fps (121 frames) through a latent autoencoder that
# compresses 8x8 in space and, if it is temporal, 4x in time with the first frame on
# its own (1 + 120 / 4 = 31 latent frames), cut into 2x2 patches: 45 x 80 a frame.
per_frame = (720 // 8 // 2) * (1280 // 8 // 2)
head = f"{'frames':>7}{'tokens':>9}{'full 3-D pairs':>16}{'factorised':>12}"
print(f"{'input':<22}" + head)
pairs = {}
for name, frames in [("one image", 1), ("per-frame VAE", 121), ("temporal VAE", 31)]:
    tokens = frames * per_frame
    # factorised: attention within each frame, then over time at each position
    full, fact = tokens**2, frames * per_frame**2 + per_frame * frames**2
    pairs[name] = full
    print(f"{name:<22}{frames:>7}{tokens:>9,}{full:>16.2e}{fact:>12.2e}")
ratio = pairs["temporal VAE"] / pairs["one image"]
print(f"full attention, 31 latent frames against one image: {ratio:,.0f}x")
ratio = pairs["per-frame VAE"] / pairs["temporal VAE"]
print(f"per-frame VAE against temporal VAE: {ratio:.1f}x the pairs")
print(f"factorised attention at 31 latent frames: {full / fact:.1f}x fewer pairs")
# --8<-- [end:cost]
