# --8<-- [start:tiny]
import numpy as np
import torch
from transformers import GPT2Config, GPT2LMHeadModel
from transformers.generation.logits_process import (
    TemperatureLogitsWarper,
    TopKLogitsWarper,
    TopPLogitsWarper,
)

n_threads = torch.get_num_threads()
torch.set_num_threads(1)  # as fast for a tiny model, and bit-identical on any machine
torch.manual_seed(0)
# A tiny character-level GPT trained for 300 steps on the shipped story corpus.
with open("data/llms/corpus.txt", encoding="utf-8") as f:
    text = f.read()
chars = sorted(set(text))
stoi = {c: i for i, c in enumerate(chars)}
data = torch.tensor([stoi[c] for c in text])
config = GPT2Config(
    vocab_size=len(chars), n_positions=128, n_embd=64, n_layer=2, n_head=4,
    bos_token_id=None, eos_token_id=None,  # no EOS: every output runs to max_new_tokens
    resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0,
)  # fmt: skip
model = GPT2LMHeadModel(config)
opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
for _ in range(300):
    idx = torch.randint(len(data) - 64, (16,))
    xb = torch.stack([data[i : i + 64] for i in idx])
    loss = model(input_ids=xb, labels=xb).loss
    opt.zero_grad()
    loss.backward()
    opt.step()
model.eval()


def decode(ids):
    return "".join(chars[i] for i in ids)


prompt = torch.tensor([[stoi[c] for c in "tom saw a "]])
N = 40


# --- From scratch: a decoder is a rule for turning next-token logits into a token. ---
@torch.no_grad()
def next_logprobs(ids):
    return torch.log_softmax(model(input_ids=ids).logits[:, -1], dim=-1)


def greedy(ids, n):
    for _ in range(n):
        ids = torch.cat([ids, next_logprobs(ids).argmax(-1, keepdim=True)], dim=1)
    return ids


def beam_search(ids, n, k):
    beams, scores = ids, torch.zeros(1)  # running sequences, summed log-probs
    for _ in range(n):
        cand = scores[:, None] + next_logprobs(beams)  # (beams, vocab) extensions
        top = cand.flatten().topk(k)  # the k best extensions over all beams
        rows, toks = top.indices // cand.shape[1], top.indices % cand.shape[1]
        beams, scores = torch.cat([beams[rows], toks[:, None]], dim=1), top.values
    return beams[:1]


@torch.no_grad()
def logprob(ids):  # log-probability of the generated part
    lp = torch.log_softmax(model(input_ids=ids).logits[0, :-1], -1)
    per_token = lp[torch.arange(ids.shape[1] - 1), ids[0, 1:]]
    return per_token[prompt.shape[1] - 1 :].sum().item()


mine = greedy(prompt, N)
hf = model.generate(prompt, max_new_tokens=N, do_sample=False)
print(f"greedy  = generate(): {torch.equal(mine, hf)}  log p {logprob(mine):7.3f}")
print(f"  {decode(mine[0])!r}")
mine = beam_search(prompt, N, k=4)
hf = model.generate(prompt, max_new_tokens=N, num_beams=4, do_sample=False)
print(f"beam(4) = generate(): {torch.equal(mine, hf)}  log p {logprob(mine):7.3f}")
print(f"  {decode(mine[0])!r}")


# --- Sampling filters in NumPy, checked against transformers' logits warpers. ---
def temperature(logits, t):
    return logits / t


def top_k(logits, k):
    kth = np.sort(logits)[-k]
    return np.where(logits < kth, -np.inf, logits)  # ties with the k-th are kept


def top_p(logits, p):
    """Keep the smallest set of top tokens whose probability reaches p (nucleus)."""
    order = np.argsort(-logits, kind="stable")
    probs = np.exp(logits[order] - logits.max())
    probs /= probs.sum()
    mass_above = np.cumsum(probs) - probs  # mass of the tokens ranked above each one
    keep = np.zeros_like(logits, dtype=bool)
    keep[order] = mass_above < p
    return np.where(keep, logits, -np.inf)


rng = np.random.default_rng(0)
ok = True
for _ in range(100):
    z = rng.normal(0, 3, size=(1, 1000)).astype(np.float32)
    zt = torch.from_numpy(z)
    t, k, p = rng.uniform(0.3, 2.0), int(rng.integers(1, 200)), rng.uniform(0.05, 0.99)
    ref_t = TemperatureLogitsWarper(float(t))(None, zt)[0].numpy()
    ok &= np.allclose(temperature(z[0], t), ref_t)
    ok &= np.array_equal(top_k(z[0], k), TopKLogitsWarper(k)(None, zt)[0].numpy())
    ok &= np.array_equal(top_p(z[0], p), TopPLogitsWarper(p)(None, zt)[0].numpy())
print(f"temperature, top-k, top-p = transformers warpers (100 random cases): {ok}")


# The same filters and the same random draws give the same tokens as generate().
@torch.no_grad()
def sample(ids, n, t, k, p):
    for _ in range(n):
        z = model(input_ids=ids).logits[0, -1].numpy()
        z = top_p(top_k(temperature(z, t), k), p)
        probs = torch.softmax(torch.from_numpy(z), -1)
        ids = torch.cat([ids, torch.multinomial(probs, 1)[None]], dim=1)
    return ids


torch.manual_seed(1)
mine = sample(prompt, N, 0.8, 10, 0.9)
torch.manual_seed(1)
hf = model.generate(
    prompt, max_new_tokens=N, do_sample=True, temperature=0.8, top_k=10, top_p=0.9
)
print(f"sampling T=0.8, k=10, p=0.9 = generate(), same seed: {torch.equal(mine, hf)}")

# Temperature trades quality for diversity: 20 samples of 25 characters at each T.
vocab = set(text.split())
print("temperature  distinct/20  share of words that exist in the corpus")
for t in [0.3, 0.7, 1.0, 1.5, 2.5]:
    torch.manual_seed(0)
    outs = model.generate(
        prompt.repeat(20, 1), max_new_tokens=25, do_sample=True, temperature=t, top_k=0
    )
    texts = [decode(o[prompt.shape[1] :]) for o in outs.tolist()]
    words = [w for s in texts for w in s.split()[:-1]]  # last word may be cut off
    real = np.mean([w in vocab for w in words])
    print(f"{t:11.1f}  {len(set(texts)):11d}  {real:.2f}")
torch.set_num_threads(n_threads)
# --8<-- [end:tiny]

# --8<-- [start:smollm2]
import sys

import torch

sys.path.insert(0, "snippets/llms")
import llms_llm  # SmolLM2-135M-Instruct, loaded once per process

tok, model = llms_llm.load()
ids = llms_llm.chat_ids(
    [{"role": "user", "content": "Write one sentence about the sea."}]
)
# The first answer token's distribution, reshaped by temperature and cut by top-p.
logits = model(input_ids=ids).logits[0, -1].detach().double()
top = torch.topk(logits.softmax(-1), 4)
print("next token:", ", ".join(f"{tok.decode(i)!r} {p:.2f}" for p, i in zip(*top)))
for t in (0.7, 1.0, 1.5):
    p = (logits / t).softmax(-1)
    entropy = -(p * p.clamp_min(1e-30).log()).sum()
    nucleus = int((p.sort(descending=True).values.cumsum(0) < 0.9).sum()) + 1
    print(f"T={t}: entropy {entropy:.2f} nats, top-p 0.9 keeps {nucleus} tokens")

# Whole replies: greedy once, then 3 samples per setting (16 new tokens each).
settings = {
    "greedy": dict(do_sample=False),
    "T=0.7, top-p 0.9": dict(do_sample=True, temperature=0.7, top_p=0.9, top_k=0),
    "T=1.5, no cut-off": dict(do_sample=True, temperature=1.5, top_p=1.0, top_k=0),
}
for name, kwargs in settings.items():
    torch.manual_seed(0)
    n = 1 if name == "greedy" else 3
    replies = llms_llm.generate(ids, 16, num_return_sequences=n, **kwargs)
    print(f"{name}:")
    for r in replies:
        print(f"  {r.strip()!r}")
# --8<-- [end:smollm2]
