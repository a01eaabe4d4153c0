from collections import Counter
from textwrap import fill

import numpy as np
from rank_bm25 import BM25Okapi

rng = np.random.default_rng(0)

# A generated corpus. A topic is a (subject, aspect) pair, and each concept has four
# words: writers use all four evenly, searchers prefer the first ones.
SUBJECTS = {
    "car": ["car", "automobile", "vehicle", "auto"],
    "bicycle": ["bike", "bicycle", "cycle", "pushbike"],
    "laptop": ["laptop", "notebook", "computer", "pc"],
    "phone": ["phone", "smartphone", "mobile", "handset"],
    "apartment": ["apartment", "flat", "condo", "residence"],
    "television": ["tv", "television", "screen", "telly"],
}
ASPECTS = {
    "repair": ["repair", "fix", "mend", "service"],
    "insurance": ["insurance", "cover", "policy", "protection"],
    "rental": ["rent", "hire", "lease", "rental"],
    "cleaning": ["clean", "wash", "scrub", "tidy"],
    "sale": ["sell", "resell", "trade", "offload"],
}
# Words about a subject or an aspect in general; "flat" (a puncture) and "screen"
# (a display) are homonyms of an apartment word and a television word.
DETAILS = {
    "car": ["engine", "brakes", "tyres", "gearbox", "clutch"],
    "bicycle": ["chain", "saddle", "pedals", "puncture", "flat"],
    "laptop": ["keyboard", "battery", "screen", "charger", "trackpad"],
    "phone": ["battery", "screen", "charger", "camera", "sim"],
    "apartment": ["bedroom", "kitchen", "balcony", "floor", "bathroom"],
    "television": ["remote", "hdmi", "channels", "antenna", "speakers"],
    "repair": ["broken", "parts", "warranty", "technician"],
    "insurance": ["claim", "premium", "damage", "theft"],
    "rental": ["monthly", "deposit", "contract", "weekly"],
    "cleaning": ["stains", "soap", "dust", "spotless"],
    "sale": ["secondhand", "buyer", "listing", "used"],
}
# Two words of each topic only, in the order of ASPECTS
TOPIC_WORDS = {
    "car": "mechanic garage collision liability airport mileage carwash wax dealer "
    "odometer",
    "bicycle": "derailleur tube lock cyclist docking tour degreaser lube vintage "
    "classifieds",
    "laptop": "motherboard overheating spill accidental students corporate keycaps "
    "microfiber refurbished specs",
    "phone": "cracked glass lost imei roaming travellers disinfect wipes unlocked "
    "storage",
    "apartment": "plumber leak contents fire landlord tenancy vacuum mop mortgage "
    "estate",
    "television": "backlight pixels extended surge event projector smudges "
    "fingerprints oled inch",
}
FILLER = (
    "guide tips best new local today easy quick home help advice online options "
    "review year family simple free check steps good common ways time small large "
    "great expert city week plan question answer"
)
QUERY_PICK = np.array([0.4, 0.3, 0.2, 0.1])
DOCS_PER_TOPIC, QUERIES_PER_TOPIC = 8, 3


def concept_words(words):
    # the main word twice and, four times in five, a second word once
    main = rng.integers(4)
    out = [words[main]] * 2
    if rng.random() < 0.8:
        out.append(words[rng.choice([i for i in range(4) if i != main])])
    return out


docs, doc_topic = [], []
for s in SUBJECTS:
    for j, a in enumerate(ASPECTS):
        own = TOPIC_WORDS[s].split()[2 * j : 2 * j + 2]
        for _ in range(DOCS_PER_TOPIC):
            words = concept_words(SUBJECTS[s]) + concept_words(ASPECTS[a])
            words += list(rng.choice(DETAILS[s], 2, replace=False))
            words += list(rng.choice(DETAILS[a], 1))
            words += [w for w in own if rng.random() < 0.8]
            words += list(rng.choice(FILLER.split(), 6, replace=False))
            docs.append([str(w) for w in rng.permutation(words)])
            doc_topic.append((s, a))
order = rng.permutation(len(docs))
docs = [docs[i] for i in order]
doc_topic = [doc_topic[i] for i in order]

queries = []
for s in SUBJECTS:
    for a in ASPECTS:
        seen = set()
        while len(seen) < QUERIES_PER_TOPIC:
            q = (
                SUBJECTS[s][rng.choice(4, p=QUERY_PICK)],
                ASPECTS[a][rng.choice(4, p=QUERY_PICK)],
            )
            if q not in seen:
                seen.add(q)
                queries.append((list(q), (s, a)))


# --- BM25 as a document-term matrix; a query is a weight per term ------------------
class Index:
    def __init__(self, docs):
        self.docs = docs
        self.bm25 = BM25Okapi(docs, k1=1.2, b=0.75)
        vocab = sorted({t for d in docs for t in d})
        self.col = {t: j for j, t in enumerate(vocab)}
        # column j holds BM25(term j, d) for every document d
        self.W = np.column_stack([self.bm25.get_scores([t]) for t in vocab])
        self.df = Counter(t for d in docs for t in set(d))
        self.postings = sum(len(set(d)) for d in docs)

    def score(self, weights):
        q = np.zeros(len(self.col))
        for t, w in weights.items():
            if t in self.col:
                q[self.col[t]] += w
        return self.W @ q


def bag(terms):
    return {t: n / len(terms) for t, n in Counter(terms).items()}


index = Index(docs)
same = all(
    np.allclose(index.score(bag(q)) * len(q), index.bm25.get_scores(q))
    for q, _ in queries
)
print(f"{len(docs)} documents, {len(queries)} queries, {DOCS_PER_TOPIC} relevant each")
print(f"matrix scores equal rank_bm25's get_scores: {same}")


# --- recall@10 and nDCG@10 (binary relevance: the query's topic) -------------------
def evaluate(scores, topic, k=10):
    top = np.argsort(-scores, kind="stable")[:k]
    rel = np.array([doc_topic[d] == topic for d in top], dtype=float)
    discount = 1 / np.log2(np.arange(2, k + 2))
    ideal = discount[:DOCS_PER_TOPIC].sum()
    return rel.sum() / DOCS_PER_TOPIC, float(rel @ discount) / ideal


# --- 1. a curated synonym list: every subject set, two of the five aspect sets -----
CURATED = list(SUBJECTS.values()) + [ASPECTS["repair"], ASPECTS["rental"]]


def synonym_query(q, weight=0.5):
    weights = bag(q)
    for group in CURATED:
        if set(q) & set(group):
            for t in set(group) - set(q):
                weights[t] = weight / len(q)
    return weights


# --- 2. RM3: pseudo-relevance feedback from the top documents -----------------------
def rm3_query(q, fb_docs=10, fb_terms=10, original_weight=0.5, max_df=0.1):
    first = index.score(bag(q))
    top = np.argsort(-first, kind="stable")[:fb_docs]
    # relevance model P(w|R): P(w|d) of each feedback document, weighted by its score
    rm = Counter()
    for d, score in zip(top, first[top] / first[top].sum()):
        for t in docs[d]:
            # as in Anserini: no feedback term found in over 10% of the documents
            if index.df[t] <= max_df * len(docs):
                rm[t] += score / len(docs[d])
    best = sorted(rm, key=lambda t: (-rm[t], t))[:fb_terms]
    total = sum(rm[t] for t in best)
    # RM3: interpolate the original query with the fb_terms best feedback terms
    weights = {t: (1 - original_weight) * rm[t] / total for t in best}
    for t, w in bag(q).items():
        weights[t] = weights.get(t, 0.0) + original_weight * w
    return weights, top


# --- 3. doc2query, SIMULATED: append the queries a trained model would predict -----
def predicted_queries(s, a, n=3, error=0.15):
    # a real model (T5 in docTTTTTquery) writes queries from the text; this stand-in
    # draws searchers' words for the document's concepts, 15% for a random concept
    out = []
    for _ in range(n):
        for sets, key in ((SUBJECTS, s), (ASPECTS, a)):
            if rng.random() < error:
                key = list(sets)[rng.integers(len(sets))]
            out.append(sets[key][rng.choice(4, p=QUERY_PICK)])
    return out


index_d2q = Index([d + predicted_queries(*doc_topic[i]) for i, d in enumerate(docs)])
print(
    fill(" ".join(docs[0]), 88, initial_indent="a document: ", subsequent_indent="  ")
)
print(
    f"  + predicted queries (simulated): {' '.join(index_d2q.docs[0][len(docs[0]) :])}"
)

methods = {
    "BM25": (index, bag),
    "BM25 + curated synonyms": (index, synonym_query),
    "BM25 + RM3 feedback": (index, lambda q: rm3_query(q)[0]),
    "doc2query (simulated)": (index_d2q, bag),
}
print(
    f"\n{'method':<25}{'recall@10':>10}{'nDCG@10':>9}{'helped':>8}{'hurt':>6}"
    f"{'query terms':>13}{'postings':>10}"
)
ndcg = {}
for name, (idx, expand) in methods.items():
    res = np.array([evaluate(idx.score(expand(q)), topic) for q, topic in queries])
    ndcg[name] = res[:, 1]
    diff = res[:, 1] - ndcg["BM25"]
    helped, hurt = np.sum(diff > 1e-9), np.sum(diff < -1e-9)
    if name == "BM25":
        helped = hurt = "-"
    terms = np.mean([len(expand(q)) for q, _ in queries])
    print(
        f"{name:<25}{res[:, 0].mean():>10.3f}{res[:, 1].mean():>9.3f}"
        f"{helped:>8}{hurt:>6}{terms:>13.1f}{idx.postings:>10d}"
    )
listed = np.array([topic[1] in ("repair", "rental") for _, topic in queries])
print(
    "nDCG@10 with curated synonyms, aspect words listed / not listed: "
    f"{ndcg['BM25 + curated synonyms'][listed].mean():.3f} / "
    f"{ndcg['BM25 + curated synonyms'][~listed].mean():.3f}"
)

# --- RM3's settings: feedback documents and the weight kept on the original query --
print("\nRM3 nDCG@10 (queries helped/hurt against BM25)")
weights_tried = (0.3, 0.5, 0.9)
print(
    f"{'feedback docs':<15}"
    + "".join(f"{f'query weight {w}':>18}" for w in weights_tried)
)
for fb in (5, 10, 20):
    cells = []
    for w in weights_tried:
        score = np.array(
            [
                evaluate(index.score(rm3_query(q, fb, original_weight=w)[0]), t)[1]
                for q, t in queries
            ]
        )
        diff = score - ndcg["BM25"]
        cells.append(
            f"{score.mean():.3f} ({np.sum(diff > 1e-9)}/{np.sum(diff < -1e-9)})"
        )
    print(f"{fb:<15}" + "".join(f"{c:>18}" for c in cells))

# --- which queries PRF hurts: those whose first results were wrong ------------------
diff = ndcg["BM25 + RM3 feedback"] - ndcg["BM25"]
precision = np.array(
    [np.mean([doc_topic[d] == t for d in rm3_query(q)[1]]) for q, t in queries]
)
for label, mask in (("helped", diff > 1e-9), ("hurt", diff < -1e-9)):
    print(f"first-pass precision@10, queries RM3 {label}: {precision[mask].mean():.2f}")

worst = int(np.argmin(diff))
q, topic = queries[worst]
weights, top = rm3_query(q)
print(f"\nquery '{' '.join(q)}', relevant: {' '.join(topic)}")
first = Counter(" ".join(doc_topic[d]) for d in top).most_common()
print("  first-pass top 10, by topic:")
print(fill(", ".join(f"{n} {t}" for t, n in first), 88, initial_indent="    "))
ranked = sorted(weights.items(), key=lambda x: -x[1])
print(
    fill(
        ", ".join(f"{t} {w:.2f}" for t, w in ranked),
        88,
        initial_indent="  RM3 query: ",
        subsequent_indent="    ",
    )
)
print(
    f"  nDCG@10: BM25 {ndcg['BM25'][worst]:.3f}, "
    f"RM3 {ndcg['BM25 + RM3 feedback'][worst]:.3f}"
)
