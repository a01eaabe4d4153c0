import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

torch.manual_seed(0)
rng = np.random.default_rng(0)

# 1,797 handwritten digits of 8x8 pixels, bundled with scikit-learn; captions below.
X, y = load_digits(return_X_y=True)
X = (X / 16.0).astype(np.float32)
ink = X.sum(1)
bold = ink > np.array([np.median(ink[y == c]) for c in range(10)])[y]  # vs its digit
split = train_test_split(X, y, bold, test_size=0.33, random_state=0, stratify=y)
X_tr, X_te, y_tr, y_te, b_tr, b_te = split
WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TEMPLATES = ["a handwritten {w}", "the digit {w}", "a scanned {n}", "a {a} {w}"]
TEMPLATES += ["a {a} handwritten {n}"]


def caption(digit: int, is_bold: bool, template: str) -> str:
    return template.format(w=WORDS[digit], n=digit, a="bold" if is_bold else "thin")


def random_caption(digit: int, is_bold: bool) -> str:  # varied, like alt-text
    return caption(digit, is_bold, TEMPLATES[rng.integers(len(TEMPLATES))])


all_captions = [caption(d, b, t) for d in range(10) for b in (0, 1) for t in TEMPLATES]
vocab = {
    w: i for i, w in enumerate(sorted({w for c in all_captions for w in c.split()}))
}


class ImageEncoder(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 32))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.normalize(self.net(x), dim=-1)  # a point on the shared unit sphere


class TextEncoder(nn.Module):
    def __init__(self, vocab_size: int) -> None:
        super().__init__()
        self.bag = nn.EmbeddingBag(vocab_size, 64, mode="mean")  # order-blind, small
        self.proj = nn.Linear(64, 32)

    def forward(self, texts: list[str]) -> torch.Tensor:
        ids = [torch.tensor([vocab[w] for w in t.split() if w in vocab]) for t in texts]
        offsets = torch.tensor([0] + [len(i) for i in ids[:-1]]).cumsum(0)
        return F.normalize(self.proj(self.bag(torch.cat(ids), offsets)), dim=-1)


def info_nce(
    img: torch.Tensor, txt: torch.Tensor, log_scale: torch.Tensor
) -> torch.Tensor:
    """CLIP's symmetric loss: in a batch of N pairs, image i must pick caption i
    among the N captions, and caption i must pick image i among the N images."""
    logits = log_scale.exp().clamp(max=100) * img @ txt.T
    target = torch.arange(len(img))
    return (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target)) / 2


def info_nce_numpy(img: np.ndarray, txt: np.ndarray, scale: float) -> float:
    logits = scale * img @ txt.T
    log_p_caption = logits - np.log(np.exp(logits).sum(1, keepdims=True))  # per image
    log_p_image = logits - np.log(np.exp(logits).sum(0, keepdims=True))  # per caption
    return float(-(np.diag(log_p_caption).mean() + np.diag(log_p_image).mean()) / 2)


image_enc, text_enc = ImageEncoder(), TextEncoder(len(vocab))
log_scale = nn.Parameter(torch.tensor(np.log(1 / 0.07), dtype=torch.float32))  # CLIP


def evaluate() -> tuple[float, float, float]:
    with torch.no_grad():
        images = image_enc(torch.from_numpy(X_te))
        # queries use a template never seen in training
        queries = text_enc([f"the handwritten digit {w}" for w in WORDS])
        sims = (queries @ images.T).numpy()
    order = np.argsort(-sims, axis=1)
    p10 = np.mean([np.mean(y_te[order[d, :10]] == d) for d in range(10)])
    n_rel = [(y_te == d).sum() for d in range(10)]
    r_at_k = np.mean([np.mean(y_te[order[d, : n_rel[d]]] == d) for d in range(10)])
    zero_shot = np.mean(sims.argmax(0) == y_te)  # image -> nearest of the 10 queries
    return p10, r_at_k, zero_shot


print(
    f"text -> image, {len(X_te)} test images   P@10  R@k (k=#relevant)  image -> text"
)
print("before training:                  {:6.3f} {:18.3f} {:14.3f}".format(*evaluate()))
params = [*image_enc.parameters(), *text_enc.parameters(), log_scale]
opt = torch.optim.Adam(params, lr=3e-3)
for _epoch in range(20):
    perm = rng.permutation(len(X_tr))
    for start in range(0, len(perm), 128):
        idx = perm[start : start + 128]
        img = image_enc(torch.from_numpy(X_tr[idx]))
        txt = text_enc([random_caption(y_tr[i], b_tr[i]) for i in idx])
        loss = info_nce(img, txt, log_scale)
        opt.zero_grad()
        loss.backward()
        opt.step()
print("after 20 epochs of InfoNCE:       {:6.3f} {:18.3f} {:14.3f}".format(*evaluate()))
scale = log_scale.exp().item()
numpy_loss = info_nce_numpy(img.detach().numpy(), txt.detach().numpy(), scale)
print(f"NumPy InfoNCE matches the PyTorch loss: {np.isclose(numpy_loss, loss.item())}")
