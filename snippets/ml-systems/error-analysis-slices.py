import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

rng = np.random.default_rng(0)
POS = ["good", "great", "excellent", "lovely", "helpful", "fast"]
NEG = ["bad", "awful", "terrible", "poor", "useless", "slow"]
DOMAINS = {
    "product": ["the phone", "this charger", "the laptop", "the headphones"],
    "service": ["the support team", "the delivery", "the refund process", "the agent"],
}
FILLER = ["honestly", "overall", "to be fair", "i think", "this week", "as expected"]


def review(domain: str, negated: bool, long: bool) -> tuple[str, int]:
    label = int(rng.random() < 0.5)
    adjective = rng.choice(POS if label else NEG)
    subject = rng.choice(DOMAINS[domain])
    if negated:
        # "not good" is negative: the adjective's polarity flips.
        adjective = rng.choice(NEG if label else POS)
        text = f"{subject} was not {adjective}"
    else:
        text = f"{subject} was {adjective}"
    if long:
        text = " ".join([rng.choice(FILLER), text, rng.choice(FILLER)])
    # 4% of labels are wrong, as in any human-labelled set.
    return text, label if rng.random() > 0.04 else 1 - label


def dataset(n: int, p_negated: float, p_service: float):
    rows = []
    for _ in range(n):
        domain = "service" if rng.random() < p_service else "product"
        negated, long = rng.random() < p_negated, rng.random() < 0.5
        text, label = review(domain, negated, long)
        rows.append((text, label, domain, negated, long))
    return rows


train = dataset(3_000, p_negated=0.08, p_service=0.5)
test = dataset(3_000, p_negated=0.08, p_service=0.5)
texts, y = [r[0] for r in train], np.array([r[1] for r in train])
test_texts, y_test = [r[0] for r in test], np.array([r[1] for r in test])
slices = {
    "all": np.ones(len(test), bool),
    "negated": np.array([r[3] for r in test]),
    "not negated": ~np.array([r[3] for r in test]),
    "service": np.array([r[2] == "service" for r in test]),
    "product": np.array([r[2] == "product" for r in test]),
    "long": np.array([r[4] for r in test]),
}

models = {
    "unigrams": make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000)),
    "uni+bigrams": make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2)), LogisticRegression(C=10, max_iter=1000)
    ),
}
print(f"{'slice':12} {'n':>5} " + " ".join(f"{m:>12}" for m in models))
correct = {
    m: model.fit(texts, y).predict(test_texts) == y_test for m, model in models.items()
}
for name, mask in slices.items():
    row = " ".join(f"{correct[m][mask].mean():12.3f}" for m in models)
    print(f"{name:12} {mask.sum():5d} {row}")

# The errors that remain, read by a person: sample them, do not only count them.
errors = [t for t, ok in zip(test_texts, correct["unigrams"]) if not ok]
print("unigram errors, first three:", errors[:3])
