# --8<-- [start:capacity]
def si(x):
    for prefix, scale in (("P", 1e15), ("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= scale:
            return f"{x / scale:.1f}{prefix}"
    return f"{x:.1f}"


# Illustrative assumptions: 20G messages a day, peak 2x the mean; the trigger model
# lets 30% through. Dual encoder: a message encoder of about 5 MFLOPs plus dot products
# with 20,000 whitelisted responses of 256 dimensions. The generative alternative: a
# 1B-parameter model reading a 100-token prompt and writing 3 replies of 10 tokens,
# at about 2 FLOPs per parameter per token.
messages, peak, triggered = 20e9, 2, 0.3
responses, dim, encoder = 20_000, 256, 5e6
dual = encoder + 2 * responses * dim
llm = 2 * 1e9 * (100 + 3 * 10)
scored = messages / 86_400 * peak * triggered
for name, value in [
    ("messages/s at peak", si(messages / 86_400 * peak)),
    ("messages scored/s after the trigger", si(scored)),
    ("dual encoder FLOPs per message", si(dual)),
    ("1B LLM FLOPs per message", si(llm)),
    ("dual encoder FLOP/s at peak", si(scored * dual)),
    ("1B LLM FLOP/s at peak", si(scored * llm)),
    ("response embeddings, float32 (bytes)", si(responses * dim * 4)),
]:
    print(f"{name:<38}{value:>8}")
# --8<-- [end:capacity]

# --8<-- [start:diversity]
import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage

rng = np.random.default_rng(0)
# The whitelist: 8 intents x 4 paraphrases, the most common paraphrase first.
WHITELIST = {
    "yes": ["Sounds good!", "Sounds good.", "Sure, sounds good!", "Works for me."],
    "no": ["Sorry, I can't.", "Unfortunately not.", "No, sorry.", "Can't make it."],
    "when": ["What time?", "What time works?", "When?", "Which day?"],
    "later": [
        "Let me check.",
        "I'll check and see.",
        "Will look into it.",
        "Checking.",
    ],
    "thanks": ["Thanks!", "Thank you!", "Thanks so much!", "Thanks, appreciate it."],
    "ok": ["Got it.", "Okay.", "Noted.", "OK, on it."],
    "congrats": ["Congrats!", "Congratulations!", "Great news!", "Well deserved!"],
    "sorry": ["So sorry to hear that.", "Sorry to hear that.", "Oh no!", "Get well!"],
}
intents = list(WHITELIST)
texts = [t for i in intents for t in WHITELIST[i]]
intent_of = np.repeat(np.arange(len(intents)), 4)
prior = np.tile([0.0, -0.2, -0.4, -0.6], len(intents))  # log popularity of each text

# Stand-in for a trained dual encoder (Henderson et al. 2017): each intent is a
# direction, paraphrases sit close to it. Score = message . response + log prior.
dim = 32
centre = rng.normal(size=(len(intents), dim))
centre /= np.linalg.norm(centre, axis=1, keepdims=True)
resp = centre[intent_of] + 0.1 * rng.normal(size=(len(texts), dim))
resp /= np.linalg.norm(resp, axis=1, keepdims=True)

# Offline: cluster the whitelist by meaning (Kannan et al. used semi-supervised
# label propagation; average-linkage clustering of embeddings does it here).
cluster = fcluster(linkage(resp, "average", metric="cosine"), 0.5, "distance")
pure = all(len(set(intent_of[cluster == c])) == 1 for c in np.unique(cluster))
print(f"clusters: {cluster.max()} for {len(intents)} intents, each one intent: {pure}")

# Messages of 7 kinds, each with the replies its recipients actually want; "long"
# messages need a written answer, so no whitelisted reply fits.
KINDS = {
    "invitation": {"yes": 0.45, "no": 0.25, "when": 0.15, "later": 0.15},
    "update": {"ok": 0.5, "thanks": 0.4, "later": 0.1},
    "favour done": {"thanks": 0.8, "ok": 0.2},
    "good news": {"congrats": 0.8, "thanks": 0.2},
    "bad news": {"sorry": 0.9, "ok": 0.1},
    "request": {"ok": 0.5, "later": 0.4, "no": 0.1},
    "long": {},
}
n = 4_000
kind = rng.choice(list(KINDS), n, p=[0.15, 0.15, 0.1, 0.05, 0.05, 0.15, 0.35])
mix = np.array([[KINDS[k].get(i, 0.0) for i in intents] for k in kind])
message = 4 * mix @ centre + 0.3 * rng.normal(size=(n, dim))
scores = message @ resp.T + prior
fits = mix.sum(1) > 0
# What the recipient actually wants to send: one intent drawn from the message's mix.
wanted = np.array(
    [rng.choice(len(intents), p=m) if f else -1 for m, f in zip(mix, fits)]
)


def top3(s):
    return list(np.argsort(-s)[:3])


def diverse3(s):
    """Best response first, then the best from each cluster not yet shown."""
    shown = []
    for r in np.argsort(-s):
        if all(cluster[r] != cluster[x] for x in shown):
            shown.append(r)
        if len(shown) == 3:
            return shown


for name, pick in [("top 3 by score", top3), ("one per cluster", diverse3)]:
    chosen = [pick(s) for s in scores[fits]]
    hit = np.mean([w in intent_of[c] for w, c in zip(wanted[fits], chosen)])
    distinct = np.mean([len(set(intent_of[c])) for c in chosen])
    print(f"{name:<16} wanted reply in the 3: {hit:.3f}, intents shown: {distinct:.2f}")
example = np.flatnonzero(kind == "invitation")[0]
for name, pick in [("top 3 by score", top3), ("one per cluster", diverse3)]:
    print(f"invitation, {name}: " + " | ".join(texts[r] for r in pick(scores[example])))

# The trigger model: a classifier of "a short reply fits", with overlapping scores.
# Above the threshold the message gets 3 suggestions (one per cluster).
trigger = np.where(fits, 1.5, -1.5) + rng.normal(size=n)
good = np.array([w in intent_of[diverse3(s)] for w, s in zip(wanted, scores)])
print(f"{'threshold':>9}{'shown on':>10}{'precision':>10}{'useful/100 msgs':>16}")
for t in (-1.0, 0.0, 1.0, 2.0):
    on = trigger > t
    useful = 100 * good[on].sum() / n
    print(f"{t:9.1f}{on.mean():10.3f}{good[on].mean():10.3f}{useful:16.1f}")
# --8<-- [end:diversity]
