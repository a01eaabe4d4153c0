import re

import numpy as np

rng = np.random.default_rng(0)

NAMES = ["Ana", "Ben", "Chen", "Dana", "Eli", "Farah", "Goran", "Hana", "Ivo", "Jun"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "next Friday"]
TASKS = [
    ("send", "budget draft"), ("book", "offsite venue"), ("update", "roadmap slides"),
    ("call", "pricing vendor"), ("review", "hiring plan"), ("fix", "login bug"),
    ("write", "release notes"), ("check", "legal terms"), ("set up", "test cluster"),
    ("share", "survey results"), ("draft", "customer email"), ("clean up", "dashboard"),
    ("order", "new laptops"), ("schedule", "design review"), ("audit", "access list"),
    ("migrate", "old reports"), ("renew", "software licences"), ("test", "new model"),
    ("prepare", "board summary"), ("collect", "team feedback"), ("label", "samples"),
    ("rerun", "churn analysis"), ("translate", "user guide"), ("archive", "tickets"),
]  # fmt: skip
FILLER = [
    "um, so I think the numbers look roughly fine",
    "yeah, that matches what we saw last quarter",
    "sorry, you were on mute for a second there",
    "right, going back to the point about the timeline",
    "I mean, it depends on what the customers actually want",
    "the metrics moved a bit after the last release, you know",
    "okay, let me just pull up the document",
    "we discussed this last week, more or less",
    "I think the risk is mostly on the data side",
    "the main question is whether we can ship before the holidays",
    "that makes sense to me, I guess",
    "can everyone see my screen now",
    "so, uh, the second chart is the one that matters",
    "honestly I am not sure the dashboard numbers are up to date",
]
ACCEPT = ["Sure.", "Yes, will do.", "Yep, on it.", "Okay, I can do that."]
DECLINE = ["Sorry, I can't this week.", "No bandwidth this week, sorry."]
TENTATIVE = [
    "Maybe we could {v} the {o} at some point.",
    "Should we {v} the {o} at some point?",
    "I could {v} the {o} if there's time, not sure.",
]


def filler(k=None):
    k = k or int(rng.integers(1, 6))
    return ". ".join(FILLER[i].capitalize() for i in rng.integers(len(FILLER), size=k))


def make_meeting(n_filler_turns=335):
    """Turns (speaker, text); truth keyed by task object: first and final owner,
    due date, cancelled, and whether the final owner is named or is a speaker."""
    people = list(rng.choice(NAMES, size=int(rng.integers(4, 7)), replace=False))
    tasks = [TASKS[i] for i in rng.permutation(len(TASKS))[:13]]
    events, truth = [], {}

    def other(*not_these):
        return str(rng.choice([p for p in people if p not in not_these]))

    def ask(owner, sentence, answer):
        # A request, 0-3 turns of unrelated talk, then the addressee's answer.
        block = [(other(owner), sentence)]
        block += [(other(owner), filler(1)) for _ in range(int(rng.integers(0, 4)))]
        return block + [(owner, answer)]

    for v, o in tasks[:8]:
        owner, due = str(rng.choice(people)), str(rng.choice(DAYS))
        if rng.random() < 0.4:
            block, named = [(owner, f"{filler(1)}. I'll {v} the {o} by {due}.")], False
        else:
            ask_text = f"{owner}, can you {v} the {o} by {due}?"
            block, named = ask(owner, ask_text, str(rng.choice(ACCEPT))), True
        at = rng.random() * 0.8
        events.append((at, block))
        truth[o] = dict(owner0=owner, due0=due, owner=owner, due=due, named=named)
        truth[o].update(cancelled=False)
        if rng.random() < 0.3:
            # A revision later in the meeting: new due date, new owner, or dropped.
            later, kind = at + rng.uniform(0.05, 1 - at), rng.integers(4)
            if kind == 0:
                new_due = str(rng.choice([d for d in DAYS if d != due]))
                block = [(other(), f"Let's push the {o} to {new_due}.")]
                truth[o]["due"] = new_due
            elif kind == 1:
                new = other(owner)
                block = [(new, f"Actually, I'll take the {o} instead of {owner}.")]
                truth[o].update(owner=new, named=False)
            elif kind == 2:
                new = other(owner)
                q = f"{new}, can you take over the {o} from {owner}?"
                block = ask(new, q, str(rng.choice(ACCEPT)))
                truth[o].update(owner=new, named=True)
            else:
                block = [(other(), f"Let's drop the {o}, we don't need it anymore.")]
                truth[o]["cancelled"] = True
            events.append((later, block))
    for v, o in tasks[8:10]:
        q = f"{(who := str(rng.choice(people)))}, can you {v} the {o} by Friday?"
        events.append((rng.random(), ask(who, q, str(rng.choice(DECLINE)))))
    for v, o in tasks[10:13]:
        sentence = str(rng.choice(TENTATIVE)).format(v=v, o=o)
        events.append((rng.random(), [(str(rng.choice(people)), sentence)]))
    turns = [(str(rng.choice(people)), filler()) for _ in range(n_filler_turns)]
    for at, block in sorted(events, key=lambda e: -e[0]):
        i = int(at * n_filler_turns)
        turns[i:i] = block
    return people, turns, truth


# The reader: a stand-in for the LLM call. It sees only the turns in its window, with
# their speaker labels, and reads them perfectly: every loss below comes from what
# the window holds, the merge, or the labels, not from a model's mistakes.
COMMIT = re.compile(r"I'll ([a-z ]+?) the ([a-z ]+?) by ([A-Za-z ]+?)\.")
REQUEST = re.compile(
    r"([A-Z][a-z]+), can you ([a-z ]+?) the ([a-z ]+?) by ([A-Za-z ]+)\?"
)
HANDOVER = re.compile(r"([A-Z][a-z]+), can you take over the ([a-z ]+?) from [A-Z]")
PUSH = re.compile(r"Let's push the ([a-z ]+?) to ([A-Za-z ]+?)\.")
DROP = re.compile(r"Let's drop the ([a-z ]+?), we")
TAKE = re.compile(r"Actually, I'll take the ([a-z ]+?) instead")
HEDGE = re.compile(
    r"(?:Maybe we could|Should we|I could) [a-z ]+? the ([a-z ]+?) (?:at|if)"
)


def answer(window, j):
    # The first accept or decline within 4 turns; None if the window ends first.
    for _, text in window[j + 1 : j + 5]:
        if text.startswith(tuple(ACCEPT)):
            return True
        if text.startswith(tuple(DECLINE)):
            return False
    return None


def read(window, hedges_as_items=False):
    """Items {object: (owner, due, evidence turns)} and revisions (turn, object,
    field, value) found in one window of (turn index, speaker, text)."""
    items, revisions = {}, []
    plain = [(s, t) for _, s, t in window]
    for j, (turn, speaker, text) in enumerate(window):
        if m := COMMIT.search(text):
            items[m[2]] = (speaker, m[3], (turn,))
        elif (m := REQUEST.search(text)) and answer(plain, j):
            items[m[3]] = (m[1], m[4], (turn,))
        elif (m := HANDOVER.search(text)) and answer(plain, j):
            revisions.append((turn, m[2], "owner", m[1]))
        elif m := PUSH.search(text):
            revisions.append((turn, m[1], "due", m[2]))
        elif m := DROP.search(text):
            revisions.append((turn, m[1], "drop", None))
        elif m := TAKE.search(text):
            revisions.append((turn, m[1], "owner", speaker))
        elif hedges_as_items and (m := HEDGE.search(text)):
            items[m[1]] = (speaker, None, (turn,))
    return items, revisions


def apply(items, revisions):
    items = dict(items)
    for turn, obj, field, value in sorted(set(revisions)):
        if obj in items and items[obj][2][0] < turn:
            owner, due, evidence = items[obj]
            if field == "drop":
                del items[obj]
            else:
                new = (value, due) if field == "owner" else (owner, value)
                items[obj] = (*new, evidence + (turn,))
    return items


def windows(turns, budget, overlap):
    """Consecutive windows of whole turns with at most `budget` words, each starting
    `overlap` words before the previous one ended."""
    lengths = [len(t.split()) for _, t in turns]
    out, start = [], 0
    while start < len(turns):
        end, words = start, 0
        while end < len(turns) and words + lengths[end] <= budget:
            words, end = words + lengths[end], end + 1
        out.append([(i, *turns[i]) for i in range(start, end)])
        if end == len(turns):
            break
        back, words = end, 0
        while back > start + 1 and words + lengths[back - 1] <= overlap:
            back, words = back - 1, words + lengths[back - 1]
        start = back
    return out


def extract(turns, strategy, budget=2_000, overlap=300):
    """Extracted items [(object, owner, due, evidence turns)] and words read."""
    hedges = strategy == "hedges"
    if strategy == "whole":
        parts = [[(i, *t) for i, t in enumerate(turns)]]
    elif strategy == "truncate":
        parts = windows(turns, budget, 0)[:1]
    else:
        parts = windows(turns, budget, 0 if strategy == "no overlap" else overlap)
    read_words = sum(len(t.split()) for part in parts for _, _, t in part)
    found = [read(part, hedges) for part in parts]
    if strategy in ("revisions", "hedges"):
        # Map: items and revisions per chunk; reduce: merge, then replay every
        # revision in transcript order, whichever chunk it came from.
        merged = {}
        for items, _ in found:
            merged.update(items)
        final = apply(merged, [r for _, revs in found for r in revs])
        out = [(o, *item) for o, item in final.items()]
    else:
        # Revisions are applied only inside the chunk that holds the item.
        per_chunk = [apply(items, revs) for items, revs in found]
        if strategy == "no dedup":
            out = [(o, *item) for chunk in per_chunk for o, item in chunk.items()]
        else:
            merged = {}
            for chunk in per_chunk:
                merged.update(chunk)
            out = [(o, *item) for o, item in merged.items()]
    return out, read_words


def score(out, truth):
    gold = {o for o, t in truth.items() if not t["cancelled"]}
    seen, tp, owner_ok, due_ok, stale = set(), 0, {True: [], False: []}, 0, 0
    for obj, owner, due, _ in out:
        t = truth.get(obj)
        if t and (t["cancelled"] or (owner == t["owner0"] != t["owner"])
                  or (due == t["due0"] != t["due"])):  # fmt: skip
            stale += 1
        if obj in gold and obj not in seen:
            seen.add(obj)
            tp += 1
            owner_ok[t["named"]].append(owner == t["owner"])
            due_ok += due == t["due"]
    return len(gold), len(out), tp, owner_ok, due_ok, stale


def mislabel(people, turns, error_rate, rng_diar):
    # Diarization error: a turn goes to a random other participant.
    out = []
    for speaker, text in turns:
        if rng_diar.random() < error_rate:
            speaker = str(rng_diar.choice([p for p in people if p != speaker]))
        out.append((speaker, text))
    return out


def run(meetings, strategy, error_rate=0.0):
    rng_diar = np.random.default_rng(1)
    totals = np.zeros(6)
    owner = {True: [], False: []}
    for people, turns, truth in meetings:
        heard = mislabel(people, turns, error_rate, rng_diar)
        out, words = extract(heard, strategy)
        n_gold, n_out, tp, owner_ok, due_ok, stale = score(out, truth)
        totals += [n_gold, n_out, tp, due_ok, stale, words]
        owner[True] += owner_ok[True]
        owner[False] += owner_ok[False]
    n_gold, n_out, tp, due_ok, stale, words = totals
    both = owner[True] + owner[False]
    return dict(
        recall=tp / n_gold, precision=tp / n_out, owner=np.mean(both),
        named=np.mean(owner[True]), said=np.mean(owner[False]), due=due_ok / tp,
        stale=stale / n_out, words=words,
    )  # fmt: skip


meetings = [make_meeting() for _ in range(200)]
n_words = sum(len(t.split()) for _, turns, _ in meetings for _, t in turns)
n_turns = sum(len(turns) for _, turns, _ in meetings)
truths = [t for *_, truth in meetings for t in truth.values()]
dropped = sum(t["cancelled"] for t in truths)
revised = sum(t["owner"] != t["owner0"] or t["due"] != t["due0"] for t in truths)
print(f"{len(meetings)} synthetic meetings; per meeting {n_words / 200:,.0f} words, "
      f"{n_turns / 200:.0f} turns,")  # fmt: skip
print(f"{len(truths) / 200:.0f} action items agreed, {revised / 200:.2f} of them "
      f"changed later, {dropped / 200:.2f} dropped")  # fmt: skip
print("context budget 2,000 words per call; overlap 300 words; no diarization errors")
print()
STRATEGIES = {
    "whole call, one window": "whole",
    "truncate to the budget": "truncate",
    "chunks, no overlap, merged": "no overlap",
    "chunks + overlap, no dedup": "no dedup",
    "chunks + overlap, dedup": "dedup",
    "... + revisions replayed": "revisions",
    "... + hedges read as items": "hedges",
}
print(f"{'strategy':28}{'read':>6}{'recall':>8}{'prec':>7}{'owner':>7}{'due':>7}"
      f"{'stale':>7}")  # fmt: skip
for label, strategy in STRATEGIES.items():
    r = run(meetings, strategy)
    columns = [r["recall"], r["precision"], r["owner"], r["due"], r["stale"]]
    print(f"{label:28}{r['words'] / n_words:6.2f}{columns[0]:8.3f}"
          + "".join(f"{x:7.3f}" for x in columns[1:]))  # fmt: skip
print()
print("diarization error (chunks + overlap, dedup, revisions replayed)")
print(f"{'turns mislabelled':18}{'recall':>8}{'owner':>7}{'named':>7}{'said':>7}")
for error_rate in [0.0, 0.05, 0.1, 0.2]:
    r = run(meetings, "revisions", error_rate)
    print(f"{error_rate:<18.2f}{r['recall']:8.3f}{r['owner']:7.3f}{r['named']:7.3f}"
          f"{r['said']:7.3f}")  # fmt: skip
print('named: owner named in the request; said: owner is whoever said "I\'ll"')
print()


def clock(turns, i):
    # Speech at 150 words a minute: the time a turn starts.
    seconds = sum(len(t.split()) for _, t in turns[:i]) / 2.5
    return f"{seconds // 3600:02.0f}:{seconds % 3600 // 60:02.0f}:{seconds % 60:02.0f}"


# The first item in the first meeting whose due date changed after its chunk ended.
for _, turns, _ in meetings:
    stale = {o: (own, due) for o, own, due, _ in extract(turns, "dedup")[0]}
    grounded = {o: (own, due, ev) for o, own, due, ev in extract(turns, "revisions")[0]}
    changed = [o for o in grounded if stale.get(o) and stale[o][1] != grounded[o][1]]
    if changed:
        obj = changed[0]
        owner, due, evidence = grounded[obj]
        print(f"one action item, the {obj}, and the turns it cites")
        print(f"  chunks + overlap, dedup:  {stale[obj][0]}, due {stale[obj][1]}")
        print(f"  + revisions replayed:     {owner}, due {due}")
        for i in evidence:
            said = next(x for x in turns[i][1].split(". ") if obj in x)
            said = said if said[-1] in ".?" else said + "."
            print(f"  [{clock(turns, i)}] {turns[i][0]}: {said}")
        break
