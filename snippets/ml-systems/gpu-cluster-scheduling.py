import numpy as np

rng = np.random.default_rng(7)
N_NODES, GPUS_PER_NODE = 8, 8
CAPACITY = N_NODES * GPUS_PER_NODE
LOAD = 0.95  # offered GPU-hours / (64 GPUs x the arrival window)
# Work redone after a preemption: restart plus progress since the last checkpoint
PREEMPT_COST_H = 0.25
LAS_THRESHOLDS = (4.0, 64.0)  # attained GPU-hours at which a job drops a queue
QUOTA = {"A": 0.5, "B": 0.5}

# Team A (research): fewer, larger, longer jobs. Team B (product): many small ones.
# team: (jobs, GPUs per job, their probabilities in %, median duration in hours)
TEAMS = {
    "A": (150, (1, 2, 4, 8, 16, 32), (15, 10, 15, 25, 20, 15), 2.0),
    "B": (350, (1, 2, 4, 8), (30, 20, 20, 30), 0.75),
}
team, gpus, duration = [], [], []
for name, (n_jobs, sizes, percent, median) in TEAMS.items():
    team += [name] * n_jobs
    gpus += list(rng.choice(sizes, n_jobs, p=np.array(percent) / 100))
    # heavy-tailed durations: log-normal with sigma 1.5, clipped to 3 min .. 72 h
    hours = rng.lognormal(np.log(median), 1.5, n_jobs)
    duration += list(np.clip(hours, 0.05, 72.0))
team, gpus, duration = np.array(team), np.array(gpus), np.array(duration)
N = len(gpus)
# the runtime limit a user asks for: 1x to 3x the true duration (backfilling uses it)
estimate = duration * rng.uniform(1.0, 3.0, N)
window = (gpus * duration).sum() / (CAPACITY * LOAD)
# Poisson arrivals conditioned on their count: uniform times over the window
arrival = rng.uniform(0.0, window, N)


def place(need, free, pack=True):
    """A job's [(node, gpus)] on the free GPUs per node, or None if it cannot fit."""
    if need > GPUS_PER_NODE:
        # multi-node jobs take whole nodes
        whole = np.flatnonzero(free >= GPUS_PER_NODE)
        k = need // GPUS_PER_NODE
        return [(n, GPUS_PER_NODE) for n in whole[:k]] if whole.size >= k else None
    fits = np.flatnonzero(free >= need)
    if fits.size == 0:
        return None
    # best fit keeps whole nodes free for multi-node jobs; spread does the opposite
    node = fits[np.argmin(free[fits])] if pack else fits[np.argmax(free[fits])]
    return [(node, need)]


def simulate(policy, pack=True):
    free = np.full(N_NODES, GPUS_PER_NODE)
    alloc, start = {}, {}
    remaining, attained, ran = duration.copy(), np.zeros(N), np.zeros(N)
    limit_left = estimate.copy()
    waiting, finish = [], np.zeros(N)
    m = dict(busy=0.0, idle_wait=0.0, stranded=0.0, preempt=0, redone=0.0, both=0.0)
    share = {"A": 0.0, "B": 0.0}
    t, next_arrival, done = 0.0, 0, 0
    by_arrival = np.argsort(arrival)

    def level(j):
        return sum(attained[j] >= th - 1e-9 for th in LAS_THRESHOLDS)

    def begin(j, where):
        for n, g in where:
            free[n] -= g
        alloc[j], start[j] = where, t
        waiting.remove(j)

    def release(j):
        for n, g in alloc.pop(j):
            free[n] += g

    def held(name):
        return sum(gpus[j] for j in alloc if team[j] == name)

    def preempt(v):
        release(v)
        remaining[v] += PREEMPT_COST_H
        limit_left[v] += PREEMPT_COST_H - (t - start[v])
        waiting.append(v)
        m["preempt"] += 1
        m["redone"] += gpus[v] * PREEMPT_COST_H

    def easy(order):
        queue = order()
        while queue and (where := place(gpus[queue[0]], free, pack)) is not None:
            begin(queue[0], where)
            queue = order()
        if not queue:
            return
        # reserve the head job's nodes at the earliest time its placement exists,
        # releasing running jobs at their estimated (limit) end times
        f = free.copy()
        for r in sorted(alloc, key=lambda r: (start[r] + limit_left[r], r)):
            for n, g in alloc[r]:
                f[n] += g
            if (spot := place(gpus[queue[0]], f, pack)) is not None:
                shadow = start[r] + limit_left[r]
                break
        cap = np.full(N_NODES, CAPACITY)
        for n, g in spot:
            cap[n] = f[n] - g
        for j in queue[1:]:
            short = t + limit_left[j] <= shadow + 1e-9
            where = place(gpus[j], free if short else np.minimum(free, cap), pack)
            if where is not None:
                begin(j, where)
                if not short:
                    for n, g in where:
                        cap[n] -= g

    def victims_for(j, lower):
        """Fewest GPUs of running jobs in `lower` (cheapest first) to free for j."""
        if gpus[j] > GPUS_PER_NODE:
            costs = []
            for n in range(N_NODES):
                on_node = [r for r in alloc if any(nn == n for nn, _ in alloc[r])]
                if all(r in lower for r in on_node):
                    costs.append((sum(gpus[r] for r in on_node), n, on_node))
            k = gpus[j] // GPUS_PER_NODE
            if len(costs) < k:
                return None
            return sorted({r for c in sorted(costs)[:k] for r in c[2]})
        best = None
        for n in range(N_NODES):
            f, chosen = free[n], []
            for r in lower:
                if f >= gpus[j]:
                    break
                on_n = sum(g for nn, g in alloc[r] if nn == n)
                if on_n:
                    chosen.append(r)
                    f += on_n
            cost = sum(gpus[r] for r in chosen)
            if f >= gpus[j] and (best is None or cost < best[0]):
                best = (cost, chosen)
        return None if best is None else best[1]

    def las():
        changed = True
        while changed:
            changed = False
            for j in sorted(waiting, key=lambda j: (level(j), arrival[j], j)):
                where = place(gpus[j], free, pack)
                if where is None:
                    lower = [r for r in alloc if level(r) > level(j)]
                    lower.sort(key=lambda r: (-level(r), -arrival[r], -r))
                    victims = victims_for(j, lower)
                    if victims is None:
                        continue
                    for v in victims:
                        preempt(v)
                    where = place(gpus[j], free, pack)
                    changed = True
                begin(j, where)

    def reclaim():
        # a team below its quota takes GPUs back from a team above its quota
        for j in fair_order():
            if held(team[j]) + gpus[j] > QUOTA[team[j]] * CAPACITY:
                continue
            where = place(gpus[j], free, pack)
            if where is None:
                over = [r for r in alloc if held(team[r]) > QUOTA[team[r]] * CAPACITY]
                # newest first: they lose the least progress
                over.sort(key=lambda r: (-start[r], -r))
                victims = victims_for(j, over)
                if victims is None:
                    continue
                for v in victims:
                    preempt(v)
                where = place(gpus[j], free, pack)
            begin(j, where)

    def fifo_order():
        return sorted(waiting, key=lambda j: (arrival[j], j))

    def fair_order():
        usage = {k: held(k) / (QUOTA[k] * CAPACITY) for k in QUOTA}
        return sorted(waiting, key=lambda j: (usage[team[j]], arrival[j], j))

    while done < N:
        events = [t + remaining[j] for j in alloc]
        if next_arrival < N:
            events.append(arrival[by_arrival[next_arrival]])
        if policy == "las":
            for j in alloc:
                above = [th for th in LAS_THRESHOLDS if th > attained[j] + 1e-9]
                if above:
                    events.append(t + (above[0] - attained[j]) / gpus[j])
        dt = max(min(events) - t, 0.0)
        used = CAPACITY - free.sum()
        m["busy"] += used * max(0.0, min(t + dt, window) - t)
        if waiting:
            m["idle_wait"] += (CAPACITY - used) * dt
            if any(
                gpus[j] <= free.sum() and place(gpus[j], free) is None for j in waiting
            ):
                m["stranded"] += (CAPACITY - used) * dt
            if {"A", "B"} <= {team[j] for j in waiting}:
                m["both"] += dt
                for k in share:
                    share[k] += held(k) * dt
        for j in alloc:
            remaining[j] -= dt
            attained[j] += gpus[j] * dt
            ran[j] += dt
        t += dt
        for j in [j for j in alloc if remaining[j] <= 1e-9]:
            release(j)
            finish[j] = t
            done += 1
        while next_arrival < N and arrival[by_arrival[next_arrival]] <= t + 1e-12:
            waiting.append(by_arrival[next_arrival])
            next_arrival += 1
        if policy == "fifo":
            for j in fifo_order():
                if (where := place(gpus[j], free, pack)) is None:
                    break
                begin(j, where)
        elif policy == "easy":
            easy(fifo_order)
        elif policy == "fair":
            easy(fair_order)
        elif policy == "reclaim":
            reclaim()
            easy(fair_order)
        else:
            las()
    jct = finish - arrival
    wait = jct - ran
    both = share["A"] + share["B"]
    return dict(
        util=m["busy"] / (CAPACITY * window),
        mean=jct.mean(),
        p95=np.percentile(jct, 95),
        big_wait=wait[gpus == 32].mean(),
        idle_wait=m["idle_wait"],
        stranded=m["stranded"],
        preempt=m["preempt"],
        redone=m["redone"],
        both_h=m["both"],
        share_a=share["A"] / both if both else float("nan"),
        jct_a=jct[team == "A"].mean(),
        jct_b=jct[team == "B"].mean(),
    )


demand_a = (gpus * duration)[team == "A"].sum() / (gpus * duration).sum()
print(f"{N} jobs on {N_NODES}x{GPUS_PER_NODE} GPUs over {window:.0f} h, load {LOAD}")
print(
    f"team A {np.sum(team == 'A')} jobs ({demand_a:.2f} of GPU-hours), "
    f"team B {np.sum(team == 'B')} jobs; {np.sum(gpus == 32)} jobs of 32 GPUs"
)
print(f"median job {np.median(duration):.2f} h, mean {duration.mean():.2f} h")
policies = {
    "FIFO": ("fifo", True),
    "FIFO + EASY backfill": ("easy", True),
    "EASY, spread placement": ("easy", False),
    "2D-LAS, no durations": ("las", True),
    "fair share + EASY": ("fair", True),
    "fair share + reclaim": ("reclaim", True),
}
results = {name: simulate(*args) for name, args in policies.items()}
print()
print(
    f"{'':24}{'GPU':>6}{'JCT h':>14}{'32-GPU':>8}{'idle GPU-h while':>18}"
    f"{'preemptions':>14}"
)
print(
    f"{'policy':24}{'util':>6}{'mean':>7}{'p95':>7}{'wait h':>8}"
    f"{'waiting':>9}{'stranded':>9}{'count':>7}{'GPU-h':>7}"
)
for name, r in results.items():
    print(
        f"{name:24}{r['util']:6.2f}{r['mean']:7.1f}{r['p95']:7.1f}{r['big_wait']:8.1f}"
        f"{r['idle_wait']:9.0f}{r['stranded']:9.0f}{r['preempt']:7d}{r['redone']:7.0f}"
    )
print()
print(f"{'':24}{'both teams':>11}{'GPU share then':>17}{'mean JCT h':>14}")
print(f"{'policy':24}{'waited h':>11}{'A':>8}{'B':>9}{'A':>7}{'B':>7}")
for name, r in results.items():
    print(
        f"{name:24}{r['both_h']:11.0f}{r['share_a']:8.2f}{1 - r['share_a']:9.2f}"
        f"{r['jct_a']:7.1f}{r['jct_b']:7.1f}"
    )
print(f"quotas: A {QUOTA['A']:.2f}, B {QUOTA['B']:.2f}")
