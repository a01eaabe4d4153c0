import numpy as np

# A point mass on a rail: m * dv/dt = u - 0.5 v (known friction), 50 ms steps, 5 s
# episodes, force limited to +-50. The controller is PD feedback u = -kp x - kd v
# and must bring the mass from a random start to x = 0. Two things the simulator
# can get wrong: the mass, and the delay before a command reaches the motor.
DT, STEPS, FRICTION, U_MAX, MAX_DELAY = 0.05, 100, 0.5, 50.0, 6
# 8 starting (position, velocity) pairs, the same for every controller
STARTS = np.random.default_rng(0).uniform(-1, 1, (8, 2))


def rollout(gains, mass, delay):
    """Cost of each controller (rows) on each system (columns), mean over starts:
    the integral of x^2 + 0.001 u^2; also the share of starts ending |x| < 0.05."""
    shape = (len(gains), len(mass), len(STARTS))
    x = np.broadcast_to(STARTS[:, 0], shape).copy()
    v = np.broadcast_to(STARTS[:, 1], shape).copy()
    kp, kd = gains[:, 0, None, None], gains[:, 1, None, None]
    m, system = mass[None, :, None], np.arange(len(mass))
    # queue[d] holds the command computed d steps ago
    queue = np.zeros((MAX_DELAY + 1, *shape))
    cost = np.zeros(shape)
    for _ in range(STEPS):
        queue[1:] = queue[:-1]
        queue[0] = np.clip(-kp * x - kd * v, -U_MAX, U_MAX)
        # each system applies the command from its own delay ago
        u = queue[delay, :, system, :].transpose(1, 0, 2)
        cost += (x**2 + 0.001 * u**2) * DT
        v = v + DT * (u - FRICTION * v) / m
        x = x + DT * v
    return cost.mean(-1), (np.abs(x) < 0.05).mean(-1)


def tune(sample_systems, seed, iters=25, pop=48, n_elite=6):
    """Cross-entropy method over (kp, kd); each round on freshly sampled systems."""
    rng = np.random.default_rng(seed)
    mean, sd = np.array([10.0, 3.0]), np.array([10.0, 3.0])
    for _ in range(iters):
        gains = np.abs(mean + sd * rng.standard_normal((pop, 2)))
        cost = rollout(gains, *sample_systems(rng))[0].mean(1)
        elite = gains[np.argsort(cost)[:n_elite]]
        mean, sd = elite.mean(0), elite.std(0) + 1e-3
    return mean


def fixed(mass, delay):
    return lambda rng: (np.array([mass]), np.array([delay]))


def randomised(mass_lo, mass_hi, max_delay, n=32):
    def sample(rng):
        mass = np.exp(rng.uniform(np.log(mass_lo), np.log(mass_hi), n))
        return mass, rng.integers(0, max_delay + 1, n)

    return sample


controllers = {
    "nominal sim": tune(fixed(1.0, 0), seed=0),
    "randomised": tune(randomised(0.4, 2.5, 3), seed=0),
    "too wide": tune(randomised(0.1, 10.0, 6), seed=0),
}
print("training: nominal sim = mass 1, no delay; randomised = mass 0.4-2.5,")
print("delay 0-150 ms; too wide = mass 0.1-10, delay 0-300 ms")
for name, (kp, kd) in controllers.items():
    print(f"{name:12} kp {kp:5.1f}  kd {kd:4.1f}")

real_mass = np.repeat([0.5, 1.0, 2.0], 3)
real_delay = np.tile([0, 1, 2], 3)
results = {k: rollout(g[None], real_mass, real_delay) for k, g in controllers.items()}
# Reference: a controller tuned on each real system (perfect system identification)
oracle = [
    rollout(tune(fixed(m, d), seed=0)[None], np.array([m]), np.array([d]))[0][0, 0]
    for m, d in zip(real_mass, real_delay)
]
print("\ncost on the real systems (lower is better; * = some starts not settled)")
header = "".join(f"{k:>12} " for k in controllers)
print(f"{'mass':>4} {'delay':>6}{header}{'tuned on it':>12}")


def cell(cost, settled):
    return f"{cost:12.3f}" + (" " if settled == 1 else "*")


for i, (m, d) in enumerate(zip(real_mass, real_delay)):
    cells = "".join(cell(results[k][0][0, i], results[k][1][0, i]) for k in controllers)
    print(f"{m:4.1f} {d * 50:3d} ms{cells}{oracle[i]:12.3f}")
for label, f in [("worst", np.max), ("mean", np.mean)]:
    cells = "".join(f"{f(results[k][0]):12.3f} " for k in controllers)
    print(f"{label:>11}{cells}{f(oracle):12.3f}")
n_runs = len(real_mass) * len(STARTS)
settled = [f"{round(results[k][1].mean() * n_runs)}/{n_runs}" for k in controllers]
print(f"{'settled':>11}" + " ".join(f"{c:>12}" for c in settled))
