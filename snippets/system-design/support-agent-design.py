# --8<-- [start:capacity]
import numpy as np

# Illustrative assumptions: 60,000 conversations a day (70% chat, 30% email); the
# busiest hour has 2.5x the mean hourly rate; a chat lasts 6 minutes. Per
# conversation 5 customer turns and 2 calls of the main model per turn. Each call
# sends a cached prefix of 3,000 tokens (instructions, policy summary, tool schemas)
# and 2,500 other tokens (history, retrieved policy, tool results), and writes 120.
# Prices are placeholders, not a vendor's list: $1.00 per million input tokens,
# $0.10 per million cached input tokens, $4.00 per million output tokens. A human
# handles a ticket in 8 minutes at a loaded $0.60 a minute; 35% are handed off.
per_day, chat, peak, chat_minutes = 60_000, 0.7, 2.5, 6
calls, cached, fresh, out = 5 * 2, 3_000, 2_500, 120
price_in, price_cached, price_out = 1.00e-6, 0.10e-6, 4.00e-6
human_minutes, per_minute, handoff = 8, 0.60, 0.35
llm = calls * (cached * price_cached + fresh * price_in + out * price_out)
no_cache = calls * ((cached + fresh) * price_in + out * price_out)
human = human_minutes * per_minute
peak_per_s = per_day / 86_400 * peak
hours = per_day * human_minutes / 60
rows = [
    ("conversations/s at peak", f"{peak_per_s:.2f}"),
    ("chats open at once at peak", f"{peak_per_s * chat * chat_minutes * 60:,.0f}"),
    ("model calls/s at peak", f"{peak_per_s * calls:.1f}"),
    ("input tokens per conversation", f"{calls * (cached + fresh):,}"),
    ("LLM $ per conversation", f"{llm:.3f}"),
    ("LLM $ per conversation, no cache", f"{no_cache:.3f}"),
    ("human $ per ticket", f"{human:.2f}"),
    ("$ per ticket, agent + handoffs", f"{llm + handoff * human:.2f}"),
    ("LLM share of that cost", f"{llm / (llm + handoff * human):.3f}"),
    ("human hours/day, all human", f"{hours:,.0f}"),
    ("human hours/day, with the agent", f"{hours * handoff:,.0f}"),
]
for name, value in rows:
    print(f"{name:<34}{value:>9}")

# Latency of one chat turn, until the reply is shown (it is checked before it is
# sent, so it is not streamed). Each step's time is lognormal with an assumed median
# and spread. Every turn makes the 2 model calls; 60% of turns call a tool.
rng = np.random.default_rng(0)
n = 100_000
steps = [
    ("input guard (PII, injection)", 30, 0.4, 1.0),
    ("router (small model)", 150, 0.35, 1.0),
    ("policy retrieval + rerank", 200, 0.35, 1.0),
    ("LLM: decide the next step", 900, 0.45, 1.0),
    ("tool call (60% of turns)", 150, 0.8, 0.6),
    ("LLM: write the reply", 1_800, 0.4, 1.0),
    ("output check", 100, 0.35, 1.0),
]
total = np.zeros(n)
print(f"{'step of a chat turn (ms)':<30}{'p50':>7}{'p95':>7}")
sum_p95 = 0.0
for name, median, sigma, share in steps:
    t = rng.lognormal(np.log(median), sigma, n) * (rng.random(n) < share)
    total += t
    ran = t[t > 0]
    sum_p95 += np.percentile(ran, 95)
    print(f"{name:<30}{np.median(ran):7.0f}{np.percentile(ran, 95):7.0f}")
print(f"{'end to end':<30}{np.median(total):7.0f}{np.percentile(total, 95):7.0f}")
print(f"{'sum of the step p95s':<30}{'':>7}{sum_p95:7.0f}")
# --8<-- [end:capacity]

# --8<-- [start:threshold]
import numpy as np
from sklearn.isotonic import IsotonicRegression

rng = np.random.default_rng(1)
# Refund tickets. For each, the agent proposes a resolution and a score; the score
# is calibrated by construction: a ticket with score s is resolved correctly with
# probability s. Per-ticket economics (assumptions): a human costs H = $4.80; an
# automated correct resolution is worth V = $1 more than a human one (no wait); a
# wrong automated action costs C (money refunded in error, the recontact, goodwill).
H, V = 4.80, 1.00


def tickets(n):
    s = rng.beta(4, 1, n)
    return s, rng.random(n) < s


def saving(auto, correct, cost):
    """$ per 1,000 tickets saved against sending every ticket to a human."""
    gain = np.where(correct, V + H, H - cost)
    return (auto * gain).sum() / auto.size * 1_000


def swept(score, correct, cost):
    """The threshold that maximises the saving on labelled history."""
    grid = np.unique(np.quantile(score, np.linspace(0, 1, 401)))
    return grid[np.argmax([saving(score >= t, correct, cost) for t in grid])]


# Labels for history come from shadow mode: the agent proposed a resolution for
# 20,000 tickets that humans handled, and each proposal was compared with what the
# human did (audited where they differ).
s_hist, ok_hist = tickets(20_000)
s, ok = tickets(20_000)
print("calibrated score; threshold swept on 20,000 labelled tickets, applied to 20,000")
head = ["cost of wrong", "(C-H)/(C+V)", "swept", "automated", "wrong/1k"]
head += ["esc prec", "esc rec", "saved $/1k"]
print("".join(f"{h:>11}" if i else f"{h:<14}" for i, h in enumerate(head)))
for cost in (10, 30, 100, 300):
    t = swept(s_hist, ok_hist, cost)
    auto = s >= t
    esc = ~auto
    print(
        f"${cost:<13}{(cost - H) / (cost + V):11.3f}{t:11.3f}{auto.mean():11.3f}"
        f"{(auto & ~ok).sum() / s.size * 1_000:11.1f}{(~ok[esc]).mean():11.3f}"
        f"{esc[~ok].mean():11.3f}{saving(auto, ok, cost):11,.0f}"
    )
print(f"automate every ticket at $100: saved $/1k {saving(s >= 0, ok, 100):,.0f}")


# Now the refund amount varies per ticket (lognormal, median $40), and a wrong
# automated refund costs its amount plus a human recontact: C_i = amount_i + H.
# The model's own stated confidence is monotone in the true probability (same
# order) but overconfident.
def stated(p):
    return 1 / (1 + np.exp(-(2 * np.log(p / (1 - p)) + 1.5)))


amount_hist = rng.lognormal(np.log(40), 1.0, s_hist.size)
amount = rng.lognormal(np.log(40), 1.0, s.size)
cost_hist, cost = amount_hist + H, amount + H
need = (cost - H) / (cost + V)
u_hist, u = stated(s_hist), stated(s)
iso = IsotonicRegression(out_of_bounds="clip").fit(u_hist[:2_000], ok_hist[:2_000])
print("refund amounts vary: automate when P(correct) >= (C_i - H)/(C_i + V)")
print(f"stated confidence: mean {u.mean():.3f}; share correct {ok.mean():.3f}")
rules = [
    ("one threshold, swept, stated", u >= swept(u_hist, ok_hist, cost_hist)),
    ("per ticket, calibrated score", s >= need),
    ("per ticket, stated confidence", u >= need),
    ("per ticket, stated + isotonic", iso.predict(u) >= need),
]
head = f"{'rule and score':<31}{'automated':>10}{'wrong/1k':>9}"
print(head + f"{'$ refunded wrongly/1k':>22}{'saved $/1k':>11}")
for name, auto in rules:
    wrong = auto & ~ok
    print(
        f"{name:<31}{auto.mean():10.3f}{wrong.sum() / s.size * 1_000:9.1f}"
        f"{amount[wrong].sum() / s.size * 1_000:22,.0f}{saving(auto, ok, cost):11,.0f}"
    )
# --8<-- [end:threshold]
