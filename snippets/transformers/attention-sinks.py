# --8<-- [start:sink]
import sys

import torch
from sklearn.datasets import load_digits, load_iris

sys.path.insert(0, "snippets/transformers")
import transformers_llm  # SmolLM2-135M-Instruct, loaded once per process

tok, model = transformers_llm.load()
# Plain English text that ships with scikit-learn: two dataset descriptions.
text = load_digits().DESCR + "\n" + load_iris().DESCR
ids = tok(text, return_tensors="pt").input_ids[:, :320]
print(f"{ids.shape[1]} tokens; the first is {tok.decode(ids[0, :1])!r}, no BOS token")
with torch.no_grad():
    out = model(ids, output_attentions=True, output_hidden_states=True)

att = torch.stack(out.attentions)[:, 0]  # (layers, heads, queries, keys)
T = ids.shape[1]
queries = torch.arange(32, T)  # queries that have at least 32 keys to choose from
on_first = att[:, :, 32:, 0].mean(dim=(1, 2))  # weight on token 0, per layer
uniform = (1.0 / (queries + 1)).mean()
print(f"a uniform query would put {uniform:.3f} on token 0")
print("mean attention weight on token 0, by layer:")
for start in range(0, 30, 5):
    shares = " ".join(f"{s:.2f}" for s in on_first[start : start + 5])
    print(f"  layers {start:>2}-{start + 4:<2} {shares}")

# hidden_states[l + 1] is the residual stream after layer l (the last is normed)
norms = torch.stack(out.hidden_states)[1:30, 0].norm(dim=-1)  # layers 0-28
ratio = norms[:, 0] / norms[:, 1:].median(dim=1).values
print("residual-stream norm of token 0 / median norm of the others, after layer:")
print(
    "  "
    + ", ".join(f"{layer}: {ratio[layer]:.0f}x" for layer in (2, 8, 10, 11, 20, 28))
)
# --8<-- [end:sink]

# --8<-- [start:streaming]
import math
import sys

import torch
from sklearn.datasets import load_digits, load_iris

sys.path.insert(0, "snippets/transformers")
import transformers_llm

tok, model = transformers_llm.load()
text = load_digits().DESCR + "\n" + load_iris().DESCR
ids = tok(text, return_tensors="pt").input_ids[:, :320]
T, budget, n_sink = ids.shape[1], 64, 4  # every query may keep 64 keys
i, j = torch.arange(T)[:, None], torch.arange(T)[None, :]
causal = j <= i
masks = {
    "full causal attention": causal,
    f"window of the last {budget}": causal & (j > i - budget),
    f"{n_sink} sink tokens + last {budget - n_sink}": causal
    & ((j > i - budget + n_sink) | (j < n_sink)),
}
print(f"perplexity on tokens {budget}-{T - 1}:")
for name, allowed in masks.items():
    mask = torch.zeros(T, T).masked_fill(~allowed, torch.finfo(torch.float32).min)
    with torch.no_grad():
        logits = model(ids, attention_mask=mask[None, None]).logits[0, :-1]
    logp = torch.log_softmax(logits, dim=-1).gather(1, ids[0, 1:, None])[:, 0]
    print(f"  {name:<28}{math.exp(-logp[budget - 1 :].mean()):.2f}")
# --8<-- [end:streaming]
