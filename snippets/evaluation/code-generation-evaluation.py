import copy
import math
import multiprocessing
import random
import signal
from math import comb

TIMEOUT = 1.0  # seconds per call; a correct solution here needs milliseconds


def pass_at_k(n, c, k):
    """Unbiased pass@k from n samples of which c pass (Chen et al. 2021)."""
    return 1.0 - comb(n - c, k) / comb(n, k)


def source(name, params, body):
    """A candidate's source: `def name(params):` and the body lines."""
    return f"def {name}({params}):\n" + "\n".join("    " + line for line in body)


rng = random.Random(0)
roots = [rng.randrange(1, 10**e) for e in range(1, 16) for _ in range(3)]
# Each problem: a reference solution, a weak suite (3 hand-written cases), inputs for
# the strong suite, and the "model outputs": (label, correct?, times sampled, body),
# 10 samples per problem.
PROBLEMS = {
    "int_sqrt": {
        "params": "n",
        "reference": math.isqrt,
        "weak": [((0,), 0), ((15,), 3), ((16,), 4)],
        "inputs": [(n,) for n in range(50)]
        + [(r * r + d,) for r in roots for d in (-1, 0, 1)],
        "candidates": [
            ("math.isqrt", True, 3, ["import math", "return math.isqrt(n)"]),
            (
                "binary search",
                True,
                2,
                [
                    "lo, hi = 0, n + 1",
                    "while hi - lo > 1:",
                    "    mid = (lo + hi) // 2",
                    "    lo, hi = (mid, hi) if mid * mid <= n else (lo, mid)",
                    "return lo",
                ],
            ),
            ("float sqrt", False, 4, ["return int(n ** 0.5)"]),
            ("rounds, not floors", False, 1, ["return round(n ** 0.5)"]),
        ],
    },
    "is_prime": {
        "params": "n",
        "reference": lambda n: (
            n > 1 and all(n % d for d in range(2, math.isqrt(n) + 1))
        ),
        "weak": [((2,), True), ((17,), True), ((21,), False)],
        # inputs run shortest first, so the slow candidate meets the large primes last
        "inputs": [(n,) for n in range(-5, 200)]
        + [(10007**2,), (10007 * 10009,), (2**31 - 1,), (10**9 + 7,)]
        + [(rng.randrange(200, 10**6),) for _ in range(40)],
        "candidates": [
            (
                "6k +- 1 trial division",
                True,
                4,
                [
                    "if n < 4:",
                    "    return n > 1",
                    "if n % 2 == 0 or n % 3 == 0:",
                    "    return False",
                    "i = 5",
                    "while i * i <= n:",
                    "    if n % i == 0 or n % (i + 2) == 0:",
                    "        return False",
                    "    i += 6",
                    "return True",
                ],
            ),
            (
                "sqrt bound off by one",
                False,
                2,
                [
                    "return n > 1 and all(n % d for d in range(2, int(n**0.5)))",
                ],
            ),
            (
                "calls 1 a prime",
                False,
                1,
                [
                    "return n > 0 and all(n % d for d in range(2, int(n**0.5) + 1))",
                ],
            ),
            (
                "too slow: O(n) loop",
                False,
                2,
                ["return n > 1 and all(n % d for d in range(2, n))"],
            ),
            ("odd means prime", False, 1, ["return n == 2 or n % 2 == 1"]),
        ],
    },
    "digit_sum": {
        "params": "n",
        "reference": lambda n: sum(int(c) for c in str(abs(n))),
        "weak": [((0,), 0), ((7,), 7), ((1234,), 10)],
        "inputs": [(n,) for n in range(-20, 21)]
        + [(rng.randint(-(10**12), 10**12),) for _ in range(200)],
        "candidates": [
            ("str(abs(n))", True, 4, ["return sum(int(c) for c in str(abs(n)))"]),
            ("forgets the sign", False, 3, ["return sum(int(c) for c in str(n))"]),
            (
                "while n > 0 loop",
                False,
                3,
                [
                    "s = 0",
                    "while n > 0:",
                    "    n, s = n // 10, s + n % 10",
                    "return s",
                ],
            ),
        ],
    },
    "second_largest": {
        "params": "xs",
        "reference": lambda xs: max(x for x in xs if x != max(xs)),
        "weak": [(([3, 1, 2],), 2), (([10, 20],), 10), (([5, 9, 7, 1],), 7)],
        "inputs": [
            (xs,)
            for xs in (
                [rng.randint(-5, 5) for _ in range(rng.randint(2, 8))]
                for _ in range(200)
            )
            if len(set(xs)) > 1
        ],
        "candidates": [
            ("sorted(set(xs))", True, 4, ["return sorted(set(xs))[-2]"]),
            ("ignores duplicates", False, 3, ["return sorted(xs)[-2]"]),
            (
                "starts from 0",
                False,
                2,
                [
                    "first = second = 0",
                    "for x in xs:",
                    "    if x > first:",
                    "        first, second = x, first",
                    "    elif first > x > second:",
                    "        second = x",
                    "return second",
                ],
            ),
            ("forgets to sort", False, 1, ["return xs[-2]"]),
        ],
    },
    "rotate": {
        "params": "xs, k",
        "reference": lambda xs, k: [xs[(i - k) % len(xs)] for i in range(len(xs))],
        "weak": [
            (([1, 2, 3, 4, 5], 2), [4, 5, 1, 2, 3]),
            (([1, 2, 3], 0), [1, 2, 3]),
            ((["a", "b"], 1), ["b", "a"]),
        ],
        "inputs": [
            ([rng.randint(0, 9) for _ in range(rng.randint(0, 6))], rng.randint(-9, 9))
            for _ in range(200)
        ],
        "candidates": [
            (
                "modulo, empty checked",
                True,
                4,
                [
                    "if not xs:",
                    "    return []",
                    "k %= len(xs)",
                    "return xs[-k:] + xs[:-k]",
                ],
            ),
            (
                "no modulo",
                False,
                2,
                ["return xs[-k:] + xs[:-k]"],
            ),
            (
                "crashes on empty list",
                False,
                3,
                ["k %= len(xs)", "return xs[-k:] + xs[:-k]"],
            ),
            ("rotates left", False, 1, ["return xs[k:] + xs[:k]"]),
        ],
    },
}


class Timeout(BaseException):  # not an Exception: candidate code cannot swallow it
    pass


def on_alarm(signum, frame):
    raise Timeout


def run_suites(code, name, suites, conn):
    """In a child process: every call under a timer; report one outcome per test."""
    signal.signal(signal.SIGALRM, on_alarm)
    namespace = {}
    exec(code, namespace)
    report = []
    for tests in suites:
        outcomes = []
        for args, expected in tests:
            signal.setitimer(signal.ITIMER_REAL, TIMEOUT)
            try:
                got = namespace[name](*copy.deepcopy(args))
                outcomes.append("pass" if got == expected else f"returned {got!r}")
            except Timeout:
                outcomes.append(f"timed out after {TIMEOUT:.0f} s")
                break  # stop at the first timeout, as a harness does
            except Exception as error:
                outcomes.append(f"raised {type(error).__name__}")
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        report.append(outcomes)
    conn.send(report)


def execute(code, name, suites):
    """Run model code in a forked worker, so a crash or a hang cannot take the
    evaluator down. A real harness adds a container with no network on top."""
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    worker = ctx.Process(target=run_suites, args=(code, name, suites, send))
    worker.start()
    send.close()
    try:
        report = receive.recv() if receive.poll(60) else None
    except EOFError:  # the worker died without reporting
        report = None
    worker.join(5)
    if worker.is_alive():
        worker.kill()
        worker.join()
    return report or [["worker died"]] * len(suites)


print(
    f"{'problem':15} {'weak/strong':>11} {'n':>3} {'c weak':>6} {'c strong':>8} "
    f"{'pass@1 weak':>11} {'pass@1 strong':>13}"
)
caught, per_problem = [], {"weak": [], "strong": []}
n_flawed = n_correct_rejected = n_weak_passers = 0
flawed_rejected = {"weak": 0, "strong": 0}
for name, p in PROBLEMS.items():
    weak = p["weak"]
    # Differential testing: the reference gives the expected output of every
    # generated input. Shortest inputs first, so the first failure is a small one.
    inputs = sorted(p["inputs"], key=lambda args: len(repr(args)))
    strong = weak + [(args, p["reference"](*copy.deepcopy(args))) for args in inputs]
    n, c = 0, {"weak": 0, "strong": 0}
    for label, correct, times, body in p["candidates"]:
        report = dict(
            zip(c, execute(source(name, p["params"], body), name, [weak, strong]))
        )
        ok = {suite: all(o == "pass" for o in report[suite]) for suite in c}
        n += times  # this output was sampled `times` times out of n
        for suite in c:
            c[suite] += times * ok[suite]
            flawed_rejected[suite] += not correct and not ok[suite]
        n_flawed += not correct
        n_correct_rejected += correct and not ok["strong"]
        n_weak_passers += ok["weak"]
        if ok["weak"] and not ok["strong"]:
            i = next(j for j, o in enumerate(report["strong"]) if o != "pass")
            args = ", ".join(repr(a) for a in strong[i][0])
            outcome = report["strong"][i]
            if outcome.startswith("returned"):
                outcome += f", expected {strong[i][1]!r}"
            caught.append(f"  {label:22} {name}({args}) {outcome}")
    for suite in c:
        per_problem[suite].append(pass_at_k(n, c[suite], 1))
    print(
        f"{name:15} {len(weak):>6}/{len(strong):<4} {n:>3} {c['weak']:>6} "
        f"{c['strong']:>8} {per_problem['weak'][-1]:>11.2f} "
        f"{per_problem['strong'][-1]:>13.2f}"
    )

for suite, values in per_problem.items():
    mean = sum(values) / len(values)
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))
    se = sd / math.sqrt(len(values))
    print(f"pass@1, {suite} tests: {mean:.2f} (standard error over problems {se:.2f})")
print(f"distinct candidates passing the weak tests: {n_weak_passers}")
print(f"of these, rejected by the strong tests: {len(caught)}")
print("\n".join(caught))
print(
    f"flawed candidates rejected: weak tests {flawed_rejected['weak']} of {n_flawed}, "
    f"strong tests {flawed_rejected['strong']} of {n_flawed}"
)
print(f"correct candidates rejected: {n_correct_rejected}")
