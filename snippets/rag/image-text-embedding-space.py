import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

torch.manual_seed(0)
rng = np.random.default_rng(0)

# 1,797 handwritten digits, 8x8 pixels, bundled with scikit-learn. Each image gets a caption.
X, y = load_digits(return_X_y=True)
X = (X / 16.0).astype(np.float32)
bold = (
    X.sum(1) > np.array([np.median(X[y == c].sum(1)) for c in range(10)])[y]
)  # more ink than its class median
X_tr, X_te, y_tr, y_te, b_tr, b_te = train_test_split(
    X, y, bold, test_size=0.33, random_state=0, stratify=y
)
WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TEMPLATES = [
    "a handwritten {w}",
    "the digit {w}",
    "a scanned {n}",
    "a {a} {w}",
    "a {a} handwritten {n}",
]


def caption(
    digit: int, is_bold: bool
) -> str:  # training captions vary, like alt-text on the web
    t = TEMPLATES[rng.integers(len(TEMPLATES))]
    return t.format(w=WORDS[digit], n=digit, a="bold" if is_bold else "thin")


words = {
    w
    for d in range(10)
    for a in ("bold", "thin")
    for t in TEMPLATES
    for w in t.format(w=WORDS[d], n=d, a=a).split()
}
vocab = {
    w: i for i, w in enumerate(sorted(words))
}  # 27 words: 10 number words, 10 numerals, 7 others


class ImageEncoder(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 32))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.normalize(
            self.net(x), dim=-1
        )  # a point on the unit sphere of the shared space


class TextEncoder(nn.Module):
    def __init__(self, vocab_size: int) -> None:
        super().__init__()
        self.bag = nn.EmbeddingBag(
            vocab_size, 64, mode="mean"
        )  # bag of words: order-blind, small
        self.proj = nn.Linear(64, 32)

    def forward(self, texts: list[str]) -> torch.Tensor:
        ids = [torch.tensor([vocab[w] for w in t.split() if w in vocab]) for t in texts]
        offsets = torch.tensor([0] + [len(i) for i in ids[:-1]]).cumsum(0)
        return F.normalize(self.proj(self.bag(torch.cat(ids), offsets)), dim=-1)


def info_nce(
    img: torch.Tensor, txt: torch.Tensor, log_scale: torch.Tensor
) -> torch.Tensor:
    """CLIP's symmetric loss: in a batch of N pairs, pair i must beat the N-1 other captions (and images)."""
    logits = log_scale.exp().clamp(max=100) * img @ txt.T
    target = torch.arange(len(img))
    return (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target)) / 2


def info_nce_numpy(img: np.ndarray, txt: np.ndarray, scale: float) -> float:
    logits = scale * img @ txt.T
    log_p_rows = logits - np.log(
        np.exp(logits).sum(1, keepdims=True)
    )  # image -> which caption
    log_p_cols = logits - np.log(
        np.exp(logits).sum(0, keepdims=True)
    )  # caption -> which image
    return float(-(np.diag(log_p_rows).mean() + np.diag(log_p_cols).mean()) / 2)


image_enc, text_enc = ImageEncoder(), TextEncoder(len(vocab))
log_scale = nn.Parameter(
    torch.tensor(np.log(1 / 0.07), dtype=torch.float32)
)  # CLIP's initial temperature


def evaluate() -> tuple[float, float, float]:
    with torch.no_grad():
        images = image_enc(torch.from_numpy(X_te))
        queries = text_enc(
            [f"the handwritten digit {w}" for w in WORDS]
        )  # a template never used in training
        sims = (queries @ images.T).numpy()
    order = np.argsort(-sims, axis=1)
    p10 = np.mean([np.mean(y_te[order[d, :10]] == d) for d in range(10)])
    r_at_k = np.mean(
        [np.mean(y_te[order[d, : (y_te == d).sum()]] == d) for d in range(10)]
    )
    zero_shot = np.mean(sims.argmax(0) == y_te)  # image -> nearest of the 10 captions
    return p10, r_at_k, zero_shot


print(
    f"text -> image on {len(X_te)} test images      P@10   R@k (k = #relevant)   image -> text acc"
)
print(
    "before training:                    {:6.3f}   {:19.3f}   {:17.3f}".format(
        *evaluate()
    )
)
opt = torch.optim.Adam(
    [*image_enc.parameters(), *text_enc.parameters(), log_scale], lr=3e-3
)
for _epoch in range(20):
    perm = rng.permutation(len(X_tr))
    for start in range(0, len(perm), 128):
        idx = perm[start : start + 128]
        img = image_enc(torch.from_numpy(X_tr[idx]))
        txt = text_enc([caption(y_tr[i], b_tr[i]) for i in idx])
        loss = info_nce(img, txt, log_scale)
        opt.zero_grad()
        loss.backward()
        opt.step()
print(
    "after 20 epochs of InfoNCE:         {:6.3f}   {:19.3f}   {:17.3f}".format(
        *evaluate()
    )
)
same = np.isclose(
    info_nce_numpy(img.detach().numpy(), txt.detach().numpy(), log_scale.exp().item()),
    loss.item(),
)
print(f"NumPy InfoNCE matches the PyTorch loss: {same}")
