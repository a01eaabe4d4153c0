# The page runs this after corpus.py:setup; these imports are for a solo run.
import re

import numpy as np
from corpus import chunk_page, docs, embed

# isort: split
# --8<-- [start:example]
import hashlib

import faiss


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class SyncedIndex:
    """A vector index plus a manifest: each document's content hash and chunk ids."""

    def __init__(self) -> None:
        self.index = faiss.IndexIDMap2(faiss.IndexFlatIP(384))  # our ids, removable
        self.text: dict[int, tuple[str, str]] = {}  # chunk id -> (doc, chunk text)
        self.docs: dict[str, tuple[str, list[int]]] = {}  # doc -> (hash, chunk ids)
        self.next_id = 0

    def sync(self, corpus: dict[str, str]) -> dict[str, int]:
        """Re-embed only new or changed documents; drop the chunks of deleted ones."""
        stats = {"unchanged": 0, "re-embedded chunks": 0, "removed chunks": 0}
        new: list[
            tuple[str, str, str]
        ] = []  # (doc, hash, chunk), embedded in one batch
        for doc in sorted(set(self.docs) | set(corpus)):
            digest = sha256(corpus[doc]) if doc in corpus else None
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
                new += [(d, digest, piece) for d, piece in chunk_page(doc, corpus[doc])]
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
        """Crude stand-in reader: of the top 3 chunks' sentences, the one sharing
        the most words with the question, with its source page."""
        _, ids = self.index.search(embed([question]), 3)
        words = set(re.findall(r"\w+", question.lower()))
        cands = []
        for i in ids[0]:
            doc, text = self.text[i]
            cands += [(doc, s) for s in re.split(r"(?<=\.)\s+", text.split(": ", 1)[1])]
        doc, best = max(
            cands, key=lambda c: len(words & set(re.findall(r"\w+", c[1].lower())))
        )
        return f"{best} [{doc}]"


corpus = dict(docs)  # a copy: the example edits and deletes pages
store = SyncedIndex()
print("initial sync:", store.sync(corpus))
q = "What is the per diem for international trips?"
print("before the update:", store.answer(q))

# Finance raises the allowance and flagpole is retired: the documents change,
# the index does not.
travel = corpus["travel-policy"]
corpus["travel-policy"] = travel.replace(
    "85 EUR for international", "95 EUR for international"
)
del corpus["feature-flags"]
print("stale index:      ", store.answer(q))
cites_deleted = store.answer("How should feature flags be named?").endswith(
    "[feature-flags]"
)
print("stale index cites a deleted page:", cites_deleted)

print("incremental sync:", store.sync(corpus))
print("after re-indexing:", store.answer(q))
gone = all(doc != "feature-flags" for doc, _ in store.text.values())
print("deleted page gone from the index:", gone)
# --8<-- [end:example]
