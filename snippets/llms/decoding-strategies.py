import numpy as np
import torch
from transformers import GPT2Config, GPT2LMHeadModel
from transformers.generation.logits_process import (
    TemperatureLogitsWarper,
    TopKLogitsWarper,
    TopPLogitsWarper,
)

# A tiny character-level GPT trained for 300 steps on the shipped story corpus.
torch.manual_seed(0)
text = open("data/llms/corpus.txt", encoding="utf-8").read()
chars = sorted(set(text))
stoi = {c: i for i, c in enumerate(chars)}
data = torch.tensor([stoi[c] for c in text])
config = GPT2Config(
    vocab_size=len(chars), n_positions=128, n_embd=64, n_layer=2, n_head=4,
    bos_token_id=None, eos_token_id=None,  # no EOS: every sequence runs to max_new_tokens
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


# --- From scratch: every decoder is a rule for turning next-token logits into a token. ---
@torch.no_grad()
def next_logprobs(ids):
    return torch.log_softmax(model(input_ids=ids).logits[:, -1], dim=-1)


def greedy(ids, n):
    for _ in range(n):
        ids = torch.cat([ids, next_logprobs(ids).argmax(-1, keepdim=True)], dim=1)
    return ids


def beam_search(ids, n, k):
    beams, scores = ids, torch.zeros(1)  # running sequences and their summed log-probabilities
    for _ in range(n):
        cand = scores[:, None] + next_logprobs(beams)  # (beams, vocab): score of every extension
        top = cand.flatten().topk(k)
        rows, toks = top.indices // cand.shape[1], top.indices % cand.shape[1]
        beams, scores = torch.cat([beams[rows], toks[:, None]], dim=1), top.values
    return beams[:1], scores[0]


def seq_logprob(ids):
    lp = torch.log_softmax(model(input_ids=ids).logits[0, :-1], -1)
    return lp[torch.arange(ids.shape[1] - 1), ids[0, 1:]][prompt.shape[1] - 1 :].sum().item()


mine = greedy(prompt, N)
hf = model.generate(prompt, max_new_tokens=N, do_sample=False)
print(f"greedy  same tokens as generate(): {torch.equal(mine, hf)}  logp {seq_logprob(mine):7.3f}")
print(f"  {decode(mine[0])!r}")
mine_b, _ = beam_search(prompt, N, k=4)
hf_b = model.generate(prompt, max_new_tokens=N, num_beams=4, do_sample=False)
print(f"beam(4) same tokens as generate(): {torch.equal(mine_b, hf_b)}  logp {seq_logprob(mine_b):7.3f}")
print(f"  {decode(mine_b[0])!r}")


# --- Sampling filters in NumPy, checked against transformers' logits processors. ---
def temperature(logits, t):
    return logits / t


def top_k(logits, k):
    kth = np.sort(logits)[-k]
    return np.where(logits < kth, -np.inf, logits)  # ties with the k-th value are kept


def top_p(logits, p):
    order = np.argsort(-logits, kind="stable")
    probs = np.exp(logits[order] - logits.max())
    probs /= probs.sum()
    mass_before = np.cumsum(probs) - probs  # probability of the tokens ranked above this one
    keep = np.zeros_like(logits, dtype=bool)
    keep[order] = mass_before < p  # smallest set whose mass reaches p (Holtzman et al.)
    keep[order[0]] = True
    return np.where(keep, logits, -np.inf)


rng = np.random.default_rng(0)
ok = True
for _ in range(100):
    z = rng.normal(0, 3, size=(1, 1000)).astype(np.float32)
    zt = torch.from_numpy(z)
    t, k, p = rng.uniform(0.3, 2.0), int(rng.integers(1, 200)), rng.uniform(0.05, 0.99)
    ok &= np.allclose(temperature(z[0], t), TemperatureLogitsWarper(float(t))(None, zt)[0].numpy())
    ok &= np.array_equal(top_k(z[0], k), TopKLogitsWarper(k)(None, zt)[0].numpy())
    ok &= np.array_equal(top_p(z[0], p), TopPLogitsWarper(p)(None, zt)[0].numpy())
print(f"NumPy temperature/top-k/top-p equal the transformers warpers on 100 random cases: {ok}")


# Same filters + the same RNG calls => the same samples as generate(do_sample=True).
@torch.no_grad()
def sample(ids, n, t, k, p):
    for _ in range(n):
        z = model(input_ids=ids).logits[0, -1].numpy()
        z = top_p(top_k(temperature(z, t), k), p)
        probs = torch.softmax(torch.from_numpy(z), -1)
        ids = torch.cat([ids, torch.multinomial(probs, 1)[None]], dim=1)
    return ids


torch.manual_seed(1)
mine_s = sample(prompt, N, 0.8, 10, 0.9)
torch.manual_seed(1)
hf_s = model.generate(prompt, max_new_tokens=N, do_sample=True, temperature=0.8, top_k=10, top_p=0.9)
print(f"sampling (T=0.8, k=10, p=0.9) same tokens as generate() with the same seed: {torch.equal(mine_s, hf_s)}")

# Temperature trades diversity for quality: 20 samples each, count distinct texts and real words.
vocab = set(text.split())
print("temperature  distinct/20  words in corpus vocabulary")
for t in [0.3, 0.7, 1.0, 1.5, 2.5]:
    torch.manual_seed(0)
    outs = model.generate(prompt.repeat(20, 1), max_new_tokens=25, do_sample=True, temperature=t, top_k=0)
    texts = [decode(o[prompt.shape[1] :]) for o in outs.tolist()]
    words = [w for s in texts for w in s.split()[:-1]]  # drop the last, possibly cut, word
    valid = np.mean([w in vocab for w in words])
    print(f"{t:11.1f}  {len(set(texts)):11d}  {valid:.2f}")
