import numpy as np

# Derived, not measured: the ring formula 2(N-1)/N * S/B between N = 2 sites (each
# site first reduces over its own fast fabric), for a 7B model's bf16 gradients.
grad_bytes = 7e9 * 2
sites = 2
print("7B model, 14 GB of bf16 gradients, 2 sites: link seconds per training step")
print(
    f"{'cross-site link':>15s}  {'sync every step':>15s}  {'H=100':>6s}  {'H=500':>7s}"
)
for gbit in [10, 100, 400]:
    seconds = 2 * (sites - 1) / sites * grad_bytes / (gbit * 1e9 / 8)
    print(
        f"{gbit:9d} Gb/s  {seconds:15.2f}  {seconds / 100:6.3f}  {seconds / 500:7.4f}"
    )

# The toy: 8 classes in 16 dimensions, each class a mixture of 3 Gaussian blobs.
# Every step draws fresh examples (no epochs, as in pre-training).
WORKERS, CLASSES, DIM, HIDDEN = 8, 8, 16, 32
STEPS, BATCH = 1000, 32
INNER_LRS = np.array([0.003, 0.01, 0.03, 0.1, 0.3])
rng = np.random.default_rng(0)
centres = rng.normal(size=(CLASSES, 3, DIM))


def sample(classes, n, rng):
    y = rng.choice(classes, n)
    x = centres[y, rng.integers(0, 3, n)] + rng.normal(size=(n, DIM))
    return x, np.eye(CLASSES)[y]


def worker_batches(label_skew):
    """Every worker's batch at every step, shape (STEPS, WORKERS, BATCH, ...).
    With label skew worker k sees only classes k and k+1, so the pooled data
    still hold every class equally often: the same global objective."""
    r = np.random.default_rng(1)
    xs, ys = [], []
    for k in range(WORKERS):
        own = [k, (k + 1) % CLASSES] if label_skew else range(CLASSES)
        x, y = sample(np.array(own), STEPS * BATCH, r)
        xs.append(x.reshape(STEPS, BATCH, DIM))
        ys.append(y.reshape(STEPS, BATCH, CLASSES))
    return np.stack(xs, 1), np.stack(ys, 1)


x_test, y_test = sample(np.arange(CLASSES), 20_000, np.random.default_rng(2))
# The best any model can do: the true posterior of the generating mixture
log_lik = np.logaddexp.reduce(
    -0.5 * ((x_test[:, None, None] - centres) ** 2).sum(-1), 2
)
log_post = log_lik - np.logaddexp.reduce(log_lik, 1, keepdims=True)
bayes_loss = -(log_post * y_test).sum(1).mean()

SIZES = [DIM * HIDDEN, HIDDEN, HIDDEN * CLASSES, CLASSES]
N_PARAMS = sum(SIZES)


def forward(theta, x):
    """A one-hidden-layer ReLU MLP per leading index of theta (..., N_PARAMS)."""
    w1, b1, w2, b2 = np.split(theta, np.cumsum(SIZES)[:-1], axis=-1)
    w1 = w1.reshape(*theta.shape[:-1], DIM, HIDDEN)
    w2 = w2.reshape(*theta.shape[:-1], HIDDEN, CLASSES)
    h = np.maximum(x @ w1 + b1[..., None, :], 0.0)
    z = h @ w2 + b2[..., None, :]
    p = np.exp(z - z.max(-1, keepdims=True))
    return h, p / p.sum(-1, keepdims=True), w2


def gradient(theta, x, y):
    h, p, w2 = forward(theta, x)
    dz = (p - y) / x.shape[-2]
    dh = (dz @ w2.swapaxes(-1, -2)) * (h > 0)
    parts = [x.swapaxes(-1, -2) @ dh, dh.sum(-2), h.swapaxes(-1, -2) @ dz, dz.sum(-2)]
    return np.concatenate([g.reshape(*theta.shape[:-1], -1) for g in parts], -1)


def held_out(theta):
    _, p, _ = forward(theta, x_test)
    loss = -np.log((p * y_test).sum(-1)).mean(-1)
    return loss, (p.argmax(-1) == y_test.argmax(-1)).mean(-1)


theta0 = np.concatenate(
    [
        rng.normal(size=DIM * HIDDEN) * np.sqrt(2 / DIM),
        np.zeros(HIDDEN),
        rng.normal(size=HIDDEN * CLASSES) / np.sqrt(HIDDEN),
        np.zeros(CLASSES),
    ]
)


def train(batches, sync_every, outer_lr=1.0, outer_momentum=0.0):
    """AdamW on every worker, one copy of the whole run per inner learning rate
    (the leading axis of every array). sync_every=0 is synchronous data
    parallelism: gradients averaged at every step. Otherwise, every sync_every
    steps the outer optimizer takes the workers' mean parameter change as its
    gradient: outer_lr=1 without momentum is plain averaging (local SGD,
    FedAvg); DiLoCo uses outer_lr=0.7 with Nesterov momentum 0.9. The inner
    AdamW states stay on their workers."""
    xs, ys = batches
    shape = (len(INNER_LRS), WORKERS, N_PARAMS)
    theta = np.broadcast_to(theta0, shape).copy()
    outer = theta[:, 0].copy()
    velocity = np.zeros_like(outer)
    m, v = np.zeros(shape), np.zeros(shape)
    for t in range(STEPS):
        x = np.repeat(xs[t][None], len(INNER_LRS), axis=0)
        g = gradient(theta, x, ys[t])
        if sync_every == 0:
            g = np.broadcast_to(g.mean(1, keepdims=True), shape)
        lr = INNER_LRS[:, None, None] * 0.5 * (1 + np.cos(np.pi * t / STEPS))
        m = 0.9 * m + 0.1 * g
        v = 0.95 * v + 0.05 * g * g
        adam = (m / (1 - 0.9 ** (t + 1))) / (np.sqrt(v / (1 - 0.95 ** (t + 1))) + 1e-8)
        theta = theta * (1 - 0.01 * lr) - lr * adam
        if sync_every and (t + 1) % sync_every == 0:
            outer_grad = outer - theta.mean(1)
            velocity = outer_momentum * velocity + outer_grad
            outer = outer - outer_lr * (outer_grad + outer_momentum * velocity)
            if t + 1 == STEPS // 2:
                halfway = theta, outer
            theta = np.broadcast_to(outer[:, None], shape).copy()
        elif sync_every == 0 and t + 1 == STEPS // 2:
            halfway = theta, theta[:, 0]
    loss, acc = held_out(theta[:, 0])
    best = loss.argmin()
    workers_acc = held_out(halfway[0][best])[1].mean()
    global_acc = held_out(halfway[1][best])[1]
    rounds = STEPS // (sync_every or 1)
    return rounds, INNER_LRS[best], loss[best], acc[best], workers_acc, global_acc


print(f"\n{WORKERS} workers x {STEPS} steps of batch {BATCH}, {N_PARAMS} parameters")
print(f"Bayes-optimal held-out loss {bayes_loss:.3f}; each row at its best inner lr")
header = ["shards", "method", "H", "syncs", "KB sent", "lr", "loss", "acc"]
print(
    "{:10s}  {:9s}  {:>3s}  {:>5s}  {:>7s}  {:>5s}  {:>5s}  {:>5s}".format(*header),
    end="",
)
print("  workers@500  global@500")
for shards, label_skew in [("i.i.d.", False), ("label skew", True)]:
    batches = worker_batches(label_skew)
    rows = [("sync DP", 1, train(batches, 0))]
    for h in [5, 25, 100]:
        rows.append(("averaging", h, train(batches, h)))
        rows.append(("DiLoCo", h, train(batches, h, 0.7, 0.9)))
    for method, h, (rounds, lr, loss, acc, workers_acc, global_acc) in rows:
        kb = N_PARAMS * 4 * rounds / 1e3
        print(
            f"{shards:10s}  {method:9s}  {h:3d}  {rounds:5d}  {kb:7.0f}  {lr:5.3f}"
            f"  {loss:.3f}  {acc:.3f}  {workers_acc:11.3f}  {global_acc:10.3f}"
        )
