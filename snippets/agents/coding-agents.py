from collections import Counter

import numpy as np

# The issue: median() is wrong for even-length lists. Candidate patches a model might
# propose (a stand-in for sampled LLM patches, with made-up frequencies), from right
# to broken, including one that special-cases the visible test.
PATCHES = {
    "correct": (
        0.15,
        "def median(xs):\n    xs = sorted(xs); n = len(xs)\n"
        "    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2",
    ),
    "correct, via statistics": (
        0.05,
        "import statistics\ndef median(xs):\n    return statistics.median(xs)",
    ),
    "forgets to sort": (
        0.15,
        "def median(xs):\n    n = len(xs)\n"
        "    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2",
    ),
    "integer division": (
        0.15,
        "def median(xs):\n    xs = sorted(xs); n = len(xs)\n"
        "    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) // 2",
    ),
    "special-cases the test": (
        0.15,
        "def median(xs):\n    if xs == [7, 1, 5, 3]:\n        return 4.0\n"
        "    return sorted(xs)[len(xs) // 2]",
    ),
    "unchanged": (0.2, "def median(xs):\n    return sorted(xs)[len(xs) // 2]"),
    "syntax error": (0.15, "def median(xs):\n    return sorted(xs)[len(xs) // 2"),
}
VISIBLE = [([3, 1, 2], 2), ([7, 1, 5, 3], 4.0)]  # an old test and the test
HIDDEN = [([5], 5), ([2, 1], 1.5), ([7, 1, 3, 5], 4.0), ([-1, -4, 2, 0], -0.5)]
HIDDEN += [([1.5, 0.5, 2.5], 1.5), ([10, 20, 30, 41], 25.0)]
rng = np.random.default_rng(0)
PROBES = [list(rng.integers(-9, 9, size)) for size in (2, 3, 4, 5, 6)]


def behaviour(code):
    """Run a patch (a real agent does this in a sandbox): its outputs on every input."""
    ns = {}
    try:
        exec(code, ns)
        run = ns["median"]
    except SyntaxError:
        return None
    out = {}
    for name, cases in [("visible", VISIBLE), ("hidden", HIDDEN)]:
        out[name] = all(run(list(x)) == y for x, y in cases)
    out["probes"] = tuple(float(run(list(x))) for x in PROBES)  # for agreement
    return out


results = {name: behaviour(code) for name, (_, code) in PATCHES.items()}
names = list(PATCHES)
probs = np.array([p for p, _ in PATCHES.values()])


def select(sample, rule):
    ok = [c for c in sample if results[c] and results[c]["visible"]]
    if rule == "visible tests":  # best-of-n: the first that passes the tests we have
        return ok[0] if ok else sample[0]
    if rule == "tests + agreement":  # among those, the behaviour most patches share
        if not ok:
            return sample[0]
        votes = Counter(results[c]["probes"] for c in ok)
        return next(c for c in ok if results[c]["probes"] == votes.most_common(1)[0][0])
    return next((c for c in sample if results[c] and results[c]["hidden"]), sample[0])


print("patch                    passes visible  passes hidden")
for name in names:
    r = results[name] or {"visible": False, "hidden": False}
    print(f"{name:24} {r['visible']!s:>14} {r['hidden']!s:>14}")
print(
    f"\n{'n':>3} {'visible tests':>14} "
    f"{'tests + agreement':>18} {'oracle (pass@n)':>16}"
)
for n in (1, 4, 16):
    wins = Counter()
    for _ in range(2000):
        sample = list(rng.choice(names, size=n, p=probs))
        for rule in ("visible tests", "tests + agreement", "oracle"):
            chosen = select(sample, rule)
            wins[rule] += bool(results[chosen] and results[chosen]["hidden"])
    row = [wins[r] / 2000 for r in ("visible tests", "tests + agreement", "oracle")]
    print(f"{n:>3} {row[0]:>14.3f} {row[1]:>18.3f} {row[2]:>16.3f}")
