import numpy as np
from sklearn.discriminant_analysis import QuadraticDiscriminantAnalysis
from sklearn.linear_model import LogisticRegression

# (1) ICAO Doc 9303 check digits: 0-9 count as 0-9, A-Z as 10-35, the filler "<"
# as 0; weights 7, 3, 1 repeating; the sum modulo 10. The specimen passport's
# second MRZ line (TD3: 44 characters):
VALUE = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
VALUE["<"] = 0


def check_digit(text):
    return sum(VALUE[c] * (7, 3, 1)[i % 3] for i, c in enumerate(text)) % 10


line = "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
fields = {
    "document number": (line[0:9], line[9]),
    "date of birth": (line[13:19], line[19]),
    "expiry date": (line[21:27], line[27]),
    "optional data": (line[28:42], line[42]),
    "composite": (line[0:10] + line[13:20] + line[21:43], line[43]),
}
print("(1) MRZ check digits of the ICAO 9303 specimen (TD3, line 2)")
for name, (text, printed) in fields.items():
    print(f"    {name:<16} computed {check_digit(text)}, printed {printed}")


def caught(a, b, weight):
    # Reading b for a at a position of this weight changes the sum by
    # (b - a) * weight, which the check digit misses when it is 0 modulo 10.
    return (VALUE[b] - VALUE[a]) * weight % 10 != 0


digits = "0123456789"
symbols = digits + "ABCDEFGHIJKLMNOPQRSTUVWXYZ<"
one_digit = [
    caught(a, b, w) for w in (7, 3, 1) for a in digits for b in digits if a != b
]
one_char = [
    caught(a, b, w) for w in (7, 3, 1) for a in symbols for b in symbols if a != b
]
swap = [
    (a - b) * (w1 - w2) % 10 != 0
    for w1, w2 in ((7, 3), (3, 1), (1, 7))
    for a in range(10)
    for b in range(10)
    if a != b
]
print(
    f"    caught: one digit misread (numeric field)          {np.mean(one_digit):.3f}"
)
print(f"    caught: one character misread (alphanumeric field) {np.mean(one_char):.3f}")
print(f"    caught: two adjacent digits swapped                {np.mean(swap):.3f}")
ocr = [("0", "O"), ("1", "I"), ("2", "Z"), ("5", "S"), ("6", "G"), ("8", "B")]
print(
    "    OCR confusions caught: "
    + ", ".join(
        f"{a}/{b} {'yes' if all(caught(a, b, w) for w in (7, 3, 1)) else 'no'}"
        for a, b in ocr
    )
)

# (2) A stream of applicants. Every distribution below is an assumption of this
# simulation, not a measurement. Scores: doc, the document tamper score (logit,
# higher is more suspicious); face, the similarity of the selfie and the document
# portrait; live, the presentation attack detection score (logit, higher is more
# bona fide); quality, the capture quality, which every model can see.
rng = np.random.default_rng(0)
n = 200_000
KINDS = [
    "genuine",
    "stolen ID",
    "forged document",
    "printed photo",
    "screen replay",
    "deepfake replay",
    "injection",
]
kind = rng.choice(7, n, p=[0.95, 0.02, 0.012, 0.005, 0.005, 0.005, 0.003])
# The first half is last quarter's traffic, labelled by reviews and confirmed
# fraud; the second half is this quarter's. Injection (a virtual camera feeding a
# deepfake of the victim) starts this quarter: no label of it exists yet.
last_q = np.arange(n) < n // 2
kind[last_q & (kind == 6)] = 0
this_q = ~last_q
fraud = kind != 0
group_b = rng.random(n) < 0.15
quality = rng.beta(6, 2, n)
# A forged document (a template with the fraudster's own photo) has wrong MRZ
# check digits 30% of the time; a real document fails only on a bad read.
real_doc = kind != 2
bad_read = rng.random(n) < 0.004 + 0.03 * (1 - quality) ** 2
mrz_ok = np.where(real_doc, ~bad_read, rng.random(n) > 0.30)
doc = np.where(
    real_doc, rng.normal(-2.5 + 1.5 * (1 - quality), 1.0), rng.normal(1.0, 1.5, n)
)
# The same person is on both sides of the face comparison, except with a stolen
# ID (an impostor who looks like the victim). Group B's same-person scores sit 0.08
# lower; impostor scores are the same in both groups.
same_mean = np.array([0.72, 0.35, 0.72, 0.60, 0.62, 0.64, 0.66])[kind]
face = rng.normal(same_mean - 0.15 * (1 - quality), 0.06)
face[kind == 1] = rng.normal(0.35, 0.10, (kind == 1).sum())
face -= 0.08 * (group_b & (kind != 1))
# Liveness: a live person (genuine, stolen ID, forged document) is bona fide; a
# printed photo, a screen replay and a deepfake played on a screen are
# presentation attacks; an injected stream never passes a camera and looks bona
# fide to a model that has never seen one.
live_mean = np.array([3.0, 3.0, 3.0, -3.0, -2.0, -0.5, 2.8])[kind]
live_sd = np.array([1.0, 1.0, 1.0, 1.2, 1.2, 1.7, 1.0])[kind]
live = rng.normal(live_mean - 2.0 * (1 - quality) * (kind < 3), live_sd)
print(f"(2) {n:,} applicants: last quarter (labelled) and this quarter (reported)")
counts = [f"{k} {(this_q & (kind == i)).sum():,}" for i, k in enumerate(KINDS)]
for start in range(0, 7, 3):
    label = "this quarter:" if start == 0 else ""
    print(f"    {label:<14}" + ", ".join(counts[start : start + 3]))

# (3) One threshold per step, each set on last quarter's genuine applicants to
# reject 1% of them; the face threshold on group A, the majority.
gen = last_q & ~fraud
t_doc = np.quantile(doc[gen], 0.99)
t_face = np.quantile(face[gen & ~group_b], 0.01)
t_live = np.quantile(live[gen], 0.01)
steps = {
    "MRZ": mrz_ok,
    "document": doc < t_doc,
    "face": face >= t_face,
    "liveness": live >= t_live,
}
passed_and = np.logical_and.reduce(list(steps.values()))
print("(3) share passing each step, this quarter")
print(f"    thresholds: document {t_doc:.2f}, face {t_face:.3f}, liveness {t_live:.2f}")
print(f"    {'applicant':<18}" + "".join(f"{s:>10}" for s in steps) + f"{'all':>10}")
for i, k in enumerate(KINDS):
    rows = this_q & (kind == i)
    print(
        f"    {k:<18}"
        + "".join(f"{m[rows].mean():10.3f}" for m in steps.values())
        + f"{passed_and[rows].mean():10.3f}"
    )
# The liveness column in ISO/IEC 30107-3 terms: APCER, the share of one attack
# species classified bona fide; BPCER, the share of bona fide presentations
# classified as attacks. Injection is not a presentation attack.
apcer = [(live >= t_live)[this_q & (kind == i)].mean() for i in (3, 4, 5)]
print(
    f"    liveness: BPCER {(live < t_live)[this_q & ~fraud].mean():.3f}; APCER"
    f" {apcer[0]:.3f}, {apcer[1]:.3f}, {apcer[2]:.3f}, worst {max(apcer):.3f}"
)

# (4) The AND of thresholds against two combined scores trained on last quarter's
# labels, which hold no injection: a logistic regression on the three scores and
# the capture quality, and a Gaussian model per kind (QDA over genuine and the five
# known attacks, scored by P(genuine)). All three reject MRZ failures, and each
# combined score's threshold rejects as many of last quarter's genuine applicants
# as the AND does.
X = np.column_stack([doc, face, live, quality])
fit = last_q & mrz_ok
logistic = LogisticRegression(max_iter=1000).fit(X[fit], fraud[fit])
qda = QuadraticDiscriminantAnalysis().fit(X[fit], kind[fit])
risks = {
    "logistic": logistic.predict_proba(X)[:, 1],
    "QDA": -qda.predict_log_proba(X)[:, 0],
}
share_kept = passed_and[gen].mean() / mrz_ok[gen].mean()
passed = {"AND": passed_and}
for name, risk in risks.items():
    passed[name] = mrz_ok & (risk <= np.quantile(risk[gen & mrz_ok], share_kept))
print("(4) end to end, this quarter          AND  logistic       QDA")
rows = [
    ("false reject, group A", this_q & ~fraud & ~group_b),
    ("false reject, group B", this_q & ~fraud & group_b),
]
rows += [(f"accepted: {k}", this_q & (kind == i)) for i, k in enumerate(KINDS) if i]
rows += [
    ("accepted: all known attacks", this_q & fraud & (kind != 6)),
    ("accepted: all fraud", this_q & fraud),
]
for name, r in rows:
    rates = [p[r].mean() for p in passed.values()]
    if name.startswith("false"):
        rates = [1 - x for x in rates]
    print(f"    {name:<30}" + "".join(f"{x:10.3f}" for x in rates))

# (5) Group B's genuine face scores sit lower. Three ways to set the face step,
# the other steps as in (3): group A's threshold for everyone; a threshold per
# group (B's own 1%, which needs the applicant's group at decision time); or one
# review band for everyone between the two thresholds, where a person compares
# the faces. Reviewers accept 0.97 of same-person pairs and 0.14 of impostors
# (the passport officers' false acceptance in White et al., 2014).
t_face_b = np.quantile(face[gen & group_b], 0.01)
other_steps = mrz_ok & (doc < t_doc) & (live >= t_live)
reviewer_ok = rng.random(n) < np.where(kind != 1, 0.97, 0.14)
no_band = np.zeros(n, bool)
settings = {
    "A's threshold for all": (face >= t_face, no_band),
    "threshold per group": (face >= np.where(group_b, t_face_b, t_face), no_band),
    "review band for all": (face >= t_face, (face >= t_face_b) & (face < t_face)),
}
print(
    f"(5) face thresholds: group A {t_face:.3f}, group B {t_face_b:.3f}; this quarter"
)
print("    setting                group  false reject  reviewed  stolen ID accepted")
for name, (auto, band) in settings.items():
    accept = other_steps & (auto | (band & reviewer_ok))
    review = other_steps & band
    for label, g in (("A", ~group_b), ("B", group_b)):
        r = this_q & g
        print(
            f"    {name:<23}{label:>5}{1 - accept[r & ~fraud].mean():14.3f}"
            f"{review[r].mean():10.3f}{accept[r & (kind == 1)].mean():20.3f}"
        )
    per_1000 = 1000 * review[this_q].mean()
    print(f"{'manual reviews per 1,000 applicants':>63}{per_1000:12.1f}")
