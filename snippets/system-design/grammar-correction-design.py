import difflib
import random
from collections import Counter

import sacrebleu

random.seed(0)

# A toy English of template sentences: subject-verb agreement, a/an, set
# prepositions ("in the library", "at the station"; the park and the office take
# either). Users also write a few correct words the training text never had.
SUBJECTS = "teacher student doctor farmer artist engineer officer actor uncle editor"
OBJECTS = ["book", "apple", "umbrella", "letter", "lamp", "egg", "orange", "bag"]
OBJECTS += ["key", "envelope"]
NEW_OBJECTS = ["lamb", "bat", "keg"]
ADJS = ["old", "young", "busy", "tall", "kind", "new", "early", "angry"]
VERBS = ["reads", "buys", "carries", "finds", "cleans", "brings", "sells", "opens"]
VERBS += ["fixes", "washes"]
PLACES = {
    "library": ["in"],
    "kitchen": ["in"],
    "garden": ["in"],
    "station": ["at"],
    "airport": ["at"],
    "bus": ["on"],
    "train": ["on"],
    "office": ["at", "in"],
    "park": ["in", "at"],
}
TIMES = "every morning|every day|on monday|on friday|at night|at noon|in the evening"
TIMES = [t.split() for t in TIMES.split("|")]
PREPS, ARTICLES = ["in", "on", "at"], ["a", "an", "the"]
# fluency rewrites an aggressive rewriter makes to text that was correct
STYLE = {"buys": "purchases", "buy": "purchase", "finds": "discovers"}
STYLE |= {"find": "discover", "kind": "friendly", "every": "each"}


def plural_verb(v):
    return {"carries": "carry", "fixes": "fix", "washes": "wash"}.get(v, v[:-1])


def noun_phrase(noun, plural, dets):
    adj = [random.choice(ADJS)] if random.random() < 0.4 else []
    word = noun + "s" if plural else noun
    det = random.choice(dets)
    if det == "a":
        det = "an" if (adj + [word])[0][0] in "aeiou" else "a"
    return [det] + adj + [word]


def sentence(p_new=0.0):
    plural = random.random() < 0.4
    subj = random.choice(SUBJECTS.split())
    subj = noun_phrase(subj, plural, ["the", "my"] + (["a"] if not plural else []))
    verb = random.choice(VERBS)
    verb = plural_verb(verb) if plural else verb
    obj_plural = random.random() < 0.3
    objects = NEW_OBJECTS if random.random() < p_new else OBJECTS
    dets = ["the", "some"] if obj_plural else ["the", "a"]
    obj = noun_phrase(random.choice(objects), obj_plural, dets)
    place = random.choice(list(PLACES))
    prep = random.choice(PLACES[place])
    time = random.choice(TIMES) if random.random() < 0.6 else []
    return subj + [verb] + obj + [prep, "the", place] + time + ["."]


# counts from 5,000 clean training sentences
train = [sentence() for _ in range(5000)]
uni, bi, tri = Counter(), Counter(), Counter()
for s in train:
    t = ["<s>"] + s + ["</s>"]
    uni.update(t)
    bi.update(zip(t, t[1:]))
    tri.update(zip(t, t[1:], t[2:]))
vocab = set(uni) - {"<s>", "</s>"}
VERB_SET = {v: [v, plural_verb(v)] for v in VERBS}
VERB_SET |= {plural_verb(v): [v, plural_verb(v)] for v in VERBS}
CONFUSION = {w: ARTICLES for w in ARTICLES} | {w: PREPS for w in PREPS} | VERB_SET
NOUNS = set(OBJECTS) | set(SUBJECTS.split()) | set(PLACES)
NOUNS |= {n + "s" for n in NOUNS}


def typo(word):
    # one deletion, swap or substitution that is not a word of the vocabulary
    while True:
        i = random.randrange(len(word) - 1)
        kind = random.choice(["del", "swap", "sub"])
        if kind == "del":
            new = word[:i] + word[i + 1 :]
        elif kind == "swap":
            new = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        else:
            new = word[:i] + random.choice("aeiourstnl") + word[i + 1 :]
        if new not in vocab:
            return new


def corrupt(ref, n_errors):
    # inject errors at known, non-adjacent positions
    src, used = list(ref), set()
    for _ in range(n_errors):
        options = []
        for i, w in enumerate(src):
            if used & {i - 1, i, i + 1}:
                continue
            if w in VERB_SET:
                options.append(("agreement", i))
            if w in ARTICLES:
                options.append(("article", i))
            if w in PREPS:
                options.append(("preposition", i))
            if len(w) >= 4 and w in vocab and w not in PREPS:
                options.append(("spelling", i))
        kind = random.choice(sorted({k for k, _ in options}))
        i = random.choice([j for k, j in options if k == kind])
        w = src[i]
        if kind == "agreement":
            src[i] = [v for v in VERB_SET[w] if v != w][0]
        elif kind == "article" and (w == "the" or random.random() < 0.5):
            src[i] = None
        elif kind == "article":
            src[i] = "an" if w == "a" else "a"
        elif kind == "preposition":
            src[i] = random.choice([p for p in PREPS if p != w])
        else:
            src[i] = typo(w)
        used.add(i)
    return [w for w in src if w is not None]


def make(n, p_errors, p_new):
    out = []
    for _ in range(n):
        ref = sentence(p_new)
        n_errors = random.choices([0, 1, 2], p_errors)[0]
        out.append((corrupt(ref, n_errors), ref, n_errors))
    return out


def edits(src, hyp):
    # token-level alignment; a block of equal-length replacements is split into
    # one edit per changed token, anything else is one edit (start, end, new)
    out = set()
    sm = difflib.SequenceMatcher(a=src, b=hyp, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "replace" and i2 - i1 == j2 - j1:
            for k in range(i2 - i1):
                if src[i1 + k] != hyp[j1 + k]:
                    out.add((i1 + k, i1 + k + 1, hyp[j1 + k]))
        elif op != "equal":
            out.add((i1, i2, " ".join(hyp[j1:j2])))
    return out


def kind_of(src, edit):
    old, new = src[edit[0] : edit[1]], edit[2].split()
    if any(t not in vocab for t in old):
        return "spelling"
    if any(t in STYLE.values() for t in new):
        return "style"
    if any(t in VERB_SET for t in old + new) or set(old + new) <= NOUNS:
        return "agreement"
    if any(t in ARTICLES for t in old + new):
        return "article"
    return "preposition" if any(t in PREPS for t in old + new) else "other"


def damerau(a, b):
    d = [list(range(len(b) + 1))]
    d += [[i] + [0] * len(b) for i in range(1, len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1])
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, sub)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


def channel(typed, meant):
    # error model: how likely a writer who meant `meant` typed `typed`
    if typed == meant:
        return 1.0
    return 0.2 if {typed, meant} == {"a", "an"} else 0.05


def proposals(src):
    # the tagger: per token, the best candidate and its share of the scores
    t = ["<s>"] + src + ["</s>", "</s>"]
    out = []
    for i in range(1, len(src) + 1):
        w, prev, nxt, nxt2 = t[i], t[i - 1], t[i + 1], t[i + 2]
        if w in CONFUSION:
            cands = CONFUSION[w]
            score = [
                (tri[prev, c, nxt] + 0.1) * (tri[c, nxt, nxt2] + 0.1) * channel(w, c)
                for c in cands
            ]
        elif w not in vocab:
            cands = [v for v in sorted(vocab) if abs(len(v) - len(w)) <= 2]
            cands = [v for v in cands if damerau(w, v) <= 2]
            score = [
                (bi[prev, c] + 0.1)
                * (bi[c, nxt] + 0.1)
                / (uni[c] + 0.1)
                * (1.0 if damerau(w, c) == 1 else 0.05)
                for c in cands
            ]
        else:
            continue
        if cands:
            best = max(range(len(cands)), key=score.__getitem__)
            if cands[best] != w:
                edit = (i - 1, i, cands[best])
                out.append((edit, score[best] / sum(score), kind_of(src, edit)))
    return out


def tagger(src, threshold, props):
    # apply the proposals whose confidence clears the threshold for their type
    hyp = list(src)
    for (i, _, c), conf, kind in props:
        tau = threshold[kind] if isinstance(threshold, dict) else threshold
        if conf >= tau:
            hyp[i] = c
    return hyp


def rewriter(src, props, rng):
    # aggressive: every proposal, agreement fixed on the noun half the time,
    # missing articles put back, fluency rewrites of text that was correct
    hyp = tagger(src, 0.0, props)
    for i in range(2, len(hyp)):
        verb_fixed = hyp[i] != src[i] and src[i] in VERB_SET
        noun = hyp[i - 1]
        agrees = noun in NOUNS and hyp[i - 2] in ["the", "my"]
        if verb_fixed and agrees and rng.random() < 0.5:
            hyp[i - 1] = noun[:-1] if noun.endswith("s") else noun + "s"
            hyp[i] = src[i]
    out = []
    for w in hyp:
        prev = out[-1] if out else "<s>"
        if (w in NOUNS or w in ADJS) and prev not in ARTICLES + ["my", "some"] + ADJS:
            c = max(ARTICLES, key=lambda a: tri[prev, a, w])
            if tri[prev, c, w] > 0:
                out.append(c)
        out.append(STYLE[w] if w in STYLE and rng.random() < 0.5 else w)
    return out


def prf(pairs, hyps, kind=None):
    # edit-level precision, recall and F0.5 against the gold edits
    tp = n_hyp = n_gold = 0
    for (src, ref), hyp in zip(pairs, hyps):
        gold, pred = edits(src, ref), edits(src, hyp)
        if kind:
            gold = {e for e in gold if kind_of(src, e) == kind}
            pred = {e for e in pred if kind_of(src, e) == kind}
        tp, n_hyp, n_gold = tp + len(gold & pred), n_hyp + len(pred), n_gold + len(gold)
    p = tp / n_hyp if n_hyp else float("nan")
    r = tp / n_gold if n_gold else float("nan")
    return n_hyp, p, r, (1.25 * p * r / (0.25 * p + r) if tp else 0.0)


def sentence_level(pairs, hyps):
    exact = sum(h == ref for (_, ref), h in zip(pairs, hyps)) / len(pairs)
    refs = [[" ".join(ref) for _, ref in pairs]]
    hyps = [" ".join(h) for h in hyps]
    bleu = sacrebleu.corpus_bleu(hyps, refs, tokenize="none", force=True)
    return exact, bleu.score / 100


# learner-like dev and test sets, and a test set where errors are rare; 10% of
# sentences in each have a correct word the training text never had
dev, test, native = (
    make(400, [0.4, 0.4, 0.2], p_new=0.1),
    make(400, [0.4, 0.4, 0.2], p_new=0.1),
    make(400, [0.9, 0.1, 0.0], p_new=0.1),
)
recovered = all(len(edits(s, r)) == k for d in (dev, test, native) for s, r, k in d)
print("alignment recovers every injected error:", recovered)
dev, test, native = ([(s, r) for s, r, _ in d] for d in (dev, test, native))
KINDS = ["agreement", "article", "preposition", "spelling"]
gold = Counter(kind_of(s, e) for s, r in test for e in edits(s, r))
print("test gold edits:", ", ".join(f"{k} {gold[k]}" for k in KINDS))
props = {id(d): [proposals(s) for s, _ in d] for d in (dev, test, native)}


def run(data, system):
    return [system(s, q) for (s, _), q in zip(data, props[id(data)])]


def tagged(data, threshold, kind=None):
    hyps = [tagger(s, threshold, q) for (s, _), q in zip(data, props[id(data)])]
    return prf(data, hyps, kind)


def row(name, n, p, r, f):
    p = "-" if n == 0 else f"{p:.3f}"
    return f"{name:<24}{n:>6} {p:>6} {r:>6.3f} {f:>6.3f}"


print("\ntagger on dev, one threshold")
print(f"{'threshold':<24}{'edits':>6} {'P':>6} {'R':>6} {'F0.5':>6}")
for tau in [0.0, 0.7, 0.9, 0.95, 0.99]:
    print(row(f"{tau:.2f}", *tagged(dev, tau)))
grid = [0.05 * k for k in range(20)] + [0.97, 0.99, 1.01]
best = max(grid, key=lambda t: tagged(dev, t)[3])
per_kind = {}
for k in KINDS:
    off = dict.fromkeys(KINDS, 1.01)
    per_kind[k] = max(grid, key=lambda t: tagged(dev, off | {k: t}, k)[3])
print(f"picked on dev: one threshold {best:.2f}; per type:")
print("  " + ", ".join(f"{k} {per_kind[k]:.2f}" for k in KINDS))

rng = random.Random(1)
systems = {
    "copy the input": lambda s, q: list(s),
    f"tagger, threshold {best:.2f}": lambda s, q: tagger(s, best, q),
    "tagger, per-type": lambda s, q: tagger(s, per_kind, q),
    "rewriter": lambda s, q: rewriter(s, q, rng),
}
print("\ntest: edit-level P, R, F0.5; sentence-level exact match and BLEU")
print(f"{'system':<24}{'edits':>6} {'P':>6} {'R':>6} {'F0.5':>6} {'exact':>6} BLEU")
outputs = {}
for name, system in systems.items():
    outputs[name] = hyps = run(test, system)
    exact, bleu = sentence_level(test, hyps)
    print(row(name, *prf(test, hyps)), f"{exact:>6.3f} {bleu:.3f}")

print(f"\n{'test, per edit type':<17}{'tagger, per-type':>22}{'rewriter':>22}")
print(f"{'type':<17}" + f"{'edits':>8} {'P':>6} {'R':>6}" * 2)
for k in KINDS + ["style"]:
    cells = ""
    for name in ["tagger, per-type", "rewriter"]:
        n, p, r, _ = prf(test, outputs[name], k)
        p = "-" if n == 0 else f"{p:.3f}"
        r = "-" if k == "style" else f"{r:.3f}"
        cells += f"{n:>8} {p:>6} {r:>6}"
    print(f"{k:<17}{cells}")

print("\nlow error density: one error in 10% of sentences")
print(
    f"{'system':<24}{'edits':>6} {'P':>6} {'R':>6} {'F0.5':>6} {'flags/100 clean':>16}"
)
for name in list(systems)[1:]:
    hyps = run(native, systems[name])
    clean = [(s, h) for (s, ref), h in zip(native, hyps) if s == ref]
    flags = sum(len(edits(s, h)) for s, h in clean) / len(clean) * 100
    print(row(name, *prf(native, hyps)), f"{flags:>16.1f}")
