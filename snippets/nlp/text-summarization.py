import re
from itertools import combinations

import networkx as nx
import numpy as np
from rouge_score import rouge_scorer
from sklearn.feature_extraction.text import TfidfVectorizer

# Ten short news stories written for this example (inverted pyramid: the main
# facts first), each with a reference summary and one on-topic sentence that
# the story does not support (used in the second table).
STORIES = [
    (
        "The city council of Marlow voted 7 to 2 on Tuesday to close the Elm Street "
        "bridge to cars from 1 March. Engineers found corrosion in 14 of the bridge's "
        "40 steel beams during an inspection in January. Pedestrians and cyclists will "
        "still be allowed to cross while repairs are planned. The detour adds about 6 "
        "minutes to trips between the north and south of the town, according to the "
        "council. Local shop owners said they feared losing customers during the "
        "closure. A replacement bridge would cost 18 million euros and could open in "
        "2029.",
        "Marlow's council voted to close the Elm Street bridge to cars from 1 March "
        "after engineers found corrosion in 14 of its 40 steel beams; pedestrians and "
        "cyclists can still cross.",
        "Repairs to the old bridge will cost 9 million euros.",
    ),
    (
        "Kestrel Foods reported a 12% rise in quarterly revenue on Thursday, helped by "
        "strong sales of its frozen meals. Revenue reached 2.4 billion dollars in the "
        "three months to September, above analysts' forecasts of 2.3 billion. Profit "
        "fell 5%, however, because the company spent more on packaging and transport. "
        "Chief executive Dana Okafor said the company would raise prices on some "
        "products in the spring. Shares in Kestrel rose 3% in early trading. The "
        "company employs about 9,000 people in 11 countries.",
        "Kestrel Foods' quarterly revenue rose 12% to 2.4 billion dollars, beating "
        "forecasts, but profit fell 5% because packaging and transport cost more.",
        "The company also plans to open a new factory in Poland.",
    ),
    (
        "Heavy rain flooded more than 300 homes in the river valley around Tarnby "
        "overnight, and about 1,200 people were moved to emergency shelters. The River "
        "Wend rose 2.1 metres above its normal level by Sunday morning, the highest "
        "reading since 1998. Two schools and the main road to the coast were closed. "
        "Volunteers filled sandbags at the town hall through the night. Forecasters "
        "expect the rain to ease on Monday, but warned that water levels could stay "
        "high for several days. The regional government promised emergency funds for "
        "families who lost property.",
        "Overnight flooding around Tarnby hit more than 300 homes and moved about "
        "1,200 people to shelters as the River Wend reached its highest level since "
        "1998.",
        "Mayor Ellen Strand declared a state of emergency.",
    ),
    (
        "Harbour City won the national basketball final 88 to 81 on Saturday, their "
        "first title in 23 years. Guard Milo Brandt scored 31 points, including four "
        "three-pointers in the last quarter. The visitors from Eastfield had led by "
        "nine points at half-time. More than 15,000 fans filled the arena, and "
        "thousands more watched on screens outside. Coach Ines Varga, in her second "
        "season, called it the proudest night of her career. The team will hold a "
        "parade through the city centre on Monday.",
        "Harbour City beat Eastfield 88-81 to win their first national basketball "
        "title in 23 years, with Milo Brandt scoring 31 points.",
        "Brandt was named the most valuable player of the final for the 2nd time.",
    ),
    (
        "A trial of 2,000 adults found that a new nasal flu vaccine prevented 61% of "
        "infections over one winter, researchers reported on Wednesday. The vaccine, "
        "developed by the Lindqvist Institute, is sprayed into the nose instead of "
        "injected. Side effects were mild, mostly a runny nose for a day or two. The "
        "researchers said the spray could help reach people who avoid needles. Larger "
        "trials in children and older adults will start next year. Regulators have "
        "not yet reviewed the results.",
        "A nasal flu vaccine from the Lindqvist Institute prevented 61% of infections "
        "in a trial of 2,000 adults, with mostly mild side effects; larger trials "
        "start next year.",
        "The spray will be sold in pharmacies from 2027.",
    ),
    (
        "A software update caused a 5-hour outage at Northwind Bank on Friday, leaving "
        "customers unable to pay by card or use the mobile app. The bank said the "
        "fault was in a change to its payment system and that no data had been lost. "
        "Services were restored by 3 pm. About 400,000 customers were affected, "
        "according to the bank. The national regulator said it had asked Northwind "
        "for a full report within 30 days. The bank promised to refund any fees "
        "caused by the outage.",
        "A faulty software update took Northwind Bank's card payments and app "
        "offline for 5 hours, affecting about 400,000 customers; the regulator wants "
        "a report within 30 days.",
        "The regulator may fine the bank up to 2 million euros.",
    ),
    (
        "The education ministry will hire 4,500 new teachers over the next two years "
        "to reduce class sizes in primary schools. The plan, announced on Monday, "
        "will cost 310 million euros and aims to bring the average class below 24 "
        "pupils. Teachers' unions welcomed the plan but said salaries also needed to "
        "rise. Schools in rural areas will get priority, because many have struggled "
        "to fill posts. The first new teachers are expected in classrooms in "
        "September. Opposition parties questioned how the plan would be funded.",
        "The education ministry will hire 4,500 teachers over two years, at a cost of "
        "310 million euros, to bring average primary class sizes below 24 pupils.",
        "Education minister Clara Holm said salaries would rise by 4% next year.",
    ),
    (
        "The number of wild otters on the River Sela has tripled in ten years, a "
        "survey published on Tuesday found. Volunteers counted 96 otters along the "
        "river last year, up from 31 in 2015. Researchers credit cleaner water after "
        "two factories stopped releasing waste into the river. Otters had almost "
        "disappeared from the region in the 1980s. The survey team said fishing lines "
        "and road traffic were now the main threats. They plan to repeat the count "
        "every three years.",
        "Otters on the River Sela have tripled in ten years, from 31 in 2015 to 96, "
        "which researchers link to cleaner water after two factories stopped "
        "releasing waste.",
        "The survey was funded by the Sela Wildlife Trust.",
    ),
    (
        "Pellham Airport will open a second runway in May after three years of "
        "construction, the airport operator said on Wednesday. The runway will let "
        "the airport handle up to 60 flights an hour, up from 38. The project cost "
        "1.1 billion euros, 200 million more than planned. Residents near the new "
        "runway will be offered free window insulation against noise. Airlines have "
        "already announced 14 new routes for the summer. Night flights will remain "
        "banned between 11 pm and 6 am.",
        "Pellham Airport opens a second runway in May, raising capacity from 38 to 60 "
        "flights an hour; the project cost 1.1 billion euros, 200 million over plan.",
        "The airport expects 25 million passengers a year by 2030.",
    ),
    (
        "A painting found in an attic in Vester was confirmed on Thursday as a lost "
        "work by the 17th-century artist Anna Roos. Experts at the National Gallery "
        "spent eight months studying the canvas, including its paint and wooden "
        "frame. The painting, a portrait of a young woman, had been missing since "
        "1911. It will go on public display at the gallery in June. The family who "
        "found it said they had used the attic for storage for 40 years. Its value "
        "has been estimated at about 4 million euros.",
        "A portrait found in an attic in Vester has been confirmed as a lost work by "
        "Anna Roos, missing since 1911; it will go on show at the National Gallery in "
        "June.",
        "It was bought at auction in 1950 by a collector from Oslo.",
    ),
]
# every method returns 2 sentences: ROUGE rewards length, so fix it
K = 2
scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)


def rouge(summary, reference):
    s = scorer.score(reference, summary)
    return np.array([s["rouge1"].fmeasure, s["rouge2"].fmeasure, s["rougeL"].fmeasure])


def sentences(text):
    return re.split(r"(?<=[.!?])\s+", text.strip())


def pagerank(W, d=0.85, tol=1e-12):
    """Power iteration for PageRank on a weighted graph (rows: out-edges)."""
    n = len(W)
    out = W.sum(axis=1, keepdims=True)
    # a sentence similar to no other one jumps uniformly (a dangling node)
    P = np.where(out > 0, W / np.where(out > 0, out, 1), 1 / n)
    r = np.full(n, 1 / n)
    while True:
        r_new = (1 - d) / n + d * P.T @ r
        if np.abs(r_new - r).sum() < tol:
            return r_new
        r = r_new


def textrank(sents, analyzer="char_wb", later_first=False, k=K):
    """Mihalcea and Tarau's sentence graph, TF-IDF cosine as edge weights."""
    if analyzer == "word":
        vec = TfidfVectorizer(stop_words="english")
    else:
        # character 3- to 5-grams inside words: "flood" also matches "flooding"
        vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5))
    X = vec.fit_transform(sents)
    W = (X @ X.T).toarray()
    np.fill_diagonal(W, 0)
    r = pagerank(W)
    # equal scores go to the earlier sentence, as with a stable sort, unless asked
    position = -np.arange(len(r)) if later_first else np.arange(len(r))
    top = np.lexsort((position, -np.round(r, 12)))[:k]
    return sorted(top.tolist()), W, r


def join(sents, idx):
    return " ".join(sents[i] for i in idx)


TR_WORD, TR_CHAR = "TextRank, word TF-IDF", "TextRank, character n-gram TF-IDF"
TR_LATER = "  same, ties go to the later sentence"
names = ["lead-2", TR_WORD, TR_LATER, TR_CHAR, "random 2 sentences"]
names.append("oracle 2 sentences")
scores = {name: [] for name in names}
ties, same, matches_networkx = [], {"word": 0, "char_wb": 0}, []
rng = np.random.default_rng(0)
for story, ref, _ in STORIES:
    sents = sentences(story)
    for analyzer, name in [("word", TR_WORD), ("char_wb", TR_CHAR)]:
        idx, W, r = textrank(sents, analyzer)
        scores[name].append(rouge(join(sents, idx), ref))
        nx_r = nx.pagerank(nx.from_numpy_array(W), alpha=0.85, max_iter=1000, tol=1e-12)
        matches_networkx.append(np.allclose(r, [nx_r[i] for i in range(len(r))]))
        if analyzer == "word":
            # a tie between the 2nd and 3rd best sentence is decided by position
            ties.append(np.isclose(*np.sort(r)[::-1][1:3]))
            idx_later, _, _ = textrank(sents, analyzer, later_first=True)
            scores[TR_LATER].append(rouge(join(sents, idx_later), ref))
        for _ in range(5):
            perm = rng.permutation(len(sents))
            idx_shuffled, _, _ = textrank([sents[i] for i in perm], analyzer)
            same[analyzer] += {perm[i] for i in idx_shuffled} == set(idx)
    # every pair of sentences: the mean is lead-2 on a shuffled story, the best
    # pair is the extractive oracle (an upper bound for any 2-sentence extract)
    pairs = np.array(
        [rouge(join(sents, p), ref) for p in combinations(range(len(sents)), 2)]
    )
    scores["lead-2"].append(rouge(join(sents, [0, 1]), ref))
    scores["random 2 sentences"].append(pairs.mean(axis=0))
    scores["oracle 2 sentences"].append(pairs[pairs.mean(axis=1).argmax()])

n = len(STORIES)
print(f"{n} stories, {K}-sentence summaries       ROUGE-1 ROUGE-2 ROUGE-L (F1)")
for name, rows in scores.items():
    m = np.mean(rows, axis=0)
    print(f"{name:<38}{m[0]:8.3f}{m[1]:8.3f}{m[2]:8.3f}")
print(f"power iteration = networkx pagerank: {all(matches_networkx)}")
print(f"word TF-IDF graph: tie for the 2nd pick in {sum(ties)} of {n} stories")
print(
    f"same picks after 5 shuffles of each story: word {same['word']} of {5 * n}, "
    f"character n-grams {same['char_wb']} of {5 * n}"
)


# A surface check that needs no model: numbers and capitalised words (names) in
# the summary that never occur in the source.
TOKEN = r"\d+(?:[.,]\d+)*|[A-Za-z]+"


def unsupported(summary, source):
    seen = {t.lower() for t in re.findall(TOKEN, source)}
    return [
        t
        for t in re.findall(TOKEN, summary)
        if (t[0].isdigit() or t[0].isupper()) and t.lower() not in seen
    ]


def change_a_number(text):
    """The first digit of the first number changes (7 to 2 -> 8 to 2, 9 -> 1)."""
    m = re.search(r"\d", text)
    if m is None:
        return None
    return text[: m.start()] + str(int(m.group()) % 9 + 1) + text[m.end() :]


def swap_two_numbers(text):
    """Swap the first two different numbers: every token still occurs in the source."""
    nums = list(dict.fromkeys(re.findall(r"\d+(?:[.,]\d+)*", text)))
    if len(nums) < 2:
        return None
    a, b = nums[:2]
    pattern = rf"(?<![\d.,])({re.escape(a)}|{re.escape(b)})(?![\d]|[.,]\d)"
    return re.sub(pattern, lambda m: b if m[1] == a else a, text)


# The best system's summaries, then the same summaries with one error each
lead2 = [join(sentences(story), [0, 1]) for story, _, _ in STORIES]
swapped = [swap_two_numbers(s) for s in lead2]
has_two = [s is not None for s in swapped]
variants = {
    "none (faithful)": lead2,
    "one number changed": [change_a_number(s) for s in lead2],
    "+ one unsupported sentence": [s + " " + x for s, (_, _, x) in zip(lead2, STORIES)],
    f"two numbers swapped ({sum(has_two)} stories)": swapped,
    "  same stories, faithful": [s if h else None for s, h in zip(lead2, has_two)],
}
print("\nlead-2 summary, one error added  ROUGE-1 ROUGE-2 ROUGE-L  flagged")
for name, summaries in variants.items():
    rows = [
        (s, st, ref) for s, (st, ref, _) in zip(summaries, STORIES) if s is not None
    ]
    m = np.mean([rouge(s, ref) for s, _, ref in rows], axis=0)
    flagged = sum(bool(unsupported(s, st)) for s, st, _ in rows)
    print(f"{name:<33}{m[0]:8.3f}{m[1]:8.3f}{m[2]:8.3f}  {flagged:2d} of {len(rows)}")
refs_flagged = sum(bool(unsupported(ref, story)) for story, ref, _ in STORIES)
print(f"references flagged (false alarms): {refs_flagged} of {n}")
print("story 1, words 5-11 of the summary, and what the check finds:")
changed = variants["one number changed"][0]
for label, s in [("faithful", lead2[0]), ("changed", changed), ("swapped", swapped[0])]:
    words = " ".join(s.split()[4:11])
    print(f"  {label:<9}{words!r:<36}{unsupported(s, STORIES[0][0])}")
