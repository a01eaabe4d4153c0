import numpy as np

rng = np.random.default_rng(0)
FIELDS = [
    "supplier",
    "invoice number",
    "invoice date",
    "due date",
    "currency",
    "bank account",
    "line items",
    "subtotal",
    "tax",
    "total",
]
# Assumed log-odds of an extraction error per field on a familiar, clean page.
BASE = np.array([-6.5, -5.5, -6.0, -5.5, -7.0, -6.0, -4.0, -6.0, -5.5, -6.0])

# Vendor master in the ERP: 300 known suppliers whose layouts the extractor was
# trained on (a few send most invoices), and 60 new ones it has never seen.
N_KNOWN, N_NEW = 300, 60
n_sup = N_KNOWN + N_NEW
is_new_sup = np.arange(n_sup) >= N_KNOWN
trained_on = np.where(is_new_sup, 0, np.round(3000 / np.arange(1, n_sup + 1)))
unfamiliar = 1 / np.sqrt(1 + trained_on / 10)
currency = rng.choice(4, n_sup, p=[0.7, 0.15, 0.1, 0.05])
terms = rng.choice([14, 30, 45, 60], n_sup)
tax_bp = rng.choice([0, 700, 1900, 2000], n_sup, p=[0.1, 0.2, 0.5, 0.2])
prefix = rng.choice(["INV-", "RE", "", "2026/", "F"], n_sup)
n_digits = rng.integers(5, 9, n_sup)
next_number = rng.integers(100, 5000, n_sup)


def account_number():
    return f"DE{rng.integers(10**9, 10**10)}{rng.integers(10**9, 10**10)}"


bank = [account_number() for _ in range(n_sup)]

# One year of invoices: 20,000 from known suppliers, 3,000 from new ones in the
# second half; 0.5% are sent twice (a reminder, a copy by post).
volume = trained_on[:N_KNOWN] / trained_on[:N_KNOWN].sum()
sup = np.concatenate(
    [rng.choice(N_KNOWN, 20_000, p=volume), rng.integers(N_KNOWN, n_sup, 3_000)]
)
day = np.concatenate([rng.integers(0, 365, 20_000), rng.integers(182, 365, 3_000)])
invoices = []
for i in np.argsort(day, kind="stable"):
    s, d = sup[i], int(day[i])
    lines = [int(a) for a in rng.integers(1_000, 300_000, 1 + rng.poisson(3))]
    # 4% carry freight or a discount that is not a line item (a real exception).
    extra = int(rng.integers(500, 5_000)) if rng.random() < 0.04 else 0
    subtotal = sum(lines) + extra
    tax = (subtotal * int(tax_bp[s]) + 5_000) // 10_000
    due = d + int(terms[s]) if rng.random() > 0.03 else d + int(rng.choice([7, 10, 21]))
    number = f"{prefix[s]}{next_number[s]:0{n_digits[s]}d}"
    next_number[s] += 1
    po = None
    if rng.random() < 0.7:
        # 6% of PO invoices differ from the goods receipt (price or quantity).
        po = subtotal + tax
        if rng.random() < 0.06:
            po = int(po / rng.uniform(1.03, 1.15))
    account, fraud = bank[s], False
    if rng.random() < 0.003:
        # A new bank account on the invoice: half are fraud (someone posing as the
        # supplier), half a real change of bank.
        account, fraud = account_number(), rng.random() < 0.5
    invoices.append(
        dict(
            sup=s,
            inv=d,
            due=due,
            received=d + int(rng.integers(1, 8)),
            cur=currency[s],
            bank=account,
            lines=lines,
            subtotal=subtotal,
            tax=tax,
            total=subtotal + tax,
            number=number,
            po=po,
            fraud=fraud,
            duplicate=False,
        )
    )
for j in rng.choice(len(invoices), len(invoices) // 200, replace=False):
    copy = dict(invoices[j], duplicate=True)
    copy["received"] += int(rng.integers(5, 40))
    invoices.append(copy)
invoices.sort(key=lambda x: x["received"])
n = len(invoices)
s = np.array([x["sup"] for x in invoices])
new = is_new_sup[s]
test = np.array([x["received"] >= 182 for x in invoices])
n_lines = np.array([len(x["lines"]) for x in invoices])

# The extractor. A field's error risk grows with layout unfamiliarity and poor scans
# (45% are born-digital PDFs with an exact text layer), plus causes shared by a page
# and causes per field; long tables are harder. Its confidence sees the same risk
# plus noise, except that it takes a new layout for a typical known one (an
# assumption: overconfidence under shift).
quality = np.where(rng.random(n) < 0.45, 1.0, rng.beta(6, 2, n))
hidden = rng.normal(0, 0.5, (n, 1)) + rng.normal(0, 0.5, (n, 10))
hidden[:, 6] += 0.15 * (n_lines - 4)
typical = np.average(unfamiliar[:N_KNOWN], weights=volume)
seen_as = np.where(new, typical, unfamiliar[s])
risk = BASE + 2.0 * unfamiliar[s][:, None] + 3.0 * (1 - quality)[:, None] + hidden
wrong = rng.random((n, 10)) < 1 / (1 + np.exp(-risk))
belief = BASE + 2.0 * seen_as[:, None] + 3.0 * (1 - quality)[:, None] + hidden
confidence = 1 / (1 + np.exp(belief + rng.normal(0, 0.7, (n, 10))))
doc_conf = confidence.prod(1)


def misread(text):
    # One digit of a string of digits read as another.
    k = int(rng.integers(len(text)))
    digits = [c for c in "0123456789" if c != text[k] and (k or c != "0")]
    return text[:k] + rng.choice(digits) + text[k + 1 :]


def misread_amount(cents):
    return int(misread(str(cents)))


def extract(x, err):
    y = dict(x, lines=list(x["lines"]))
    if err[0]:
        y["sup"] = int(rng.choice([t for t in range(N_KNOWN) if t != x["sup"]]))
    if err[1]:
        if rng.random() < 0.6:
            p = len(prefix[x["sup"]])
            y["number"] = x["number"][:p] + misread(x["number"][p:])
        else:
            # The PO or customer number read as the invoice number.
            y["number"] = f"PO{rng.integers(10**6, 10**7)}"
    for k, key in ((2, "inv"), (3, "due")):
        if err[k]:
            y[key] += int(rng.choice([-1, 1]) * rng.integers(1, 40))
    if err[4]:
        y["cur"] = int(rng.choice([c for c in range(4) if c != x["cur"]]))
    if err[5]:
        y["bank"] = x["bank"][:2] + misread(x["bank"][2:])
    if err[6]:
        k = int(rng.integers(len(y["lines"])))
        if len(y["lines"]) > 1 and rng.random() < 0.5:
            del y["lines"][k]
        else:
            y["lines"][k] = misread_amount(y["lines"][k])
    if err[7]:
        misplaced = x["total"] if x["tax"] else misread_amount(x["subtotal"])
        y["subtotal"] = (
            misplaced if rng.random() < 0.3 else misread_amount(x["subtotal"])
        )
    if err[8]:
        # The rate (19.00) read as the amount, or a digit misread.
        rate = int(tax_bp[x["sup"]])
        y["tax"] = rate if rate and rng.random() < 0.3 else misread_amount(x["tax"])
    if err[9]:
        misplaced = x["subtotal"] if x["tax"] else misread_amount(x["total"])
        y["total"] = misplaced if rng.random() < 0.3 else misread_amount(x["total"])
    return y


def checks(y, x, history):
    # Each check needs no label: arithmetic, the PO and goods receipt, the vendor
    # master, and the ERP's earlier invoices.
    m = y["sup"]
    po_ok = x["po"] is None or (
        m == x["sup"] and abs(y["total"] - x["po"]) <= 0.01 * x["po"]
    )
    # The format of the supplier's earlier invoice numbers; a new supplier has none.
    rest = y["number"].removeprefix(prefix[m])
    number_ok = is_new_sup[m] or (
        y["number"].startswith(prefix[m])
        and rest.isdigit()
        and len(rest) == n_digits[m]
    )
    return {
        "line items sum to subtotal": sum(y["lines"]) == y["subtotal"],
        "subtotal + tax = total": y["subtotal"] + y["tax"] == y["total"],
        "PO and goods receipt match": po_ok,
        "currency and bank as in vendor master": y["cur"] == currency[m]
        and y["bank"] == bank[m],
        "payment terms and dates": y["due"] - y["inv"] == terms[m]
        and 0 <= y["received"] - y["inv"] <= 60,
        "invoice number format": number_ok,
        "not a duplicate": (m, y["number"]) not in history
        and (m, y["total"], y["inv"]) not in history,
    }


history, passed = set(), np.zeros(n, bool)
failed_by = {}
for i, x in enumerate(invoices):
    result = checks(extract(x, wrong[i]), x, history)
    passed[i] = all(result.values())
    for name, ok in result.items():
        failed_by.setdefault(name, np.zeros(n, bool))[i] = not ok
    # The ERP keeps the posted (true) values of every earlier invoice.
    history |= {(x["sup"], x["number"]), (x["sup"], x["total"], x["inv"])}

dup = np.array([x["duplicate"] for x in invoices])
fraud = np.array([x["fraud"] for x in invoices])
any_wrong = wrong.any(1)
# A wrong payment: a posted invoice with a wrong field, paid twice or to a fraudster.
bad = any_wrong | dup | fraud
k = test & ~new
print(
    f"{n:,} invoices, {(quality == 1).mean():.2f} born-digital; the test half has"
    f" {k.sum():,} from known suppliers"
)
print("(1) field            accuracy  invoices wrong  caught by a check")
for name, w in [*zip(FIELDS, wrong.T), ("whole invoice", any_wrong)]:
    w = k & w
    caught = (~passed[w]).mean()
    print(f"    {name:<16}{1 - w.sum() / k.sum():9.3f}{w.sum():12d}{caught:17.3f}")
print(f"    product of the 10 field accuracies {np.prod(1 - wrong[k].mean(0)):.3f}")
clean = k & ~bad
print(f"(2) correct invoices failing a check: {(~passed[clean]).mean():.3f}")
for name in failed_by:
    print(f"    {name:<40}{failed_by[name][clean].mean():.3f}")
print(
    f"    duplicates {(k & dup).sum()}, caught {(~passed[k & dup]).mean():.3f};"
    f" fraudulent bank accounts {(k & fraud).sum()},"
    f" caught {(~passed[k & fraud]).mean():.3f}"
)


def route(rows, t, use_checks):
    # Post automatically (straight through) or send to a person.
    post = rows & (doc_conf >= t) & (passed | ~use_checks)
    return post.sum() / rows.sum(), (post & bad).sum() / max(post.sum(), 1)


print("(3) post if document confidence    confidence only   confidence + checks")
print("    (product of 10 fields) >= t    STP  wrong/1,000    STP  wrong/1,000")
for t in (0.0, 0.5, 0.7, 0.8, 0.9, 0.95):
    (a, b), (c, d) = route(k, t, False), route(k, t, True)
    print(f"    t = {t:<24.2f}{a:5.3f}{1000 * b:10.1f}{c:10.3f}{1000 * d:10.1f}")

val = ~test & ~new
grid = np.round(np.arange(0, 1, 0.01), 2)
print("(4) cost per invoice in manual reviews; t chosen on the first half")
print("    a wrong posting costs  strategy                t    STP  wrong/1,000  cost")
chosen = {}
for R in (10, 100):
    for use in (False, True):
        costs = [
            (1 - stp) + R * stp * err for stp, err in (route(val, t, use) for t in grid)
        ]
        t = chosen[R, use] = grid[int(np.argmin(costs))]
        stp, err = route(k, t, use)
        label = "confidence + checks" if use else "confidence only"
        print(
            f"    {R:>3} reviews            {label:<20}{t:5.2f}{stp:7.3f}"
            f"{1000 * err:9.1f}{(1 - stp) + R * stp * err:9.3f}"
        )
print(f"    {'':<23}{'review everything':<20}{'-':>5}{0:7.3f}{0:9.1f}{1:9.3f}")

nt = test & new
t = chosen[100, True]
print(f"(5) {nt.sum():,} invoices from {N_NEW} new suppliers (layouts never seen)")
print(f"    confidence + checks, t = {t:.2f} as in (4)  known suppliers  new suppliers")
for name, stat in [
    ("mean field accuracy", lambda r: 1 - wrong[r].mean()),
    ("whole-invoice accuracy", lambda r: 1 - any_wrong[r].mean()),
    ("mean document confidence", lambda r: doc_conf[r].mean()),
    ("invoices failing a check", lambda r: 1 - passed[r].mean()),
    ("STP", lambda r: route(r, t, True)[0]),
    ("wrong postings per 1,000 posted", lambda r: 1000 * route(r, t, True)[1]),
    (
        "share of them with a wrong invoice number",
        lambda r: wrong[r & (doc_conf >= t) & passed & bad, 1].mean(),
    ),
]:
    a, b = stat(k), stat(nt)
    digits = 1 if a > 1 else 3
    print(f"    {name:<44}{a:6.{digits}f}{b:15.{digits}f}")
