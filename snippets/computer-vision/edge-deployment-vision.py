import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier


def quantize(W, bits, rows):
    """Symmetric quantisation of W (inputs x outputs) with a zero point of 0.

    rows = how many consecutive inputs of one output unit share a scale: all of
    them (per-channel), a block (per-block), or None (one scale per tensor).
    Returns the de-quantised weights and the bytes stored (codes + fp32 scales).
    """
    qmax = 2 ** (bits - 1) - 1
    if rows is None:
        scale = np.abs(W).max() / qmax
        n_scales = 1
    else:
        blocks = W.reshape(-1, rows, W.shape[1])
        scale = np.abs(blocks).max(axis=1, keepdims=True) / qmax
        n_scales = scale.size
        scale = np.broadcast_to(scale, blocks.shape).reshape(W.shape)
    codes = np.clip(np.round(W / scale), -qmax, qmax)
    # int4 codes are packed two per byte
    return codes * scale, int(np.ceil(W.size * bits / 8)) + 4 * n_scales


def fake_quant_act(a, a_max):
    # 8-bit activations with a fixed range: ReLU outputs and pixels are >= 0,
    # so the 256 levels cover [0, a_max] (int8 with a zero point)
    step = a_max / 255
    return np.clip(np.round(a / step), 0, 255) * step


X, y = load_digits(return_X_y=True)
X = X / 16
# name, bits, inputs sharing a scale ("all" = per output channel), int8 activations
schemes = [
    ("float32", 32, None, False),
    ("int8 per-tensor", 8, None, False),
    ("int8 per-channel", 8, "all", False),
    ("int8 per-channel + int8 act.", 8, "all", True),
    ("int4 per-tensor", 4, None, False),
    ("int4 per-channel", 4, "all", False),
    ("int4 per-block of 32", 4, 32, False),
]
res = {name: [] for name, *_ in schemes}
spread = []
for seed in range(3):
    X_tr, X_te, y_tr, y_te = train_test_split(
        X, y, test_size=0.25, random_state=seed, stratify=y
    )
    mlp = MLPClassifier((128,), solver="lbfgs", max_iter=500, random_state=seed)
    mlp.fit(X_tr, y_tr)
    W1, W2 = (W.astype(np.float32) for W in mlp.coefs_)
    b1, b2 = (b.astype(np.float32) for b in mlp.intercepts_)
    bias_bytes = b1.nbytes + b2.nbytes
    # how different the output channels' ranges are: largest vs median, layer 1
    col_max = np.abs(W1).max(axis=0)
    spread.append(col_max.max() / np.median(col_max))
    # activation ranges, calibrated once on 200 training images
    x_max = X_tr[:200].max()
    h_max = np.maximum(X_tr[:200] @ W1 + b1, 0).max()
    fp32_bytes = W1.nbytes + W2.nbytes + bias_bytes
    for name, bits, rows, int8_act in schemes:
        if bits == 32:
            (V1, V2), size, err = (W1, W2), fp32_bytes, 0.0
        else:
            (V1, bytes1), (V2, bytes2) = (
                quantize(W, bits, W.shape[0] if rows == "all" else rows)
                for W in (W1, W2)
            )
            size = bytes1 + bytes2 + bias_bytes
            # relative weight error, averaged over the two layers
            pairs = ((V1, W1), (V2, W2))
            err = np.mean([np.linalg.norm(V - W) / np.linalg.norm(W) for V, W in pairs])
        x = fake_quant_act(X_te, x_max) if int8_act else X_te
        h = np.maximum(x @ V1 + b1, 0)
        h = fake_quant_act(h, h_max) if int8_act else h
        pred = (h @ V2 + b2).argmax(1)
        if bits == 32:
            ref = pred
        row = (size / 1024, fp32_bytes / size, err, np.mean(pred == y_te))
        res[name].append((*row, np.mean(pred == ref)))

print("MLP 64-128-10 on digits, 450 test images; mean of 3 splits and seeds")
print(f"layer 1, largest / median per-channel max |w|: {np.mean(spread):.1f}")
# agree = share of test images with the same prediction as the float32 model
print(f"{'weights':29}{'KB':>5}{'smaller':>8}{'w error':>8}{'acc':>7}{'agree':>7}")
for name, rows in res.items():
    kb, ratio, err, acc, same = np.mean(rows, axis=0)
    print(f"{name:29}{kb:5.1f}{ratio:7.1f}x{err:8.3f}{acc:7.3f}{same:7.3f}")
# the same comparison run by run (each run: its own split, seed and trained MLP)
runs = zip(res["int4 per-tensor"], res["int4 per-channel"])
agree = " ".join(f"{t[-1]:.3f}/{c[-1]:.3f}" for t, c in runs)
print(f"int4 agree per run, per-tensor/per-channel: {agree}")
