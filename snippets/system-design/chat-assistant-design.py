import numpy as np

rng = np.random.default_rng(0)

# Assumptions, not measurements: the workload, the context sizes and the cache TTLs.
N_CONV = 10_000
# System prompt and tool definitions: the same tokens for every user.
SHARED = 1_500
# The user's saved memories, placed after the shared prefix.
MEMORY = 400
# The model's context window, and policy (3)'s verbatim history budget.
WINDOW, RECENT = 32_000, 8_000
# Policy (3): the running summary, and the instructions of each summarisation call.
SUMMARY, SUMMARY_PROMPT = 500, 200
# Facts the user states in turn 1; a summarisation call keeps each with this chance.
N_FACTS, KEEP_FACT = 3, 0.9
# KV cache of a Llama-3.1-70B-shaped model in bf16: 80 layers, 8 KV heads of 128
# dimensions, keys and values, 2 bytes each.
KV_GB_PER_TOKEN = 80 * 8 * 128 * 2 * 2 / 1e9

# Turns per conversation; message lengths in tokens; minutes until the next message.
turns = np.minimum(1 + np.floor(rng.lognormal(np.log(4), 1.0, N_CONV)), 200)
turns = turns.astype(int)
n_msgs = turns.sum()
user = rng.lognormal(np.log(40), 1.0, n_msgs)
# 5% of user messages carry a pasted or uploaded document.
has_file = rng.random(n_msgs) < 0.05
user += has_file * np.minimum(rng.lognormal(np.log(3_000), 0.8, n_msgs), 12_000)
reply = np.minimum(rng.lognormal(np.log(300), 0.7, n_msgs), 4_000)
user, reply = np.round(user).astype(int), np.round(reply).astype(int)
# 85% of next messages come while the user reads (median 40 s); 15% after the user
# left and came back (median 3 h).
away = rng.random(n_msgs) < 0.15
think = np.where(
    away,
    rng.lognormal(np.log(180), 1.5, n_msgs),
    rng.lognormal(np.log(40 / 60), 1.0, n_msgs),
)
bounds = np.concatenate([[0], np.cumsum(turns)])
is_first = np.zeros(n_msgs, dtype=bool)
is_first[bounds[:-1]] = True


def conversation(u, a, gap, ttl, per_turn, fact_rng, recent=None, summary=True):
    """Prefill tokens of one conversation. recent=None resends the whole history
    (dropping the oldest turns only when the window is full); otherwise, once the
    verbatim history exceeds `recent`, the oldest turns are folded into a running
    summary (or dropped) until recent / 2 remain. A cache entry holds the KV of the
    conversation so far and lives `ttl` minutes after its last use; with ttl > 0 the
    shared prefix is always cached, since every conversation uses it."""
    prefilled = kv_token_min = calls = 0
    first, summary_len, facts, prev_len = 0, 0, N_FACTS, 0
    summarised = recent is not None and summary
    history = 0
    for t in range(len(u)):
        if t > 0:
            history += u[t - 1] + a[t - 1]
        cut_now = False
        while (recent is None and SHARED + MEMORY + history + u[t] > WINDOW) or (
            recent is not None and history > recent // (1 + cut_now)
        ):
            folded = u[first] + a[first]
            history -= folded
            first += 1
            cut_now = True
            if summarised:
                prefilled += folded
        if cut_now and summarised:
            # One summarisation call reads the old summary and the folded turns.
            prefilled += SUMMARY_PROMPT + summary_len
            summary_len, calls = SUMMARY, calls + 1
            facts = fact_rng.binomial(facts, KEEP_FACT)
        elif first > 0 and not summarised:
            facts = 0
        prompt = SHARED + MEMORY + summary_len + history + u[t]
        if t > 0 and gap[t] <= ttl and not cut_now:
            # Cache hit: only the new user message is prefilled.
            new = prompt - prev_len
        elif t > 0 and gap[t] <= ttl:
            # Cut history: the cached KV matches up to the memories only.
            new = prompt - SHARED - MEMORY
        else:
            new = prompt - SHARED * (ttl > 0)
        prefilled += new
        per_turn.append(new)
        if ttl > 0:
            kept_for = ttl if t == len(u) - 1 else min(gap[t + 1], ttl)
            kv_token_min += (prompt + a[t] - SHARED) * kept_for
        prev_len = prompt + a[t]
    seen = history / max(sum(u[:-1]) + sum(a[:-1]), 1)
    return prefilled, kv_token_min, first > 0, facts, seen, calls


def run(ttl, **kw):
    fact_rng = np.random.default_rng(1)
    rows, per_turn = [], []
    for c in range(N_CONV):
        s = slice(bounds[c], bounds[c + 1])
        u, a, gap = user[s].tolist(), reply[s].tolist(), think[s].tolist()
        rows.append(conversation(u, a, gap, ttl, per_turn, fact_rng, **kw))
    return np.array(rows, dtype=float), np.array(per_turn)


gaps = think[~is_first]
print(f"{N_CONV:,} conversations, {turns.mean():.1f} turns on average (median ", end="")
print(f"{np.median(turns):.0f}); 10+ turns {np.mean(turns >= 10):.3f}")
print(f"  mean tokens: user message {user.mean():.0f} (files included), ", end="")
print(f"reply {reply.mean():.0f}")
print(f"  next message within 5 min {np.mean(gaps <= 5):.3f}, ", end="")
print(f"within 60 min {np.mean(gaps <= 60):.3f}")
base, _ = run(0)
prefill_1 = base[:, 0]
top = np.sort(prefill_1)[-N_CONV // 10 :].sum() / prefill_1.sum()
print(f"prefill tokens per conversation under (1): mean {prefill_1.mean():,.0f}")
print(f"  the 10% most expensive conversations carry {top:.3f} of them")
print()

long_conv = turns >= 10
print("prefill tokens relative to (1); p95 per turn; KV held per conversation")
print(f"{'policy':31}{'all':>7}{'10+ turns':>10}{'p95 turn':>9}{'KV GB-h':>9}")
policies = [
    ("(1) full history, no cache", 0, {}),
    ("    shared prefix cached only", 1e-9, {}),
    ("(2) prefix cache, TTL 5 min", 5, {}),
    ("    prefix cache, TTL 60 min", 60, {}),
    ("    prefix cache, never evicted", np.inf, {}),
    ("(3) 8k window + summary", 0, {"recent": RECENT}),
    ("    + prefix cache, TTL 5 min", 5, {"recent": RECENT}),
]
for name, ttl, kw in policies:
    r, per_turn = run(ttl, **kw)
    prefilled, kv = r[:, 0], r[:, 1]
    rel = prefilled.sum() / prefill_1.sum()
    rel_long = prefilled[long_conv].sum() / prefill_1[long_conv].sum()
    p95 = np.percentile(per_turn, 95)
    kv_gb_h = "-" if np.isinf(ttl) else f"{kv.mean() / 60 * KV_GB_PER_TOKEN:.2f}"
    print(f"{name:31}{rel:7.3f}{rel_long:10.3f}{p95:9,.0f}{kv_gb_h:>9}")
    if kw and ttl == 0:
        summary_calls = r[:, 5].mean()
print(f"(3) also makes {summary_calls:.2f} summarisation calls per conversation")
print()

over = base[:, 2] > 0
print(
    f"what the last turn sees: {long_conv.sum():,} conversations with 10+ turns, ",
    end="",
)
print(f"{over.sum()} over {WINDOW:,} tokens")
print(f"{'policy':31}{'cut':>7}{'verbatim':>10}{'facts':>7}{'facts over':>11}")
views = [
    ("(1), (2) full history", {}),
    ("8k window, no summary", {"recent": RECENT, "summary": False}),
    ("(3) 8k window + summary", {"recent": RECENT}),
]
for name, kw in views:
    r, _ = run(0, **kw)
    cut, facts, seen = r[:, 2], r[:, 3] / N_FACTS, r[:, 4]
    print(
        f"{name:31}{cut[long_conv].mean():7.3f}{seen[long_conv].mean():10.3f}"
        f"{facts[long_conv].mean():7.3f}{facts[over].mean():11.3f}"
    )
print("cut: some history left the prompt; verbatim: share of earlier tokens still in")
print(
    f"it; facts: turn-1 facts still visible (a summary keeps each with p={KEEP_FACT})"
)
