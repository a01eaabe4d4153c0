import math
from collections import Counter

import numpy as np

rng = np.random.default_rng(0)

# Toy "images": a scene and the set of objects in it. Each scene lists its objects in
# order of salience with the probability that each is present, so objects co-occur
# (a fork usually, not always, comes with a table).
SCENES = {
    "dining": [("table", 0.95), ("plate", 0.8), ("fork", 0.6), ("cup", 0.5)],
    "street": [("car", 0.9), ("person", 0.7), ("bus", 0.4), ("bicycle", 0.3)],
    "park": [("tree", 0.9), ("dog", 0.6), ("person", 0.6), ("bench", 0.4)],
    "living": [("couch", 0.9), ("tv", 0.7), ("cat", 0.4), ("remote", 0.5)],
}
ORDER = {o: i for objs in SCENES.values() for i, (o, _) in enumerate(objs)}


def sample_image():
    scene = list(SCENES)[rng.integers(len(SCENES))]
    objs = [o for o, p in SCENES[scene] if rng.random() < p]
    return scene, objs or [SCENES[scene][0][0]]


def describe(objs, template=0):
    # "a table with a plate and a fork", "a table next to a plate", ...
    joiner = ["with", "next to", "and"][template].split()
    words = ["a", objs[0]]
    for k, o in enumerate(objs[1:]):
        words += (joiner if k == 0 else ["and"]) + ["a", o]
    return words


def references(objs):
    # Five annotators each mention the 1 to 3 most salient objects they noticed.
    refs = []
    for _ in range(5):
        seen = [o for o in objs if rng.random() < 0.85] or objs[:1]
        refs.append(describe(seen[: rng.integers(1, 4)], int(rng.integers(3))))
    return refs


# Co-occurrence learned from 5,000 training images: P(b in image | a in image).
train = [sample_image()[1] for _ in range(5_000)]
count, pair = Counter(), Counter()
for objs in train:
    count.update(objs)
    pair.update((a, b) for a in objs for b in objs if a != b)


def detect(objs):
    # The vision side finds each object with probability 0.7.
    return [o for o in objs if rng.random() < 0.7] or objs[:1]


def caption(seen, prior_threshold=None):
    """Mention the detected objects; a language prior adds any object whose
    P(object | a detected one) is at least the threshold. At most 3 objects."""
    seen = list(seen)
    if prior_threshold is not None:
        for b in count:
            p = max(pair[(a, b)] / count[a] for a in seen)
            if b not in seen and p >= prior_threshold:
                seen.append(b)
    return describe(sorted(seen, key=ORDER.get)[:3])


def ngrams(words, n):
    return Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


def corpus_bleu(hyps, refs_list):
    match, total, hyp_len, ref_len = [0] * 4, [0] * 4, 0, 0
    for hyp, refs in zip(hyps, refs_list):
        hyp_len += len(hyp)
        ref_len += min((abs(len(r) - len(hyp)), len(r)) for r in refs)[1]
        for n in range(1, 5):
            clip = Counter()
            for r in refs:
                clip |= ngrams(r, n)
            c = ngrams(hyp, n)
            match[n - 1] += sum(min(k, clip[g]) for g, k in c.items())
            total[n - 1] += sum(c.values())
    log_p = sum(math.log(m / t) for m, t in zip(match, total)) / 4
    return min(1.0, math.exp(1 - ref_len / hyp_len)) * math.exp(log_p)


def cider_d(hyps, refs_list, sigma=6.0):
    """CIDEr-D (Vedantam et al. 2015): TF-IDF n-gram cosine, clipped counts and a
    Gaussian length penalty, document frequencies from the references, x10."""
    df = [Counter() for _ in range(4)]
    for refs in refs_list:
        for n in range(4):
            df[n].update({g for r in refs for g in ngrams(r, n + 1)})
    log_n = math.log(len(refs_list))

    def vec(words, n):
        c = ngrams(words, n + 1)
        return {g: k * (log_n - math.log(max(1.0, df[n][g]))) for g, k in c.items()}

    scores = []
    for hyp, refs in zip(hyps, refs_list):
        s = 0.0
        for n in range(4):
            h = vec(hyp, n)
            for r in refs:
                v = vec(r, n)
                dot = sum(min(h[g], v[g]) * v[g] for g in h if g in v)
                norm = math.sqrt(sum(x * x for x in h.values()))
                norm *= math.sqrt(sum(x * x for x in v.values()))
                penalty = math.exp(-((len(hyp) - len(r)) ** 2) / (2 * sigma**2))
                s += penalty * dot / norm if norm else 0.0
        scores.append(10 * s / (4 * len(refs)))
    return scores


def chair(hyps, truths):
    """CHAIR (Rohrbach et al. 2018): share of mentioned objects not in the image
    (CHAIR_i) and of captions with at least one (CHAIR_s); plus object recall."""
    mentioned = [[w for w in h if w in ORDER] for h in hyps]
    wrong = [[o for o in m if o not in t] for m, t in zip(mentioned, truths)]
    chair_i = sum(map(len, wrong)) / sum(map(len, mentioned))
    chair_s = float(np.mean([len(w) > 0 for w in wrong]))
    recall = sum(len(set(m) & set(t)) for m, t in zip(mentioned, truths))
    return chair_i, chair_s, recall / sum(len(t) for t in truths)


test = [sample_image()[1] for _ in range(1_000)]
refs = [references(objs) for objs in test]
seen = [detect(objs) for objs in test]

print(f"{'captioner (1,000 test images)':<30}BLEU-4  CIDEr-D  CHAIR_i  CHAIR_s  recall")
results = {}
for label, threshold in [
    ("detector only", None),
    ("+ prior, P >= 0.8", 0.8),
    ("+ prior, P >= 0.6", 0.6),
    ("+ prior, P >= 0.4", 0.4),
]:
    hyps = [caption(s, threshold) for s in seen]
    results[label] = hyps, cider_d(hyps, refs)
    ci, cs, rec = chair(hyps, test)
    print(
        f"{label:<30}{corpus_bleu(hyps, refs):6.3f}{np.mean(results[label][1]):9.3f}"
        f"{ci:9.3f}{cs:9.3f}{rec:8.3f}"
    )

# Each caption that names an object not in the image, against the same caption with
# those objects removed: the shorter, correct one.
hyps, scores = results["+ prior, P >= 0.6"]
bad = [i for i, h in enumerate(hyps) if set(h) & set(ORDER) - set(test[i])]
pruned = [
    describe([w for w in hyps[i] if w in ORDER and w in test[i]] or test[i][:1])
    for i in bad
]
pruned_scores = cider_d(pruned, [refs[i] for i in bad])
bad_scores = cider_d([hyps[i] for i in bad], [refs[i] for i in bad])
wins = [k for k in range(len(bad)) if bad_scores[k] >= pruned_scores[k]]
bad_refs = [refs[i] for i in bad]
label = f"{len(bad)} captions at P >= 0.6 name an absent object"
print(f"\n{label:<47}{'with it':>7}{'without':>9}")
print(
    f"{'BLEU-4 over these captions':<47}"
    f"{corpus_bleu([hyps[i] for i in bad], bad_refs):7.3f}"
    f"{corpus_bleu(pruned, bad_refs):9.3f}"
)
print(f"{'mean CIDEr-D':<47}{np.mean(bad_scores):7.3f}{np.mean(pruned_scores):9.3f}")
print(f"CIDEr-D as high or higher with it: {len(wins)} ({len(wins) / len(bad):.0%})")
k = wins[0]
i = bad[k]
print(f"first such image: {', '.join(test[i])}; references:")
print("  " + " | ".join(" ".join(r) for r in refs[i]))
for text, score in [(hyps[i], bad_scores[k]), (pruned[k], pruned_scores[k])]:
    ci, *_ = chair([text], [test[i]])
    print(f"  {' '.join(text):<34}CIDEr-D {score:.3f}  CHAIR_i {ci:.2f}")

# Capacity and cost. Assumptions, not measurements: 100M uploads a day, peak 2x the
# mean, 10% exact duplicates served from a cache keyed by image hash, 30 caption
# tokens, batches of 64 images. Forward FLOPs ~ 2 x parameters x tokens. The
# encoder-decoders cross-attend to the image features; the projector VLMs put the
# image tokens into the LLM's prompt (prefill). Prefill runs at 400 TFLOP/s; each
# decode step reads the decoder's BF16 weights from 3.35 TB/s memory (or is compute
# bound, whichever is slower) plus 0.5 ms of fixed overhead. GPUs kept 70% busy,
# $2.50 per GPU-hour.
uploads, peak, dup, tokens, batch = 100e6, 2, 0.10, 30, 64
flops_per_s, bandwidth, overhead, busy, price = 400e12, 3.35e12, 0.5e-3, 0.7, 2.5
models = [
    # name, vision params, image tokens, decoder params, image tokens into decoder
    ("ViT-B + 0.14B decoder", 0.086e9, 197, 0.14e9, 0),
    ("0.8B encoder-decoder", 0.36e9, 577, 0.4e9, 0),
    ("3B VLM (projector)", 0.4e9, 256, 2.0e9, 256),
    ("7B VLM (projector)", 0.3e9, 576, 7.0e9, 576),
]
rate = uploads * (1 - dup) / 86_400 * peak
print(f"\ncaptions/s at peak after the hash cache: {rate:,.0f}")
print(
    f"{'model':<23}{'TFLOP/img':>10}{'batch s':>8}{'img/s/GPU':>10}"
    f"{'GPUs':>6}{'$/1M img':>9}"
)
for name, p_vision, n_image, p_decoder, n_prefix in models:
    prefill = 2 * p_vision * n_image + 2 * p_decoder * n_prefix
    step = max(2 * p_decoder / bandwidth, batch * 2 * p_decoder / flops_per_s)
    seconds = batch * prefill / flops_per_s + tokens * (step + overhead)
    per_gpu = batch / seconds
    gpus = math.ceil(rate / per_gpu / busy)
    dollars = 1e6 / per_gpu / busy / 3_600 * price
    flops = prefill + 2 * p_decoder * tokens
    print(
        f"{name:<23}{flops / 1e12:10.3f}{seconds:8.2f}{per_gpu:10,.0f}"
        f"{gpus:6d}{dollars:9.2f}"
    )
