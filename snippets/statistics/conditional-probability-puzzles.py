import numpy as np

rng = np.random.default_rng(0)
n = 1_000_000

# Two children: sex (1 = boy) and weekday of birth (0 = Tuesday), all independent
boy = rng.random((n, 2)) < 0.5
day = rng.integers(0, 7, size=(n, 2))

both = boy.all(axis=1)
at_least_one = boy.any(axis=1)
older_is_boy = boy[:, 0]
tuesday_boy = (boy & (day == 0)).any(axis=1)
print(
    f"P(two boys | at least one boy)       = {both[at_least_one].mean():.3f}"
    f"  (exact 1/3 = {1 / 3:.3f})"
)
print(
    f"P(two boys | the older is a boy)     = {both[older_is_boy].mean():.3f}"
    f"  (exact 1/2)"
)
print(
    f"P(two boys | a boy born on Tuesday)  = {both[tuesday_boy].mean():.3f}"
    f"  (exact 13/27 = {13 / 27:.3f})"
)

# Monty Hall: the car is behind one of three doors; you pick door 0
car = rng.integers(0, 3, size=n)
pick = np.zeros(n, dtype=int)
# The host knows where the car is and opens a goat door you did not pick
# (if you picked the car, he opens door 1 or 2 at random)
other = np.where(car == 0, rng.integers(1, 3, size=n), car)
host = np.where(other == 1, 2, 1)
switch = 3 - pick - host
print(
    f"host knows:   stay wins {np.mean(pick == car):.3f}, "
    f"switch wins {np.mean(switch == car):.3f}"
)

# Variant: the host opens door 1 or 2 at random and it happens to show a goat
host = rng.integers(1, 3, size=n)
goat_shown = host != car
switch = 3 - pick - host
print(
    f"host guesses: stay wins {np.mean(pick[goat_shown] == car[goat_shown]):.3f}, "
    f"switch wins {np.mean(switch[goat_shown] == car[goat_shown]):.3f} "
    f"(given a goat was shown)"
)
