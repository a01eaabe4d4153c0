# --8<-- [start:capacity]
def si(x):
    for prefix, scale in (("P", 1e15), ("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= scale:
            return f"{x / scale:.1f}{prefix}"
    return f"{x:.1f}"


# Illustrative assumptions, not YouTube's figures. Corpus: 1B searchable videos of
# 10 minutes on average, 150 spoken words a minute, 500 hours uploaded a minute.
# Traffic: 2B searches a day, peak 3x the mean. Extraction, per hour of upload: a
# Whisper-large-size ASR model (0.64B encoder and 0.91B decoder parameters, 1,500
# encoder positions per 30 s window, 4 tokens a second decoded), a ViT-B/16 frame
# encoder (86M parameters, 197 tokens) on 1 frame a second, OCR at 50 GFLOPs a frame
# on 1 frame in 5. Accelerators sustain 100 TFLOP/s of model compute. Lexical index:
# 3 bytes a posting with positions. Dense index: 64-byte PQ codes + 8-byte ids, per
# video or per 30 s segment. Ranker: 500 candidates at 20 MFLOPs each.
videos, minutes, words_per_min, upload_h_per_min = 1e9, 10, 150, 500
searches, peak, chip = 2e9, 3, 100e12
asr_window = 2 * 0.64e9 * 1_500 + 2 * 0.91e9 * 4 * 30
frame_flops, ocr_flops = 2 * 86e6 * 197, 50e9
ranked, ranker_flops = 500, 20e6
upload_h_day = upload_h_per_min * 60 * 24
asr_h = asr_window * 120
frames_h = 3_600 * frame_flops
ocr_h = 720 * ocr_flops
per_hour = asr_h + frames_h + ocr_h
peak_qps = searches / 86_400 * peak
segments = videos * minutes * 2
rows = [
    ("hours uploaded/day", si(upload_h_day)),
    ("new videos to index/s", si(upload_h_per_min * 60 / minutes / 60)),
    ("ASR FLOPs per hour of video", si(asr_h)),
    ("frame embedding FLOPs per hour", si(frames_h)),
    ("OCR FLOPs per hour", si(ocr_h)),
    ("accelerator-seconds per hour of video", f"{per_hour / chip:.1f}"),
    (
        "accelerators for extraction, mean",
        f"{upload_h_day * per_hour / chip / 86_400:.0f}",
    ),
    ("peak searches/s", si(peak_qps)),
    ("lexical postings (words)", si(videos * minutes * words_per_min)),
    ("lexical index (bytes)", si(videos * minutes * words_per_min * 3)),
    ("dense index, one vector/video (bytes)", si(videos * 72)),
    ("dense index, one vector/30 s (bytes)", si(segments * 72)),
    ("ranker FLOP/s at peak", si(peak_qps * ranked * ranker_flops)),
    (
        "accelerators for ranking at peak",
        f"{peak_qps * ranked * ranker_flops / chip:.0f}",
    ),
]
for name, value in rows:
    print(f"{name:<40}{value:>8}")
# Server-side latency budget in ms; retrieval channels run in parallel
budget = {
    "query understanding": 15,
    "lexical | dense retrieval": 40,
    "fusion + feature lookup": 25,
    "ranker": 40,
    "policy re-rank": 10,
    "margin for the tail": 20,
}
for stage, ms in budget.items():
    print(f"  {stage:<38}{ms:>8}")
print(f"  {'total, ms':<38}{sum(budget.values()):>8}")
# --8<-- [end:capacity]

# --8<-- [start:search]
import numpy as np

rng = np.random.default_rng(0)
# A world with a known answer: 1,000 topics in 100 groups of 10 related topics
# ("sourdough", "focaccia" in "baking"). Word ids: 8 per topic, of which creators
# say 0-4 and viewers type 2-7 (a vocabulary gap); 5 per group; 5,000 filler words
# drawn Zipf-like; 20 clickbait words.
n_topics, per_group, n_videos, dim = 1_000, 10, 20_000, 64
topic_words = np.arange(n_topics * 8).reshape(n_topics, 8)
said, typed = topic_words[:, :5], topic_words[:, 2:]
group_words = 8_000 + np.arange(n_topics // per_group * 5).reshape(-1, 5)
filler0, n_filler = 9_000, 5_000
bait_words = filler0 + n_filler + np.arange(20)
vocab = bait_words[-1] + 1
zipf_cdf = np.cumsum(1 / np.arange(1, n_filler + 1) ** 1.1)
zipf_cdf /= zipf_cdf[-1]


def filler(k):
    return filler0 + np.searchsorted(zipf_cdf, rng.random(k))


topic = rng.integers(n_topics, size=n_videos)
group = topic // per_group
# Titles: 50% describe the video, 20% are vague (group words only), 15% are
# clickbait stuffed with search words of 3 random other topics, 15% are empty.
kind = rng.choice(4, size=n_videos, p=[0.5, 0.2, 0.15, 0.15])
titles, transcripts = [], []
for v in range(n_videos):
    t, g = topic[v], group[v]
    if kind[v] == 0:
        title = [*rng.choice(said[t], 2, replace=False), group_words[g][0]]
        title += list(filler(2))
    elif kind[v] == 1:
        title = [*rng.choice(group_words[g], 2, replace=False), *filler(3)]
    elif kind[v] == 2:
        stuffed = typed[rng.integers(n_topics, size=3), rng.integers(6, size=3)]
        title = [*rng.choice(bait_words, 3), *stuffed]
    else:
        title = []
    titles.append(np.array(title, dtype=int))
    # Transcripts: 30% of videos have no speech (music, gameplay, silent demos).
    # Speech says topic words (4%), group words (6%), a related topic's (1%);
    # ASR turns 25% of those content words into a wrong filler word.
    if rng.random() < 0.3:
        transcripts.append(np.array([], dtype=int))
        continue
    n = rng.integers(100, 300)
    which = rng.choice(4, size=n, p=[0.04, 0.06, 0.01, 0.89])
    sibling = g * per_group + rng.integers(per_group, size=n)
    words = np.select(
        [which == 0, which == 1, which == 2],
        [
            said[t][rng.integers(5, size=n)],
            group_words[g][rng.integers(5, size=n)],
            said[sibling, rng.integers(5, size=n)],
        ],
        filler(n),
    )
    misheard = (which < 3) & (rng.random(n) < 0.25)
    words[misheard] = filler(misheard.sum())
    transcripts.append(words)


class BM25:
    # An inverted index in NumPy: for every term, the videos containing it and how
    # often (the postings), plus each video's length. k1 = 1.2, b = 0.75.
    def __init__(self, docs, k1=1.2, b=0.75):
        lengths = np.array([len(d) for d in docs])
        doc_ids = np.repeat(np.arange(len(docs)), lengths)
        terms = np.concatenate(docs)
        pairs, tf = np.unique(terms * len(docs) + doc_ids, return_counts=True)
        term, doc = pairs // len(docs), pairs % len(docs)
        df = np.bincount(term, minlength=vocab)
        idf = np.log(1 + (len(docs) - df + 0.5) / (df + 0.5))
        norm = k1 * (1 - b + b * lengths / max(lengths.mean(), 1e-9))
        self.weight = idf[term] * tf * (k1 + 1) / (tf + norm[doc])
        self.doc, self.start = doc, np.searchsorted(term, np.arange(vocab + 1))
        self.n = len(docs)

    def scores(self, query):
        s = np.zeros(self.n)
        for w in query:
            a, z = self.start[w], self.start[w + 1]
            np.add.at(s, self.doc[a:z], self.weight[a:z])
        return s


# The dense channel: a CLIP-like text tower for the query, a video tower over
# sampled frames. A topic's direction is its group's plus 0.7 times its own; the
# frames show it at full strength in silent videos and at half strength in videos
# with speech (a talking head says little visually), plus noise of standard
# deviation 0.1 per dimension (norm 0.8); the query tower adds noise of 0.05.
def unit(x):
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


no_speech = np.array([len(t) == 0 for t in transcripts])
group_dir = unit(rng.normal(size=(n_topics // per_group, dim)))
offset = unit(rng.normal(size=(n_topics, dim)))
topic_dir = unit(group_dir[np.arange(n_topics) // per_group] + 0.7 * offset)
strength = np.where(no_speech, 1.0, 0.5)[:, None]
video_vec = unit(strength * topic_dir[topic] + 0.1 * rng.normal(size=(n_videos, dim)))

# One query per topic: two of the words viewers type and one of its group's.
queries = np.arange(n_topics)
query_words = [
    [*rng.choice(typed[q], 2, replace=False), rng.choice(group_words[q // per_group])]
    for q in queries
]
query_vec = unit(topic_dir + 0.05 * rng.normal(size=(n_topics, dim)))
relevant = topic[None, :] == queries[:, None]


def top(scores, k, lexical):
    # A lexical index returns only videos that contain a query word
    ids = np.flatnonzero(scores > 0) if lexical else np.argpartition(-scores, k)[:k]
    return ids[np.lexsort((ids, -scores[ids]))][:k]


def rrf(*rankings, k=60):
    fused = {}
    for ranking in rankings:
        for r, v in enumerate(ranking):
            fused[v] = fused.get(v, 0.0) + 1 / (k + r + 1)
    return np.array(sorted(fused, key=fused.get, reverse=True))


title_index = BM25(titles)
full_index = BM25([np.concatenate([t, s]) for t, s in zip(titles, transcripts)])
cosine = query_vec @ video_vec.T
names = ["BM25, titles", "BM25, titles + transcripts", "dense embeddings"]
names += ["RRF of the two above", "ranker on RRF top 100"]
runs = {name: [] for name in names}
features, labels = [], []
for q, words in zip(queries, query_words):
    s_title, s_full = title_index.scores(words), full_index.scores(words)
    b = top(s_full, 1_000, True)
    c = top(cosine[q], 1_000, False)
    fused = rrf(b, c)
    runs[names[0]].append(top(s_title, 1_000, True))
    runs[names[1]].append(b)
    runs[names[2]].append(c)
    runs[names[3]].append(fused)
    cand = fused[:100]
    features.append(np.column_stack([s_title[cand], s_full[cand], cosine[q, cand]]))
    labels.append(relevant[q, cand])
from sklearn.linear_model import LogisticRegression

# Even-numbered topics are judged queries for training the ranker; every metric
# is measured on the 500 odd-numbered ones.
train, test = queries[queries % 2 == 0], queries[queries % 2 == 1]
ranker = LogisticRegression().fit(
    np.concatenate([features[q] for q in train]),
    np.concatenate([labels[q] for q in train]),
)
for q in queries:
    order = np.argsort(-ranker.decision_function(features[q]), kind="stable")
    runs[names[4]].append(runs[names[3]][q][:100][order])

discount = 1 / np.log2(np.arange(2, 12))
# Where the signal lives: the title, the speech (bad title), or only the frames
slices = {"title": kind == 0, "speech": (kind != 0) & ~no_speech}
slices["frames"] = (kind != 0) & no_speech


def evaluate(rank_lists, depth=100):
    recall, ndcg, by_slice = [], [], {name: [] for name in slices}
    for q in test:
        rel, ranked = relevant[q], rank_lists[q]
        got = np.zeros(n_videos, bool)
        got[ranked[:depth]] = True
        recall.append(got[rel].mean())
        for name, mask in slices.items():
            if (rel & mask).any():
                by_slice[name].append(got[rel & mask].mean())
        gains = rel[ranked[:10]]
        ideal = discount[: min(rel.sum(), 10)].sum()
        ndcg.append((gains * discount[: len(gains)]).sum() / ideal)
    return [np.mean(recall), np.mean(ndcg)] + [np.mean(v) for v in by_slice.values()]


print(
    f"{n_videos:,} videos; {len(test)} test queries, {relevant[test].sum(1).mean():.1f}"
    " relevant videos each"
)
print(
    f"share of videos whose signal is in the title {slices['title'].mean():.3f}, "
    f"speech {slices['speech'].mean():.3f}, frames only {slices['frames'].mean():.3f}"
)
print(f"{'':<28}{'':>7}{'':>8}   recall@100 of relevant videos")
print(
    f"{'retrieval channel':<28}{'R@100':>7}{'NDCG@10':>8}{'title':>7}{'speech':>7}"
    f"{'frames':>7}"
)
for name, ranked in runs.items():
    r, n, *parts = evaluate(ranked)
    print(f"{name:<28}{r:>7.3f}{n:>8.3f}" + "".join(f"{p:>7.3f}" for p in parts))
# Logged behaviour on the ranker's top 20 for each test query, shown 200 times in
# a random order (a randomised slice, so position does not favour any video).
# Position r is examined with probability 1/r; an examined video is clicked with
# probability 0.1 + 0.3 if relevant + 0.4 if its title is clickbait; a click is
# satisfied (watched past 30 s) with probability 0.7 if relevant, else 0.1.
click_rng = np.random.default_rng(1)
shown_n, k = 200, 20
by_ctr, by_sat, baseline = [], [], []
for q in test:
    cand = runs[names[4]][q][:k]
    rel, bait = relevant[q, cand], kind[cand] == 2
    pos = np.argsort(click_rng.random((shown_n, k)), axis=1) + 1
    examined = click_rng.random((shown_n, k)) < 1 / pos
    clicked = examined & (click_rng.random((shown_n, k)) < 0.1 + 0.3 * rel + 0.4 * bait)
    satisfied = clicked & (click_rng.random((shown_n, k)) < np.where(rel, 0.7, 0.1))
    by_ctr.append(cand[np.argsort(-clicked.mean(0), kind="stable")])
    by_sat.append(cand[np.argsort(-satisfied.mean(0), kind="stable")])
    baseline.append(cand)


def top10(rank_lists):
    ndcg, bait = [], []
    for q, ranked in zip(test, rank_lists):
        rel = relevant[q]
        ideal = discount[: min(rel.sum(), 10)].sum()
        ndcg.append((rel[ranked[:10]] * discount).sum() / ideal)
        bait.append(np.mean((kind[ranked[:10]] == 2) & ~rel[ranked[:10]]))
    return np.mean(ndcg), np.mean(bait)


print(
    f"{'top 20 re-ordered by':<28}{'NDCG@10':>8}{'irrelevant clickbait in top 10':>32}"
)
for name, lists in [
    ("ranker (no re-order)", baseline),
    ("click rate", by_ctr),
    ("satisfied-click rate", by_sat),
]:
    ndcg, bait = top10(lists)
    print(f"{name:<28}{ndcg:>8.3f}{bait:>32.3f}")
# --8<-- [end:search]
