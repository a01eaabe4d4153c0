import numpy as np

rng = np.random.default_rng(0)
DAY = 86_400.0  # seconds
N_USERS = 10_000
EVENTS_PER_USER = 3.0  # state-changing events per user per day (orders, clicks...)
NEW_SHARE = 0.05  # users who sign up during the day: no score from last night
STREAM_LAG = 5.0  # seconds from an event to the updated score (Kafka + Flink)
THRESHOLD = 1.0  # the model says "yes" (show the offer) when its input exceeds it

# Each user has a state (the model's input, e.g. an intent score built from their
# events). It starts the day at some value and jumps at every event. New users appear
# at their sign-up time with a fresh state.
new = rng.random(N_USERS) < NEW_SHARE
start = np.where(new, rng.uniform(0, DAY, N_USERS), 0.0)
state0 = rng.normal(size=N_USERS)
n_events = rng.poisson(EVENTS_PER_USER * (DAY - start) / DAY)
ev_user = np.repeat(np.arange(N_USERS), n_events)
ev_time = rng.uniform(start[ev_user], DAY)
order = np.lexsort((ev_time, ev_user))
ev_user, ev_time = ev_user[order], ev_time[order]
jump = rng.normal(0, 0.8, len(ev_user))
# state after each event: the user's start state plus the jumps so far (per user)
cum = np.cumsum(jump)
first = np.searchsorted(ev_user, np.arange(N_USERS))
before = np.where(first > 0, cum[np.maximum(first - 1, 0)], 0.0)
ev_state = state0[ev_user] + cum - before[ev_user]
ev_key = ev_user + ev_time / DAY  # one sorted axis: user id + fraction of the day


def state_at(user, t):
    """Each user's state at time t (seconds); NaN before a new user signs up."""
    i = np.searchsorted(ev_key, user + t / DAY, side="right") - 1
    own = (i >= 0) & (ev_user[np.maximum(i, 0)] == user)
    s = np.where(own, ev_state[np.maximum(i, 0)], state0[user])
    return np.where((t >= start[user]) | ~new[user], s, np.nan)


def decide(s):
    # no score available (user unknown to that run): the default is "no"
    return np.nan_to_num(s, nan=-np.inf) > THRESHOLD


def simulate(requests_per_user):
    n_req = rng.poisson(requests_per_user * (DAY - start) / DAY)
    user = np.repeat(np.arange(N_USERS), n_req)
    t = rng.uniform(start[user], DAY)
    now = state_at(user, t)
    hour = np.floor(t / 3600) * 3600
    runs_per_user = 24 - np.ceil(start / 3600)
    # policy: (the state its decision was computed from, model calls per day)
    served = {
        # one score per user at 00:00, looked up at request time
        "nightly batch": (state_at(user, 0.0), (~new).sum()),
        # every user known at the top of each hour is rescored
        "hourly micro-batch": (state_at(user, hour), runs_per_user.sum()),
        # rescore a user when an event arrives (and at sign-up)
        "streaming (on event)": (
            state_at(user, t - STREAM_LAG),
            len(ev_user) + new.sum(),
        ),
        # the model runs per request, but its features come from last night
        "online, nightly features": (state_at(user, 0.0), len(t)),
        # the model runs per request on fresh features
        "online, fresh features": (now, len(t)),
    }
    # stale: the input changed since the decision was computed (or there is none);
    # wrong: the served decision differs from the model's decision on the input now
    result = {
        k: (int(calls), np.mean(~np.isclose(s, now)), np.mean(decide(s) != decide(now)))
        for k, (s, calls) in served.items()
    }
    return result, len(np.unique(user)) / N_USERS


low, share_low = simulate(0.2)
high, share_high = simulate(50.0)
print(
    f"{N_USERS:,} users, {EVENTS_PER_USER:.0f} state changes per user per day, "
    f"{NEW_SHARE:.0%} new today"
)
print(f"{'':26}{'0.2 requests/user/day':>30}{'50 requests/user/day':>30}")
print(f"{'policy':26}" + f"{'model calls':>14}{'stale':>8}{'wrong':>8}" * 2)
for name in low:
    row = f"{name:26}"
    for calls, stale, wrong in (low[name], high[name]):
        row += f"{calls:>14,}{stale:>8.3f}{wrong:>8.3f}"
    print(row)
print(f"users requested at least once: {share_low:.2f} and {share_high:.2f}")
