import numpy as np
import torch
import torch.nn as nn
from scipy.linalg import subspace_angles
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split

torch.manual_seed(0)
torch.set_num_threads(1)
X, y = load_digits(return_X_y=True)
X = (X / 16.0).astype(np.float32)
X_tr, X_te = train_test_split(X, test_size=0.33, random_state=0, stratify=y)
# centre with the training mean; PCA and the autoencoders see the same inputs
X_tr, X_te = torch.tensor(X_tr - X_tr.mean(0)), torch.tensor(X_te - X_tr.mean(0))
KS = [2, 10, 30]


def error(encode, decode, x):
    """Squared reconstruction error per image, summed over the 64 pixels."""
    return ((decode(encode(x)) - x) ** 2).sum(1).mean()


def linear_ae(k):
    # one linear layer each way, no activation; full-batch L-BFGS until it stalls
    enc, dec = nn.Linear(64, k), nn.Linear(k, 64)
    opt = torch.optim.LBFGS(
        [*enc.parameters(), *dec.parameters()],
        max_iter=1000,
        tolerance_grad=1e-9,
        tolerance_change=1e-9,
        line_search_fn="strong_wolfe",
    )

    def closure():
        opt.zero_grad()
        loss = error(enc, dec, X_tr)
        loss.backward()
        return loss

    opt.step(closure)
    return enc, dec


# non-linear autoencoders: a hidden ReLU layer of 64 before and after the
# bottleneck; the three share no weights, so training them on the sum of their
# losses (same batches, Adam) is the same as training each alone
relu = {}
for k in KS:
    relu[k] = (
        nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, k)),
        nn.Sequential(nn.Linear(k, 64), nn.ReLU(), nn.Linear(64, 64)),
    )
params = [w for ae in relu.values() for m in ae for w in m.parameters()]
opt = torch.optim.Adam(params, lr=1e-2)
for _ in range(400):
    batch = X_tr[torch.randint(0, len(X_tr), (256,))]
    loss = sum(error(enc, dec, batch) for enc, dec in relu.values())
    opt.zero_grad()
    loss.backward()
    opt.step()

print("held-out squared reconstruction error per image; k = bottleneck size")
print(f"{'k':>3} {'PCA':>7} {'linear AE':>10} {'angle to PCA':>13} {'ReLU AE':>8}")
for k in KS:
    pca = PCA(k).fit(X_tr.numpy())
    pca_err = error(pca.transform, pca.inverse_transform, X_te.numpy())
    with torch.no_grad():
        relu_err = error(*relu[k], X_te).item()
    if k == 30:
        print(f"{k:>3} {pca_err:>7.3f} {'-':>10} {'-':>13} {relu_err:>8.3f}")
        continue
    enc, dec = linear_ae(k)
    with torch.no_grad():
        lin_err = error(enc, dec, X_te).item()
    # largest principal angle between the decoder's column space and PCA's subspace
    W = dec.weight.detach().numpy()
    angle = np.degrees(subspace_angles(W, pca.components_.T)).max()
    print(f"{k:>3} {pca_err:>7.3f} {lin_err:>10.3f} {angle:>9.1f} deg {relu_err:>8.3f}")
    if k == 10:
        W10, axes10 = W, pca.components_

# same subspace, different axes: compare the k=10 decoder's columns with PCA's axes
W_unit = W10 / np.linalg.norm(W10, axis=0)
cos_pc = np.abs(axes10 @ W_unit).max(0)
overlap = np.abs(W_unit.T @ W_unit - np.eye(10)).max()
print("k=10 linear AE, each decoder column's best |cos| with a PCA axis:", end=" ")
print(f"{cos_pc.min():.2f} to {cos_pc.max():.2f}")
print(f"k=10 linear AE, largest |cos| between two decoder columns: {overlap:.2f}")
