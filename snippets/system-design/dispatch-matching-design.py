# --8<-- [start:capacity]
import time

import numpy as np
from scipy.optimize import linear_sum_assignment

# Illustrative assumptions for one large city: 600,000 trips a day, the evening peak
# at 2.5x the mean, 1.5 requests per completed trip (re-requests after cancellations),
# a 5 s batch window, three idle drivers per waiting request, candidates within 2 H3
# rings of the pickup.
trips_per_day, peak, requests_per_trip = 600_000, 2.5, 1.5
window_s, drivers_per_request, rings = 5, 3, 2
requests_s = trips_per_day / 86_400 * peak * requests_per_trip
batch = round(requests_s * window_s)
idle = batch * drivers_per_request
rng = np.random.default_rng(0)
pickup_s = rng.uniform(60, 900, size=(batch, idle))
start = time.thread_time()
for _ in range(20):
    linear_sum_assignment(pickup_s)
solve_s = (time.thread_time() - start) / 20
for name, value in [
    ("requests/s at peak", f"{requests_s:.0f}"),
    (f"requests per {window_s} s batch", f"{batch}"),
    ("idle drivers in the batch", f"{idle}"),
    (f"H3 cells within {rings} rings", f"{3 * rings * (rings + 1) + 1}"),
    ("dense city-wide solve under 10 ms", f"{solve_s < 0.01}"),
]:
    print(f"{name:<36}{value:>8}")
# --8<-- [end:capacity]

# --8<-- [start:simulation]
import numpy as np
from scipy.optimize import linear_sum_assignment

# A toy city: 10 x 10 km, Manhattan distances at 30 km/h, 60% of requests downtown,
# drop-offs anywhere. Drivers wait where they drop off until dispatched again.
KM, KMH = 10.0, 30.0
RATE = 0.5  # requests per second (1,800 an hour)
WARM_UP, END = 1_800, 5_400  # measure the requests arriving in the last hour
MAX_PICKUP = 600.0  # s: no driver further than this is offered
MATCH_PATIENCE = 120  # s an unmatched rider waits before leaving
BOARDING = 60.0  # s at pickup
BIG = 1e6


def make_city(seed, max_drivers=1_000):
    rng = np.random.default_rng(seed)
    arrivals = np.cumsum(rng.exponential(1 / RATE, size=int(RATE * END * 1.2)))
    arrivals = np.floor(arrivals[arrivals < END]).astype(int)
    n = len(arrivals)
    downtown = rng.random(n) < 0.6
    origin = np.where(
        downtown[:, None],
        np.clip(rng.normal(KM / 2, 1.2, size=(n, 2)), 0, KM),
        rng.uniform(0, KM, size=(n, 2)),
    )
    destination = rng.uniform(0, KM, size=(n, 2))
    return dict(
        arrivals=arrivals,
        origin=origin,
        destination=destination,
        trip_s=np.abs(origin - destination).sum(1) * 3600 / KMH + BOARDING,
        # A rider cancels at match if wait plus pickup drive exceeds this.
        tolerance=rng.uniform(300, 900, size=n),
        start_xy=rng.uniform(0, KM, size=(max_drivers, 2)),
        # ETA error per request-driver pair for the noisy runs (fixed draws).
        eta_noise=rng.standard_normal(size=(n, max_drivers)),
    )


def simulate(city, n_drivers, window, eta_sd=0.0):
    arrivals, origin = city["arrivals"], city["origin"]
    n_req = len(arrivals)
    xy = city["start_xy"][:n_drivers].copy()
    free_at = np.zeros(n_drivers)
    matched_at = np.full(n_req, -1.0)
    pickup = np.full(n_req, np.nan)
    completed = np.zeros(n_req, dtype=bool)
    busy = 0.0
    pending, next_req = [], 0
    for t in range(END + MATCH_PATIENCE + 1):
        while next_req < n_req and arrivals[next_req] == t:
            pending.append(next_req)
            next_req += 1
        pending = [r for r in pending if t - arrivals[r] <= MATCH_PATIENCE]
        if not pending or (window > 0 and t % window):
            continue
        idle = np.flatnonzero(free_at <= t)
        if len(idle) == 0:
            continue
        reqs = np.array(pending)
        true = np.abs(origin[reqs, None] - xy[None, idle]).sum(-1) * 3600 / KMH
        noise = city["eta_noise"][reqs[:, None], idle[None]]
        predicted = true * np.exp(eta_sd * noise)
        cost = np.where(predicted <= MAX_PICKUP, predicted, BIG)
        if window == 0:
            # Greedy: each waiting request, oldest first, takes its nearest idle driver.
            pairs, taken = [], np.zeros(len(idle), dtype=bool)
            for i in range(len(reqs)):
                j = int(np.argmin(np.where(taken, BIG, cost[i])))
                if cost[i, j] < BIG:
                    pairs.append((i, j))
                    taken[j] = True
        else:
            rows, cols = linear_sum_assignment(cost)
            pairs = [(i, j) for i, j in zip(rows, cols) if cost[i, j] < BIG]
        for i, j in pairs:
            r, d = reqs[i], idle[j]
            matched_at[r], pickup[r] = t, true[i, j]
            if t - arrivals[r] + true[i, j] > city["tolerance"][r]:
                continue  # the rider cancels; the driver stays idle where it is
            completed[r] = True
            free_at[d] = t + true[i, j] + city["trip_s"][r]
            busy += max(min(free_at[d], END) - max(t, WARM_UP), 0.0)
            xy[d] = city["destination"][r]
        matched = {reqs[i] for i, _ in pairs}
        pending = [r for r in pending if r not in matched]
    measured = arrivals >= WARM_UP
    ok = measured & (matched_at >= 0)
    return (
        matched_at[ok] - arrivals[ok],
        pickup[ok],
        completed[measured],
        busy / (n_drivers * (END - WARM_UP)),
    )


cities = [make_city(seed) for seed in range(3)]
print(f"3 cities x 1 hour, {sum(len(c['arrivals']) for c in cities)} requests in all")
print("wait, pickup drive, p90 and wait + pickup in minutes, over matched riders")
header = ["wait", "pickup", "p90", "total", "done", "util"]
print(f"{'drivers  policy':<26}" + "".join(f"{h:>7}" for h in header))
for n_drivers in (600, 480):
    runs = [("greedy", 0, 0.0)]
    runs += [(f"batch {w:>2} s", w, 0.0) for w in (2, 5, 10, 30, 60)]
    runs += [("greedy, noisy ETA", 0, 0.3), ("batch 10 s, noisy", 10, 0.3)]
    for name, window, eta_sd in runs:
        results = [simulate(city, n_drivers, window, eta_sd) for city in cities]
        wait, drive, done = (np.concatenate(part) for part in list(zip(*results))[:3])
        util = np.mean([res[3] for res in results])
        minutes = [wait.mean(), drive.mean(), np.percentile(drive, 90)]
        minutes.append((wait + drive).mean())
        print(
            f"{n_drivers:>7}  {name:<17}"
            + "".join(f"{m / 60:7.2f}" for m in minutes)
            + f"{done.mean():7.3f}{util:7.3f}"
        )
# --8<-- [end:simulation]
