import torch
from torch import nn

torch.set_num_threads(1)
# float64 so that the printed digits do not depend on the CPU's kernels; state bytes
# are counted as a GPU run stores them: fp32 (4 bytes) per float, 1 byte per 8-bit code.
torch.set_default_dtype(torch.float64)

# A synthetic regression task: a random tanh "teacher" network plus noise.
gen = torch.Generator().manual_seed(0)
d_in, n_train, n_test = 32, 4096, 2048
teacher_in = torch.randn(d_in, 32, generator=gen) / d_in**0.5
teacher_out = torch.randn(32, 1, generator=gen) / 32**0.5
X = torch.randn(n_train + n_test, d_in, generator=gen)
y = torch.tanh(X @ teacher_in) @ teacher_out
y += 0.1 * torch.randn(y.shape, generator=gen)
X_train, y_train, X_test, y_test = X[:n_train], y[:n_train], X[n_train:], y[n_train:]
STEPS, BATCH, LR = 600, 128, 1e-3


def make_model():
    torch.manual_seed(0)  # every optimizer starts from the same weights
    return nn.Sequential(
        nn.Linear(d_in, 128), nn.Tanh(),
        nn.Linear(128, 128), nn.Tanh(),
        nn.Linear(128, 1),
    )  # fmt: skip


def dynamic_map(signed):
    """bitsandbytes' dynamic tree map: a decimal exponent (1e-6 .. 1) with more
    linear fraction steps at larger magnitudes, plus 0 and 1: 256 sorted values."""
    values = [0.0, 1.0]
    for i in range(7):
        n_fraction = 2**i if signed else 2 ** (i + 1)
        edges = torch.linspace(0.1, 1, n_fraction + 1)
        means = ((edges[:-1] + edges[1:]) / 2 * 10.0 ** (i - 6)).tolist()
        values += means + ([-v for v in means] if signed else [])
    return torch.tensor(sorted(values))


def linear_map(signed):
    """Evenly spaced levels; the signed map spends 255 of its 256 on [-1, 1] so that
    it has an exact zero (the 256th repeats it), as bitsandbytes' linear map does."""
    if not signed:
        return torch.linspace(0, 1, 256)
    return torch.cat([torch.arange(-127, 128) / 127, torch.zeros(1)]).sort().values


class BlockQuantized:
    """A tensor stored as 8-bit indices into a 256-value map, one fp32 absmax per
    block of 2048 values (as bitsandbytes' 8-bit optimizers store Adam's moments)."""

    BLOCK = 2048

    def __init__(self, shape, code):
        self.shape, self.code = shape, code
        n = torch.Size(shape).numel()
        self.pad = -n % self.BLOCK
        self.index = torch.zeros(n, dtype=torch.uint8)
        self.absmax = torch.zeros((n + self.pad) // self.BLOCK, dtype=torch.float32)
        self.zero = int(torch.argmin(code.abs()))
        self.index.fill_(self.zero)
        self.midpoints = (code[1:] + code[:-1]) / 2

    def load(self):
        scale = self.absmax.double().repeat_interleave(self.BLOCK)[: self.index.numel()]
        return (self.code[self.index.long()] * scale).reshape(self.shape)

    def store(self, x):
        blocks = nn.functional.pad(x.flatten(), (0, self.pad)).reshape(-1, self.BLOCK)
        # the scale is stored in fp32: normalise by the value actually stored
        self.absmax = blocks.abs().amax(dim=1).float().clamp(min=1e-30)
        normalised = blocks / self.absmax.double()[:, None]
        nearest = torch.bucketize(normalised, self.midpoints)
        self.index = nearest.flatten()[: x.numel()].to(torch.uint8)

    def tensors(self):
        return [self.index, self.absmax]


class Adam8bit(torch.optim.Optimizer):
    """Adam whose two moments live between steps as BlockQuantized tensors; tensors
    under 4096 values keep fp32 moments, as bitsandbytes does (min_8bit_size)."""

    def __init__(self, params, lr, code, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps})
        self.code = code  # (signed map for m, unsigned map for v)
        self.largest_step = 0.0  # largest |change of one weight| / lr so far

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            b1, b2 = group["betas"]
            for p in group["params"]:
                state = self.state[p]
                if not state:
                    state["step"] = 0
                    if p.numel() >= 4096:
                        state["m"] = BlockQuantized(p.shape, self.code[0])
                        state["v"] = BlockQuantized(p.shape, self.code[1])
                    else:
                        state["m"] = torch.zeros_like(p)
                        state["v"] = torch.zeros_like(p)
                state["step"] += 1
                t = state["step"]
                quantized = isinstance(state["m"], BlockQuantized)
                m = state["m"].load() if quantized else state["m"]
                v = state["v"].load() if quantized else state["v"]
                m.mul_(b1).add_(p.grad, alpha=1 - b1)
                v.mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)
                step = (m / (1 - b1**t)) / ((v / (1 - b2**t)).sqrt() + group["eps"])
                self.largest_step = max(self.largest_step, step.abs().max().item())
                p.add_(step, alpha=-group["lr"])
                if quantized:
                    state["m"].store(m)
                    state["v"].store(v)


class GaLoreAdam(torch.optim.Optimizer):
    """Adam on gradients projected onto their top-r singular vectors (refreshed every
    T steps) for 2-D weights; plain Adam for biases and matrices with rank <= r."""

    def __init__(self, params, lr, rank, refresh=100, scale=1.0, betas=(0.9, 0.999)):
        defaults = {"lr": lr, "rank": rank, "refresh": refresh, "scale": scale}
        super().__init__(params, defaults | {"betas": betas, "eps": 1e-8})

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            b1, b2 = group["betas"]
            r = group["rank"]
            for p in group["params"]:
                state = self.state[p]
                g = p.grad
                low_rank = p.ndim == 2 and min(p.shape) > r
                if low_rank:
                    tall = p.shape[0] >= p.shape[1]
                    if not state or state["step"] % group["refresh"] == 0:
                        U, _, Vh = torch.linalg.svd(g, full_matrices=False)
                        # project on the smaller side: r x n (tall) or m x r (wide)
                        state["P"] = Vh[:r] if tall else U[:, :r]
                    P = state["P"]
                    g = g @ P.T if tall else P.T @ g
                if "m" not in state:
                    state["step"] = 0
                    state["m"], state["v"] = torch.zeros_like(g), torch.zeros_like(g)
                state["step"] += 1
                t, m, v = state["step"], state["m"], state["v"]
                m.mul_(b1).add_(g, alpha=1 - b1)
                v.mul_(b2).addcmul_(g, g, value=1 - b2)
                update = (m / (1 - b1**t)) / ((v / (1 - b2**t)).sqrt() + group["eps"])
                if low_rank:
                    update = group["scale"] * (update @ P if tall else P @ update)
                p.add_(update, alpha=-group["lr"])


def state_bytes(opt):
    total = 0
    for state in opt.state.values():
        for key, value in state.items():
            if key == "step":
                continue
            tensors = value.tensors() if isinstance(value, BlockQuantized) else [value]
            for t in tensors:
                total += t.numel() * (1 if t.dtype == torch.uint8 else 4)
    return total


def train(make_optimizer, batch_seed=1):
    model = make_model()
    opt = make_optimizer(model.parameters())
    batches = torch.Generator().manual_seed(batch_seed)
    for _ in range(STEPS):
        idx = torch.randint(0, n_train, (BATCH,), generator=batches)
        opt.zero_grad()
        nn.functional.mse_loss(model(X_train[idx]), y_train[idx]).backward()
        opt.step()
    with torch.no_grad():
        losses = [nn.functional.mse_loss(model(x), y).item() for x, y in
                  [(X_train, y_train), (X_test, y_test)]]  # fmt: skip
    n_params = sum(p.numel() for p in model.parameters())
    return opt, state_bytes(opt), n_params, losses


dynamic = (dynamic_map(signed=True), dynamic_map(signed=False))
linear = (linear_map(signed=True), linear_map(signed=False))
optimizers = {
    "Adam, fp32 moments": lambda ps: torch.optim.Adam(ps, lr=LR),
    "Adam, 8-bit dynamic map": lambda ps: Adam8bit(ps, LR, dynamic),
    "Adafactor (torch)": lambda ps: torch.optim.Adafactor(ps, lr=1e-2),
    "GaLore Adam, rank 32": lambda ps: GaLoreAdam(ps, LR, rank=32),
    "GaLore Adam, rank 8": lambda ps: GaLoreAdam(ps, LR, rank=8),
}
print(
    f"{STEPS} steps of {BATCH}; variance of y {y_train.var():.3f}, of the noise 0.010"
)
print(
    f"{'optimizer':25s} {'state bytes':>11s} {'B/param':>7s} {'train MSE':>9s} "
    f"{'held-out':>8s}"
)
runs = [(name, make, 1) for name, make in optimizers.items()]
runs.insert(1, ("Adam, other batch order", optimizers["Adam, fp32 moments"], 2))
for name, make, batch_seed in runs:
    opt, nbytes, n_params, (train_mse, test_mse) = train(make, batch_seed)
    print(
        f"{name:25s} {nbytes:>11,} {nbytes / n_params:>7.3f} {train_mse:>9.4f} "
        f"{test_mse:>8.4f}"
    )
    if name == "Adam, 8-bit dynamic map":
        dynamic_opt = opt
print(f"({n_params:,} parameters; state bytes counted at fp32 and 1 byte per code)")

# The same 8-bit Adam with a linear map: what gets stored as zero, and the largest step
linear_opt, *_ = train(lambda ps: Adam8bit(ps, LR, linear))
print(
    f"{'8-bit Adam':12s} {'lowest v level':>14s} {'v stored as 0':>13s}  largest step"
)
for kind, opt in [("dynamic", dynamic_opt), ("linear", linear_opt)]:
    v_codes = [s["v"] for s in opt.state.values() if isinstance(s["v"], BlockQuantized)]
    zeros = sum(int((v.index == v.zero).sum()) for v in v_codes)
    share = zeros / sum(v.index.numel() for v in v_codes)
    largest = opt.largest_step
    largest = f"{largest:.1f} x lr" if largest < 1000 else "over 1,000 x lr"
    v_level = min(level for level in opt.code[1] if level > 0)
    print(f"{kind + ' map':12s} {v_level:>14.1e} {share:>13.2f}  {largest}")

# The same arithmetic for Llama-2-7B: optimizer states, then the total per parameter
# with bf16 weights and gradients and an fp32 master copy (2 + 2 + 4 bytes).
L, h, ffn, vocab = 32, 4096, 11008, 32000
layer_matrices = L * ([(h, h)] * 4 + [(ffn, h)] * 2 + [(h, ffn)])
other_matrices = [(vocab, h)] * 2  # embedding and LM head
n_norms = 2 * L + 1  # RMSNorm weight vectors of size h
all_tensors = [m * n for m, n in layer_matrices + other_matrices] + [h] * n_norms
n_7b = sum(all_tensors)
rest = sum(m * n for m, n in other_matrices) + n_norms * h
factored = sum(m + n for m, n in layer_matrices + other_matrices) + n_norms * h
states = {
    "Adam, fp32 m and v": 8 * n_7b,
    "8-bit Adam, blocks of 2048": sum(2 * n + 8 * -(-n // 2048) for n in all_tensors),
    "Adafactor, no momentum": 4 * factored,
    "Adafactor + fp32 momentum": 4 * factored + 4 * n_7b,
}
for r in (1024, 128):
    projected = sum(r * min(m, n) + 2 * r * max(m, n) for m, n in layer_matrices)
    states[f"GaLore r={r}, Adam elsewhere"] = 4 * projected + 8 * rest
print(f"Llama-2-7B, {n_7b:,} parameters; total = states + 8 bytes per parameter")
header = f"{'states GB':>9s} {'B/param':>7s} {'total B/param':>13s} {'GB':>6s}"
print(f"{'optimizer':30s} {header}")
for name, nbytes in states.items():
    per_param = nbytes / n_7b
    print(
        f"{name:30s} {nbytes / 1e9:>9.2f} {per_param:>7.3f} {8 + per_param:>13.2f} "
        f"{(8 * n_7b + nbytes) / 1e9:>6.1f}"
    )
