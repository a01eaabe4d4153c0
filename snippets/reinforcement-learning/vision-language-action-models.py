import numpy as np

# Toy robot actions: 7-D end-effector deltas at 50 Hz. Each dimension of each 10 s
# episode is a sum of three slow sinusoids (0.1-2 Hz) plus jitter (sd 0.02), like a
# smooth teleoperated motion. Chunks are 1 s = 50 steps. No robot, no model: this
# measures only how many tokens each action encoding needs and what it loses.
HZ, DIMS, CHUNK, EPISODE_S, JITTER = 50, 7, 50, 10, 0.02
DECODE_TPS = 100  # an assumed decoding speed of the model, tokens per second
rng = np.random.default_rng(0)


def episodes(n):
    t = np.arange(EPISODE_S * HZ)[:, None, None] / HZ
    freq = rng.uniform(0.1, 2.0, (n, 1, DIMS, 3))
    amp = rng.uniform(0.2, 1.0, (n, 1, DIMS, 3))
    phase = rng.uniform(0, 2 * np.pi, (n, 1, DIMS, 3))
    wave = (amp * np.sin(2 * np.pi * freq * t + phase)).sum(-1)
    return wave + JITTER * rng.standard_normal(wave.shape)


train, test = episodes(200), episodes(100)
# Map each dimension's 1st and 99th percentiles (on training data) to -1 and 1, then
# clip, as OpenVLA does: one outlier should not stretch every bin
lo, hi = np.percentile(train.reshape(-1, DIMS), [1, 99], axis=0)


def chunks(a):
    return np.clip(2 * (a - lo) / (hi - lo) - 1, -1, 1).reshape(-1, CHUNK, DIMS)


train_chunks, test_chunks = chunks(train), chunks(test)


def rmse(a, b):
    return float(np.sqrt(np.mean((a - b) ** 2)))


# (a), (b) RT-2 / OpenVLA style: each dimension of each step is one token, its bin
# among n uniform bins on [-1, 1]; decoding returns the bin's centre
def bin_tokens(x, n):
    return np.minimum(((x + 1) / 2 * n).astype(int), n - 1)


def bin_decode(tokens, n):
    return (tokens + 0.5) / n * 2 - 1


# (c) FAST's first stage: a DCT over time of each dimension of a chunk; coefficients
# times `scale`, rounded to integers, lowest frequency first (coefficient 0 of all 7
# dims, then coefficient 1, ...). The orthonormal DCT-II as a matrix.
freq_idx, time_idx = np.arange(CHUNK)[:, None], np.arange(CHUNK)[None, :]
D = np.sqrt(2 / CHUNK) * np.cos(np.pi * (time_idx + 0.5) * freq_idx / CHUNK)
D[0] /= np.sqrt(2)


def dct_tokens(x, scale, keep=CHUNK):
    coef = np.einsum("kn,cnd->ckd", D, x)[:, :keep]
    return np.round(coef * scale).astype(int).reshape(len(x), -1)


def dct_decode(q, scale, keep=CHUNK):
    coef = np.zeros((len(q), CHUNK, DIMS))
    coef[:, :keep] = q.reshape(len(q), keep, DIMS) / scale
    return np.einsum("kn,ckd->cnd", D, coef)


# FAST's second stage: byte-pair encoding of the integer sequences, trained on the
# training chunks. Each merge turns the most frequent adjacent pair into a new
# symbol; it is lossless, so it shortens the sequence without adding error.
def merge(seq, pair, new):
    hit = np.flatnonzero((seq[:-1] == pair[0]) & (seq[1:] == pair[1]))
    if pair[0] == pair[1] and len(hit):
        # in a run such as 0 0 0, merge the 1st and 2nd, not also the 2nd and 3rd
        starts = np.where(np.r_[True, np.diff(hit) != 1], np.arange(len(hit)), 0)
        hit = hit[(np.arange(len(hit)) - np.maximum.accumulate(starts)) % 2 == 0]
    out = seq.copy()
    out[hit] = new
    return np.delete(out, hit + 1)


def join(seqs):
    # one array, sequences separated by -1, which no merge may touch
    return np.concatenate([np.r_[s, -1] for s in seqs])


def bpe_train(seqs, n_merges, base):
    flat, width, merges = join(seqs), base + n_merges, []
    for new in range(base, base + n_merges):
        a, b = flat[:-1], flat[1:]
        ok = (a >= 0) & (b >= 0)
        counts = np.bincount(a[ok] * width + b[ok], minlength=width * width)
        merges.append(divmod(int(counts.argmax()), width))
        flat = merge(flat, merges[-1], new)
    return merges


def bpe_encode(seqs, merges, base):
    flat = join(seqs)
    for new, pair in enumerate(merges, start=base):
        flat = merge(flat, pair, new)
    return [s[:-1] for s in np.split(flat, np.flatnonzero(flat == -1) + 1)[:-1]]


def bpe_decode(tokens, merges, base):
    out, stack = [], [int(t) for t in tokens[::-1]]
    while stack:
        s = stack.pop()
        if s >= base:
            stack.extend(merges[s - base][::-1])
        else:
            out.append(s)
    return out


def dct_bpe(scale, n_merges=256):
    q_train, q_test = dct_tokens(train_chunks, scale), dct_tokens(test_chunks, scale)
    # symbols 0, 1, ... for the integers seen in training; test values clipped to them
    q_min, q_max = q_train.min(), q_train.max()
    base = q_max - q_min + 1
    merges = bpe_train(list(q_train - q_min), n_merges, base)
    symbols = np.clip(q_test, q_min, q_max) - q_min
    encoded = bpe_encode(list(symbols), merges, base)
    decoded = np.array([bpe_decode(e, merges, base) for e in encoded])
    err = rmse(dct_decode(decoded + q_min, scale), test_chunks)
    lengths = np.array([len(e) for e in encoded])
    return lengths, base + n_merges, err, np.array_equal(decoded, symbols)


sd = np.mean(2 * JITTER / (hi - lo))
print(
    f"{len(test_chunks)} held-out 1 s chunks, {DIMS} dims, {HZ} Hz, jitter sd {sd:.4f}"
)
print(
    f"decode s: seconds to generate 1 s of actions at {DECODE_TPS} tokens/s (assumed)"
)
print(f"{'tokeniser':26}{'tokens/s':>9}{'vocab':>6}{'RMSE':>8}{'decode s':>9}")


def row(name, tokens_per_s, vocab, err):
    decode = tokens_per_s / DECODE_TPS
    print(f"{name:26}{tokens_per_s:9.1f}{vocab:6d}{err:8.4f}{decode:9.2f}")


for n_bins in (256, 64, 16):
    tok = bin_tokens(test_chunks, n_bins)
    err = rmse(bin_decode(tok, n_bins), test_chunks)
    row(f"bins, {n_bins} per dim", tok[0].size, n_bins, err)
for keep in (4, 8, CHUNK):
    q = dct_tokens(test_chunks, 10, keep)
    # vocabulary: every integer between the smallest and largest seen in training
    q_train = dct_tokens(train_chunks, 10, keep)
    vocab = q_train.max() - q_train.min() + 1
    err = rmse(dct_decode(q, 10, keep), test_chunks)
    name = f"first {keep} coefs" if keep < CHUNK else "all 50, no BPE"
    row(f"DCT x10, {name}", q.shape[1], vocab, err)
checks = []
for scale in (10, 40):
    lengths, vocab, err, lossless = dct_bpe(scale)
    row(f"DCT x{scale}, all 50 + BPE", lengths.mean(), vocab, err)
    checks.append(f"x{scale} {lengths.min()}-{lengths.max()}, lossless {lossless}")
print("BPE tokens per chunk: " + "; ".join(checks))
print(f"DCT matrix orthonormal: {np.allclose(D @ D.T, np.eye(CHUNK))}")

# Why per-step tokens at a high rate teach little: the next action is almost the
# previous one, so predicting each token as a copy of the last is nearly right
x = test_chunks
lag1 = np.corrcoef(x[:, 1:].ravel(), x[:, :-1].ravel())[0, 1]
lag10 = np.corrcoef(x[:, 10:].ravel(), x[:, :-10].ravel())[0, 1]
print(f"correlation of consecutive actions: {lag1:.3f} at 50 Hz, {lag10:.3f} at 5 Hz")
rate = DECODE_TPS / DIMS
print(
    f"one token per dim per step at {DECODE_TPS} tokens/s: at most {rate:.1f} steps/s"
)
