import numpy as np

rng = np.random.default_rng(0)

# Everything below is an ASSUMPTION for illustration, not data.
N, HOURS = 5_000, 50  # 100 agent actions an hour, one reviewer
KINDS = ["read-only", "reversible write", "irreversible/external"]
MIX = [0.55, 0.30, 0.15]
# Honest mistakes that would do harm, by kind (a read alone harms nothing)
MISTAKE_RATE = np.array([0.0, 0.01, 0.02])
# 1% of actions follow an instruction injected through a tool result; the attacker
# goes for the irreversible tools (send, pay, delete) and sometimes for a write.
INJECTED_RATE, INJECTED_MIX = 0.01, [0.0, 0.25, 0.75]

kind = rng.choice(3, N, p=MIX)
injected = rng.random(N) < INJECTED_RATE
kind[injected] = rng.choice(3, injected.sum(), p=INJECTED_MIX)
harmful = injected | (rng.random(N) < MISTAKE_RATE[kind])
irreversible = kind == 2
mistake = harmful & ~injected
# The agent's own risk score: noisy, higher on its honest mistakes, but an
# injected action looks routine to the model that was steered into it.
risk = rng.normal(0.0, 1.0, N) + 1.5 * mistake

POLICIES = {
    "never ask": np.zeros(N, bool),
    "always ask": np.ones(N, bool),
    "irreversible only": irreversible,
    "risk score > 1.5": risk > 1.5,
    "irreversible or risky": irreversible | (risk > 1.5),
}
# Chance that the reviewer declines a harmful request, as a function of the
# requests the reviewer gets an hour: two assumed curves.
CURVES = {
    "no fatigue, 0.95": lambda r: 0.95,
    "fatigue, 0.95 exp(-r/40)": lambda r: 0.95 * np.exp(-r / 40),
}

print(f"{N:,} actions in {HOURS} hours (100 an hour, so asks/100 = asks an hour)")
print(f"harmful {harmful.sum()}: {injected.sum()} injected, {mistake.sum()} mistakes")
for k, name in enumerate(KINDS):
    share, n_harm = (kind == k).mean(), harmful[kind == k].sum()
    print(f"  {name:22s} share {share:.3f}  harmful {n_harm:3d}")
print(f"risk score > 1.5 on injected {(risk[injected] > 1.5).mean():.3f},", end=" ")
print(f"on mistakes {(risk[mistake] > 1.5).mean():.3f}")

# Expected harmful actions run: a harmful action runs unless it was sent for
# approval and the reviewer caught it (probability p).
for curve, p_catch in CURVES.items():
    print(f"\nreviewer: {curve}; expected harmful actions run")
    print("policy                asks/100 p(catch) harmful injected irrev.  /1000")
    runs = {}
    for policy, ask in POLICIES.items():
        p = p_catch(ask.sum() / HOURS)
        run = harmful * (1 - p * ask)
        runs[policy] = run.sum()
        shown = f"{p:8.3f}" if ask.any() else "       -"
        print(
            f"{policy:21s} {100 * ask.mean():8.1f} {shown} {run.sum():7.1f}"
            f" {run[injected].sum():8.1f} {run[irreversible].sum():6.1f}"
            f" {1000 * run.sum() / N:6.2f}"
        )
    ranked = sorted(runs, key=runs.get)
    print(f"fewest: {ranked[0]} ({runs[ranked[0]]:.1f}),", end=" ")
    print(f"then {ranked[1]} ({runs[ranked[1]]:.1f})")
