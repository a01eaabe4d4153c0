import sys

import torch

sys.path.insert(0, "snippets/llms")
import llms_llm  # SmolLM2-135M-Instruct, loaded once per process

tok, model = llms_llm.load()
text = (
    "The water cycle describes how water moves around the Earth. The sun heats water "
    "in oceans and lakes, and it rises into the air as vapour. High in the sky the "
    "vapour cools and condenses into clouds. When the droplets grow heavy, they fall "
    "as rain or snow, and rivers carry the water back to the sea."
)
x = tok(text, return_tensors="pt")["input_ids"]  # shape (1, T)
T = x.shape[1]


def token_nll(ids):
    """Per-token loss of ids given their own prefix, all positions in one pass."""
    with torch.no_grad():
        logp = model(input_ids=ids).logits.double().log_softmax(-1)
    # Row j predicts token j + 1: the gold prefix is the input (teacher forcing).
    nll = -logp[:, :-1].gather(2, ids[:, 1:, None])[..., 0]
    return nll, logp[:, :-1].argmax(-1)


# 1. Teacher forcing: one forward pass scores all T - 1 next-token predictions.
nll, top1 = token_nll(x)
nll, top1 = nll[0], top1[0]
steps, past = [], None
with torch.no_grad():
    # The same predictions made one token at a time, as generation does (KV cache).
    for t in range(T - 1):
        out = model(input_ids=x[:, t : t + 1], past_key_values=past, use_cache=True)
        past = out.past_key_values
        steps.append(-out.logits[0, -1].double().log_softmax(-1)[x[0, t + 1]])
same = torch.allclose(torch.stack(steps), nll, atol=1e-3)
print(f"{T} tokens: 1 parallel pass = {T - 1} sequential steps: {same}")
acc = (top1 == x[0, 1:]).double().mean()
print(f"teacher-forced: loss {nll.mean():.3f} nats/token, top-1 accuracy {acc:.3f}")

# 2. Free running: greedy from the first k tokens feeds the model its own outputs.
k = 12
with torch.no_grad():
    gen = model.generate(
        x[:, :k],
        attention_mask=torch.ones_like(x[:, :k]),
        max_new_tokens=T - k,
        do_sample=False,
        pad_token_id=tok.eos_token_id,
    )[0, k:]
ref = x[0, k : k + len(gen)]
same_pos = (gen == ref).long()
print(f"prompt: {tok.decode(x[0, :k])!r}")
print(f"reference: {tok.decode(ref[:12])!r}...")
print(f"greedy:    {tok.decode(gen[:12])!r}...")
print(f"greedy tokens equal to the reference: {same_pos.sum()}/{len(gen)}", end="")
print(f", first difference at generated token {int(same_pos.argmin()) + 1}")

# 3. One of the model's own mistakes in the prefix: swap the gold token at a
# position the model gets wrong for its top-1 guess, then re-score the gold tokens
# that follow. Eight such positions, scored in one batched pass.
D = 10
wrong = [t for t in range(4, T - D) if top1[t - 1] != x[0, t]][:8]
batch = x.repeat(len(wrong), 1)
for row, t in enumerate(wrong):
    batch[row, t] = top1[t - 1]
nll_swapped, _ = token_nll(batch)
# excess[i, d - 1]: extra loss on the gold token d positions after the swap
excess = torch.stack(
    [nll_swapped[row, t : t + D] - nll[t : t + D] for row, t in enumerate(wrong)]
).mean(0)
print(f"extra loss on later gold tokens, mean of {len(wrong)} swapped positions:")
print(
    f"  1 after: {excess[0]:+.2f}  2 after: {excess[1]:+.2f}  "
    f"3-5 after: {excess[2:5].mean():+.2f}  6-10 after: {excess[5:10].mean():+.2f}"
)

# 4. A loop in its own output: the first sentence repeated five times in a row.
sentence = tok(" The sun heats water in oceans and lakes.")["input_ids"]
loop = torch.tensor([tok("Notes:")["input_ids"] + sentence * 5])
nll_loop, _ = token_nll(loop)
p = (-nll_loop[0]).exp()
start, n = len(tok("Notes:")["input_ids"]), len(sentence)
copies = [p[start - 1 + i * n : start - 1 + (i + 1) * n].mean() for i in range(5)]
print("mean p(next token) in copy 1..5:", " ".join(f"{c:.3f}" for c in copies))
