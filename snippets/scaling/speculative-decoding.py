# --8<-- [start:greedy]
import sys

import torch

sys.path.insert(0, "snippets/scaling")
from tiny_lms import corpus, draft, encode, target  # noqa: E402

big, small = target(), draft()  # 2 layers x 64 wide, and 1 layer x 32 wide
text, _ = corpus()


@torch.no_grad()
def draft_model(ids: list[int], k: int) -> list[int]:
    """Propose k tokens greedily with the small model."""
    out = list(ids)
    for _ in range(k):
        out.append(int(small(torch.tensor([out])).logits[0, -1].argmax()))
    return out[len(ids) :]


def draft_ngram(ids: list[int], k: int, n: int = 3) -> list[int]:
    """Prompt lookup: copy what followed an earlier occurrence of the last n tokens."""
    tail = ids[-n:]
    for start in range(len(ids) - n - 1, -1, -1):
        if ids[start : start + n] == tail:
            return ids[start + n : start + n + k]
    return []


@torch.no_grad()
def speculative(prompt: list[int], n_new: int, k: int, propose) -> dict:
    """Greedy speculative decoding: the output is exactly the target's greedy output."""
    ids, calls, accepted, rejected = list(prompt), 0, 0, 0
    while len(ids) - len(prompt) < n_new:
        guess = propose(ids, k)
        logits = big(torch.tensor([ids + guess])).logits[0]  # ONE target call
        calls += 1
        best = (
            logits[len(ids) - 1 :].argmax(-1).tolist()
        )  # target's choice at each slot
        n_ok = 0
        while n_ok < len(guess) and guess[n_ok] == best[n_ok]:
            n_ok += 1
        accepted += n_ok
        rejected += n_ok < len(guess)  # a draft token was rejected (else all k kept)
        ids += guess[:n_ok] + [
            best[n_ok]
        ]  # accepted tokens + one token from the target
    return {"ids": ids[: len(prompt) + n_new], "calls": calls,
            "alpha": accepted / max(accepted + rejected, 1)}  # fmt: skip


prompts = [encode(text[i : i + 20]) for i in range(0, 12000, 2000)]  # 6 prompts
N = 40  # new tokens per prompt
reference = [
    big.generate(torch.tensor([p]), max_new_tokens=N, do_sample=False)[0].tolist()
    for p in prompts
]
c = sum(t.numel() for t in small.parameters()) / sum(
    t.numel() for t in big.parameters()
)
print(f"draft/target parameters c = {c:.3f}")
print(
    " k  alpha  tokens/target call  (1-a^(k+1))/(1-a)  == greedy  speed-up if cost ~ c"
)
for k in [1, 2, 4, 8]:
    runs = [speculative(p, N, k, draft_model) for p in prompts]
    alpha = sum(r["alpha"] for r in runs) / len(runs)
    per_call = N * len(runs) / sum(r["calls"] for r in runs)
    expected = (1 - alpha ** (k + 1)) / (1 - alpha)
    same = all(r["ids"] == ref for r, ref in zip(runs, reference))
    print(f"{k:2d} {alpha:6.2f} {per_call:19.2f} {expected:18.2f}  {str(same):8s}"
          f" {per_call / (k * c + 1):20.2f}")  # fmt: skip

runs = [speculative(p, N, 4, draft_ngram) for p in prompts]
same = all(r["ids"] == ref for r, ref in zip(runs, reference))
per_call = N * len(runs) / sum(r["calls"] for r in runs)
print(f"n-gram drafts from the context (k=4): {per_call:.2f} tokens/target call, "
      f"== greedy: {same}")  # fmt: skip
# --8<-- [end:greedy]

# --8<-- [start:sampling]
import sys  # noqa: E402

import torch  # noqa: E402

sys.path.insert(0, "snippets/scaling")
from tiny_lms import corpus, draft, encode, target  # noqa: E402

# The rejection rule keeps the target distribution exactly, for sampling too:
# draw x ~ q (draft); keep it with probability min(1, p(x)/q(x)); else draw from
# max(0, p - q), renormalised. Checked here on the two models' real next-token
# distributions after one prompt, with 200,000 draws.
ids = torch.tensor([encode(corpus()[0][:30])])
with torch.no_grad():
    p = torch.softmax(target()(ids).logits[0, -1] / 1.5, -1)  # temperature 1.5
    q = torch.softmax(draft()(ids).logits[0, -1] / 1.5, -1)
g = torch.Generator().manual_seed(0)
n = 200_000
x = torch.multinomial(q, n, replacement=True, generator=g)
keep = torch.rand(n, generator=g) < (p[x] / q[x]).clamp(max=1)
residual = (p - q).clamp(min=0)
fallback = torch.multinomial(
    residual / residual.sum(), n, replacement=True, generator=g
)
out = torch.where(keep, x, fallback)
empirical = torch.bincount(out, minlength=len(p)).float() / n
tv = lambda a, b: 0.5 * (a - b).abs().sum().item()  # noqa: E731
overlap = torch.minimum(p, q).sum()
rate = keep.float().mean()
print(f"acceptance rate {rate:.3f}, expected sum(min(p, q)) = {overlap:.3f}")
print(f"total variation to the target: speculative samples {tv(empirical, p):.4f}, "
      f"draft alone {tv(q, p):.4f}")  # fmt: skip
# --8<-- [end:sampling]
