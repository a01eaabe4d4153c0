import sys

import numpy as np
import torch

sys.path.insert(0, "snippets/llms")
import llms_llm  # SmolLM2-135M-Instruct, loaded once per process

tok, model = llms_llm.load()

# Texts whose fact a tool can supply; "{}" marks the fact, the candidate position.
CALC = [
    ("The 23 boxes of 17 items hold {} items in all.", "23*17"),
    ("At 48 dollars each, 12 tickets cost {} dollars.", "48*12"),
    ("It sold 365 eggs on Monday and 278 on Tuesday, {} eggs in all.", "365+278"),
    ("Of 912 seats, 347 were empty, so {} people came.", "912-347"),
    ("The 36 rows of 24 chairs make {} chairs in the hall.", "36*24"),
    ("A bill of 756 euros split 9 ways is {} euros each.", "756/9"),
    ("She ran 42 laps of 400 metres, {} metres in total.", "42*400"),
    ("With 1250 books and 485 new ones, the library has {} books.", "1250+485"),
    ("At 64 cards a pack, 29 packs hold {} cards.", "29*64"),
    ("Of 2000 grams of flour she used 735, leaving {} grams.", "2000-735"),
    ("A bus takes 53 people, so 14 buses take {} people in all.", "53*14"),
    ("The 828 pages in 12 equal parts are {} pages per part.", "828/12"),
    ("At 37 pages a minute, a printer prints {} pages in 19 minutes.", "37*19"),
    ("The tank held 640 litres and 275 leaked, so {} litres are left.", "640-275"),
]
CAPITALS = {
    "Kenya": "Nairobi", "Peru": "Lima", "Australia": "Canberra", "Canada": "Ottawa",
    "Turkey": "Ankara", "Vietnam": "Hanoi",
}  # fmt: skip
LOOKUP = [
    (f"She flew to the capital of {country}, {{}}, on Monday.",
     f"capital of {country}")
    for country in CAPITALS
]  # fmt: skip


def run_tool(name, query):
    if name == "Calculator":
        a, op, b = next(query.partition(o) for o in "*+-/" if o in query)
        a, b = int(a), int(b)
        return str({"*": a * b, "+": a + b, "-": a - b, "/": a // b}[op])
    return CAPITALS[query.removeprefix("capital of ")]


def wrong(result):
    # A plausible slip: 10% off for a number, the next capital in the table.
    if result.isdigit():
        return str(round(int(result) * 1.1))
    names = list(CAPITALS.values())
    return names[(names.index(result) + 1) % len(names)]


def call(name, query, result=None):
    # Toolformer's e(c, r) as plain text; result=None gives e(c, eps), no result.
    return f"[{name}({query}) ->{'' if result is None else ' ' + result}] "


# Toolformer's weights on the tokens from the candidate position i on.
weights = np.maximum(0.0, 1 - 0.2 * np.arange(5))
weights /= weights.sum()


def scored(text, fact_at):
    """Token ids up to the 5 scored tokens, and the index of the first of them."""
    enc = tok(text, return_offsets_mapping=True)
    k = next(j for j, (_, end) in enumerate(enc["offset_mapping"]) if end > fact_at)
    return enc["input_ids"][: k + 5], k


@torch.no_grad()
def weighted_losses(seqs, batch_size=32):
    """Toolformer's L_i for each (ids, k): weighted loss on ids[k : k + 5]."""
    out = np.empty(len(seqs))
    order = sorted(range(len(seqs)), key=lambda s: len(seqs[s][0]))  # less padding
    for b in range(0, len(order), batch_size):
        chunk = [seqs[s] for s in order[b : b + batch_size]]
        width = max(len(ids) for ids, _ in chunk)
        batch = torch.tensor([ids + [0] * (width - len(ids)) for ids, _ in chunk])
        mask = torch.tensor(
            [[1] * len(ids) + [0] * (width - len(ids)) for ids, _ in chunk]
        )
        hidden = model.model(input_ids=batch, attention_mask=mask).last_hidden_state
        # Logits only where they predict a scored token (the rest are not needed).
        pos = torch.tensor([[k - 1 + t for t in range(5)] for _, k in chunk])
        logp = model.lm_head(hidden[torch.arange(len(chunk))[:, None], pos])
        logp = logp.double().log_softmax(-1)
        targets = torch.tensor([ids[k : k + 5] for ids, k in chunk])[..., None]
        token_logp = logp.gather(-1, targets)[..., 0].numpy()
        out[order[b : b + batch_size]] = -(token_logp * weights).sum(axis=1)
    return out


items = [("Calculator", t, q) for t, q in CALC] + [("Lookup", t, q) for t, q in LOOKUP]
seqs, keys = [], []
for n, (name, template, query) in enumerate(items):
    same = [q for nm, _, q in items if nm == name]
    # The irrelevant call is another text's query, with its own correct result.
    other = same[(same.index(query) + len(same) // 2) % len(same)]
    fact = run_tool(name, query)
    before, after = template.split("{}")
    plain = before + fact + after
    calls = {
        "bare": call(name, query),
        "useful": call(name, query, fact),
        "wrong result": call(name, query, wrong(fact)),
        "irrelevant bare": call(name, other),
        "irrelevant": call(name, other, run_tool(name, other)),
    }
    seqs.append(scored(plain, len(before)))
    keys.append((n, "none"))
    # As in Toolformer's filter, the call z is a prefix: loss of x_j given z, x_1:j-1.
    for kind, z in calls.items():
        seqs.append(scored(z + plain, len(z + before)))
        keys.append((n, kind))
    # The same call inserted at the position itself, as in the fine-tuning data.
    for kind in ["bare", "useful"] if name == "Calculator" else []:
        seqs.append(
            scored(before + calls[kind] + fact + after, len(before + calls[kind]))
        )
        keys.append((n, "inline " + kind))
# Every version of a text must score the same 5 tokens.
first = {}
for (n, _), (ids, k) in zip(keys, seqs):
    assert first.setdefault(n, ids[k:]) == ids[k:]
loss = dict(zip(keys, weighted_losses(seqs)))


def l_minus(n, bare):
    """L- = min(L(no call), L(call without result))."""
    return min(loss[n, "none"], loss[n, bare])


tau = 1.0
print(f"{len(CALC)} calculator and {len(LOOKUP)} lookup texts; loss weights "
      + " ".join(f"{w:.3f}" for w in weights))  # fmt: skip
for n in [0, len(CALC)]:
    name, template, query = items[n]
    fact = run_tool(name, query)
    print(f"  {call(name, query, fact)}{template.format(fact)}")
    print(
        f"    L(no call) {loss[n, 'none']:.2f}, L(call, no result) "
        f"{loss[n, 'bare']:.2f}, L(call and result) {loss[n, 'useful']:.2f}"
    )
print(f"keep a call if L- - L+ >= tau_f = {tau}; L in nats")
print(f"{'tool':10} {'call':14} {'kept':>5} {'at 0.5':>6} {'L-':>5} {'L+':>5} "
      f"{'L- - L+: mean':>13} {'min':>5} {'max':>5}")  # fmt: skip
rows = [
    ("useful", "useful", "bare"),
    ("wrong result", "wrong result", "bare"),
    ("irrelevant", "irrelevant", "irrelevant bare"),
    ("useful, inline", "inline useful", "inline bare"),
]
for name in ["Calculator", "Lookup"]:
    texts = [n for n, item in enumerate(items) if item[0] == name]
    for label, kind, bare in rows if name == "Calculator" else rows[:3]:
        lm = np.array([l_minus(n, bare) for n in texts])
        lp = np.array([loss[n, kind] for n in texts])
        g = lm - lp
        kept, half = f"{(g >= tau).sum()}/{len(g)}", f"{(g >= 0.5).sum()}/{len(g)}"
        stats = f"{lm.mean():5.2f} {lp.mean():5.2f} {g.mean():13.2f} {g.min():5.2f}"
        print(f"{name:10} {label:14} {kept:>5} {half:>6} {stats} {g.max():5.2f}")
