# --8<-- [start:signature]
import numpy as np


def info_nce(logits: np.ndarray) -> tuple[float, np.ndarray]:
    """InfoNCE as an N-way classification: row i of the (N, N) logits must pick
    column i. Returns the mean cross-entropy over the rows,
        mean over i of (logsumexp_j logits[i, j] - logits[i, i]),
    and its gradient with respect to the logits, (N, N). Must not overflow or
    return nan for logits of any size.
    """
    raise NotImplementedError


def clip_loss(
    image_emb: np.ndarray, text_emb: np.ndarray, log_scale: float
) -> tuple[float, np.ndarray, np.ndarray, float]:
    """CLIP's symmetric contrastive loss of N (image, text) pairs, and its gradients.

    image_emb, text_emb (N, D): row i of each is pair i, not normalised.
        u, v   = the rows of image_emb and text_emb divided by their L2 norms
        scale  = exp(min(log_scale, log 100))     # the learnable 1/temperature
        logits = scale * u @ v.T                  # (N, N); [i, j] = image i, text j
        loss   = (info_nce(logits) + info_nce(logits.T)) / 2
    Returns (loss, dloss/dimage_emb, dloss/dtext_emb, dloss/dlog_scale); the last
    is 0 while the clip is active (log_scale > log 100).
    """
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import math

import numpy as np


def info_nce(logits: np.ndarray) -> tuple[float, np.ndarray]:
    n = len(logits)
    # log-sum-exp: shift each row by its max, so the largest exp is exp(0) = 1
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -np.trace(log_p) / n
    # softmax minus one-hot, over n: the gradient of a mean cross-entropy
    grad = np.exp(log_p)
    grad[np.diag_indices(n)] -= 1.0
    return float(loss), grad / n


def clip_loss(
    image_emb: np.ndarray, text_emb: np.ndarray, log_scale: float
) -> tuple[float, np.ndarray, np.ndarray, float]:
    norm_i = np.linalg.norm(image_emb, axis=1, keepdims=True)
    norm_t = np.linalg.norm(text_emb, axis=1, keepdims=True)
    u, v = image_emb / norm_i, text_emb / norm_t
    # math.exp returns a Python float, which keeps float32 inputs in float32
    scale = math.exp(min(log_scale, math.log(100.0)))
    logits = scale * (u @ v.T)
    loss_i2t, grad_i2t = info_nce(logits)  # each image picks its text
    loss_t2i, grad_t2i = info_nce(logits.T)  # each text picks its image
    dlogits = (grad_i2t + grad_t2i.T) / 2
    du, dv = scale * (dlogits @ v), scale * (dlogits.T @ u)
    # through x / |x|: drop the radial part, divide by the norm
    dimage = (du - u * np.sum(du * u, axis=1, keepdims=True)) / norm_i
    dtext = (dv - v * np.sum(dv * v, axis=1, keepdims=True)) / norm_t
    # d logits / d log_scale = logits while unclipped; the clip's derivative is 0
    clipped = log_scale > math.log(100.0)
    dlog_scale = 0.0 if clipped else float(np.sum(dlogits * logits))
    return (loss_i2t + loss_t2i) / 2, dimage, dtext, dlog_scale


# --8<-- [end:solution]


# --8<-- [start:tests]
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F


def clip_batch(seed, n=6, d=4):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.normal(size=(n, d))


def torch_clip_loss(image_emb, text_emb, log_scale):
    """The reference: autograd through F.normalize, clamp and F.cross_entropy."""
    a = torch.tensor(image_emb, requires_grad=True)
    b = torch.tensor(text_emb, requires_grad=True)
    t = torch.tensor(log_scale, dtype=torch.float64, requires_grad=True)
    cos = F.normalize(a, dim=1) @ F.normalize(b, dim=1).T
    logits = t.clamp(max=math.log(100.0)).exp() * cos
    labels = torch.arange(len(a))
    loss = (F.cross_entropy(logits, labels) + F.cross_entropy(logits.T, labels)) / 2
    loss.backward()
    return loss.item(), a.grad.numpy(), b.grad.numpy(), t.grad.item()


def central_differences(f, x, eps=1e-6):
    """(f(x + eps) - f(x - eps)) / (2 eps) for every entry of the array x."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = f()
        x[i] = old - eps
        down = f()
        x[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad


def test_clip_loss_worked_example():
    image, text = np.array([[3.0, 0.0], [0.0, 2.0]]), np.eye(2)
    loss, dimage, dtext, dlog_scale = clip_loss(image, text, 0.0)
    s = 1 / (1 + math.exp(1.0))  # sigmoid(-1)
    assert loss == pytest.approx(math.log(1 + math.exp(-1.0)), rel=1e-12)
    assert dlog_scale == pytest.approx(-s, rel=1e-12)
    np.testing.assert_allclose(dimage, [[0, s / 6], [s / 4, 0]], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(dtext, [[0, s / 2], [s / 2, 0]], rtol=1e-12, atol=1e-15)
    # cosines 1/sqrt(1.81) and 0.9/sqrt(1.81); log_scale = log 1000 acts as log 100
    close = np.array([[1.0, 0.9], [0.9, 1.0]])
    loss, _, _, dlog_scale = clip_loss(np.eye(2), close, math.log(1000.0))
    gap = 100 * 0.1 / math.sqrt(1.81)
    assert loss == pytest.approx(math.log1p(math.exp(-gap)), rel=1e-9)
    assert dlog_scale == 0.0


def test_clip_loss_matches_torch():
    for seed, log_scale in [(0, math.log(1 / 0.07)), (1, 0.3), (2, 5.0)]:
        image, text = clip_batch(seed)
        mine = clip_loss(image, text, log_scale)
        ref = torch_clip_loss(image, text, log_scale)
        assert mine[0] == pytest.approx(ref[0], rel=1e-12)
        np.testing.assert_allclose(mine[1], ref[1], rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(mine[2], ref[2], rtol=1e-10, atol=1e-13)
        assert mine[3] == pytest.approx(ref[3], rel=1e-10, abs=1e-13)
    # info_nce alone against F.cross_entropy with the diagonal as targets
    logits = np.random.default_rng(3).normal(size=(7, 7)) * 5
    loss, grad = info_nce(logits)
    t = torch.tensor(logits, requires_grad=True)
    ref = F.cross_entropy(t, torch.arange(7))
    ref.backward()
    assert loss == pytest.approx(ref.item(), rel=1e-12)
    np.testing.assert_allclose(grad, t.grad.numpy(), rtol=1e-10, atol=1e-13)


def test_clip_loss_of_identical_embeddings_is_log_n():
    # every image and every text points the same way (norms differ): no pair
    # can be told apart, so each row is a uniform guess among N
    direction = np.array([0.6, -0.8, 0.0])
    norms = np.arange(1.0, 9.0)[:, None]
    for log_scale in [0.0, math.log(1 / 0.07), math.log(100.0)]:
        loss, dimage, dtext, dlog_scale = clip_loss(
            norms * direction, norms[::-1] * direction, log_scale
        )
        assert loss == pytest.approx(math.log(8), rel=1e-12)
        # and the collapsed point is stationary: every gradient is zero
        assert np.abs(dimage).max() < 1e-15 and np.abs(dtext).max() < 1e-15
        assert abs(dlog_scale) < 1e-12


def test_clip_loss_is_stable_at_large_scale():
    # logits of +-1000: exp overflows without the log-sum-exp shift
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss, grad = info_nce(np.array([[1000.0, -1000.0], [-1000.0, 1000.0]]))
        assert loss == 0.0 and np.all(np.isfinite(grad))
        loss, grad = info_nce(np.array([[-1000.0, 1000.0], [1000.0, -1000.0]]))
        assert loss == pytest.approx(2000.0) and np.all(np.isfinite(grad))
    # float32, as in mixed precision, at the largest scale CLIP allows (100):
    # exp(100) is beyond float32's range (about 3.4e38)
    image, text = clip_batch(4, n=16, d=8)
    ref = clip_loss(image, text, math.log(100.0))
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        mine = clip_loss(
            image.astype(np.float32), text.astype(np.float32), math.log(100.0)
        )
    assert mine[1].dtype == np.float32
    assert mine[0] == pytest.approx(ref[0], rel=1e-5)
    np.testing.assert_allclose(mine[1], ref[1], rtol=1e-3, atol=1e-5)


def test_clip_loss_passes_a_gradient_check():
    image, text = clip_batch(5, n=5, d=3)
    t = np.zeros(1)

    def loss():
        return clip_loss(image, text, t[0])[0]

    # CLIP's initial scale 1/0.07, then a clipped one (exp(5) > 100)
    for log_scale in [math.log(1 / 0.07), 5.0]:
        t[0] = log_scale
        _, dimage, dtext, dlog_scale = clip_loss(image, text, log_scale)
        for x, analytic in [(image, dimage), (text, dtext)]:
            numeric = central_differences(loss, x)
            rel = np.abs(numeric - analytic).max() / np.abs(analytic).max()
            assert rel < 1e-6
        numeric = central_differences(loss, t)[0]
        assert dlog_scale == pytest.approx(numeric, rel=1e-6, abs=1e-10)


def test_clip_loss_swapping_the_modalities():
    image, text = clip_batch(6)
    loss, dimage, dtext, dlog_scale = clip_loss(image, text, 2.0)
    # the mean of the two directions does not change when they swap roles
    swapped = clip_loss(text, image, 2.0)
    assert swapped[0] == pytest.approx(loss, rel=1e-12)
    np.testing.assert_allclose(swapped[1], dtext, rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(swapped[2], dimage, rtol=1e-10, atol=1e-15)
    # but the two directions differ unless the logits matrix is symmetric
    u = image / np.linalg.norm(image, axis=1, keepdims=True)
    v = text / np.linalg.norm(text, axis=1, keepdims=True)
    logits = math.exp(2.0) * u @ v.T
    assert abs(info_nce(logits)[0] - info_nce(logits.T)[0]) > 1e-3
    # text = image makes it symmetric: both directions, and the mean, are equal
    symmetric = math.exp(2.0) * u @ u.T
    assert clip_loss(image, image, 2.0)[0] == pytest.approx(info_nce(symmetric)[0])
    assert info_nce(symmetric.T)[0] == pytest.approx(info_nce(symmetric)[0])


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_clip_loss_worked_example,
    test_clip_loss_matches_torch,
    test_clip_loss_of_identical_embeddings_is_log_n,
    test_clip_loss_is_stable_at_large_scale,
    test_clip_loss_passes_a_gradient_check,
    test_clip_loss_swapping_the_modalities,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
image, text = np.array([[3.0, 0.0], [0.0, 2.0]]), np.eye(2)
loss, dimage, dtext, dlog_scale = clip_loss(image, text, 0.0)
print(f"worked example: loss {loss:.6f}, dloss/dlog_scale {dlog_scale:.6f}")
print("dloss/dimage_emb", dimage.round(6).tolist())
close = np.array([[1.0, 0.9], [0.9, 1.0]])
loss, _, _, dlog_scale = clip_loss(np.eye(2), close, math.log(1000.0))
print(f"clipped to scale 100: loss {loss:.6f}, dloss/dlog_scale {dlog_scale}")
# the loss and the InfoNCE bound log N - loss against the batch size N, at CLIP's
# initial scale 1/0.07, each an average over 4,096 pairs (4096 / N batches)
rng = np.random.default_rng(0)
log_scale, rho, d = math.log(1 / 0.07), 0.9, 8
mutual_info = -d / 2 * math.log(1 - rho**2)
print("random: 512-d Gaussian embeddings, images and texts independent")
print(f"paired: 8-d Gaussians, correlation {rho} per dimension, so that")
print(f"        I(image; text) = -4 log(1 - 0.81) = {mutual_info:.2f} nats")
print("     N   log N   random: loss   paired: loss   paired: log N - loss")
for n in [4, 16, 64, 256, 1024]:
    random_losses, paired_losses = [], []
    for _ in range(4096 // n):
        a, b = rng.normal(size=(n, 512)), rng.normal(size=(n, 512))
        random_losses.append(clip_loss(a, b, log_scale)[0])
        x = rng.normal(size=(n, d))
        y = rho * x + math.sqrt(1 - rho**2) * rng.normal(size=(n, d))
        paired_losses.append(clip_loss(x, y, log_scale)[0])
    random_loss, paired_loss = np.mean(random_losses), np.mean(paired_losses)
    print(
        f"{n:6d}  {math.log(n):6.2f}  {random_loss:13.2f}  {paired_loss:13.2f}"
        f"  {math.log(n) - paired_loss:21.2f}"
    )
# --8<-- [end:check]
