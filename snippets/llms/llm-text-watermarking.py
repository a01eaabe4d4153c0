import sys

import numpy as np
import torch
from transformers import (
    LogitsProcessor,
    LogitsProcessorList,
    WatermarkDetector,
    WatermarkingConfig,
)

sys.path.insert(0, "snippets/llms")
from llms_llm import chat_ids, load  # noqa: E402  SmolLM2-135M-Instruct, loaded once

tok, model = load()
V = model.config.vocab_size
N_NEW, N_MARKED = 32, 4
# Kirchenbauer et al.: a share gamma = 0.25 of the vocabulary is green, delta = 2 is
# added to the green logits, and the green list is seeded by the previous token
config = WatermarkingConfig(greenlist_ratio=0.25, bias=2.0, seeding_scheme="lefthash")
GAMMA, DELTA, KEY = config.greenlist_ratio, config.bias, config.hashing_key


class FirstRows(LogitsProcessor):
    """Apply a logits processor to the first k rows of the batch only, so that
    watermarked and plain samples come out of one generate() call."""

    def __init__(self, processor, k):
        self.processor, self.k = processor, k

    def __call__(self, input_ids, scores):
        scores = scores.clone()
        scores[: self.k] = self.processor(input_ids[: self.k], scores[: self.k])
        return scores


prompt = chat_ids([{"role": "user", "content": "Write a story about a lighthouse."}])
batch = prompt.repeat(2 * N_MARKED, 1)
watermark = FirstRows(config.construct_processor(V, "cpu"), N_MARKED)
torch.manual_seed(0)
with torch.no_grad():
    # all rows share the prompt: run it through the model once and copy its KV cache
    cache = model(prompt[:, :-1], use_cache=True).past_key_values
    cache.batch_repeat_interleave(len(batch))
    out = model.generate(
        batch,
        attention_mask=torch.ones_like(batch),
        past_key_values=cache,
        do_sample=True,
        top_k=0,
        top_p=1.0,
        temperature=1.0,
        min_new_tokens=N_NEW,
        max_new_tokens=N_NEW,
        logits_processor=LogitsProcessorList([watermark]),
        output_logits=True,
        return_dict_in_generate=True,
        pad_token_id=tok.eos_token_id,
    )
# Keep the last prompt token: it seeds the green list of the first new token.
texts = out.sequences[:, prompt.shape[1] - 1 :]
marked = np.arange(2 * N_MARKED) < N_MARKED

detector = WatermarkDetector(model.config, "cpu", config)
found = detector(texts, z_threshold=4.0, return_dict=True)
print("text        tokens  green share  z-score  detected (z > 4)")
for i in range(2 * N_MARKED):
    kind = "watermarked" if marked[i] else "plain"
    print(
        f"{kind:11} {found.num_tokens_scored[i]:6.0f} {found.green_fraction[i]:12.2f}"
        f" {found.z_score[i]:8.2f}  {found.prediction[i]}"
    )


# The same test by hand: rebuild the green list that each previous token seeds.
def green_list(prev):
    rng = torch.Generator().manual_seed(KEY * prev % (2**64 - 1))
    mask = np.zeros(V, dtype=bool)
    mask[torch.randperm(V, generator=rng)[: int(V * GAMMA)].numpy()] = True
    return mask


def z_test(n_green, n_tokens):
    # one-proportion z-test of H0: each token is green with probability gamma
    return (n_green - GAMMA * n_tokens) / np.sqrt(n_tokens * GAMMA * (1 - GAMMA))


lists = {t: green_list(t) for t in np.unique(texts.numpy()).tolist()}


def green_tokens(rows):
    return np.array([[lists[p][t] for p, t in zip(r[:-1], r[1:])] for r in rows])


green = green_tokens(texts.numpy())
by_hand = z_test(green.sum(axis=1), green.shape[1])
print(f"z-test by hand = WatermarkDetector: {np.allclose(by_hand, found.z_score)}")
for name, rows in [("watermarked", marked), ("plain", ~marked)]:
    z = z_test(green[rows].sum(), green[rows].size)
    print(f"{N_MARKED} {name} texts as one {green[rows].size}-token text: z = {z:.2f}")

# Where the bias can act: at each step of the watermarked texts, G = the model's own
# probability that the next token is green, and the same after adding delta.
logits = torch.stack(out.logits, dim=1)[:N_MARKED].double()
logp = torch.log_softmax(logits, dim=-1).numpy()
probs = np.exp(logp)
entropy = -(probs * logp).sum(axis=-1)
masks = np.array([[lists[p] for p in row] for row in texts[marked, :-1].tolist()])
G = np.where(masks, probs, 0).sum(axis=-1)
G_biased = np.exp(DELTA) * G / (np.exp(DELTA) * G + 1 - G)
for name, steps in [("< 1 nat", entropy < 1), (">= 1 nat", entropy >= 1)]:
    print(
        f"steps with entropy {name:8}: {steps.sum():3d}, P(green) {G[steps].mean():.2f}"
        f" without the bias, {G_biased[steps].mean():.2f} with it"
    )
# The price: expected log p(token) under the model itself, sampling with and without
# the bias at the same steps; the gap is the watermark's cost in nats per token.
biased = probs * np.exp(DELTA * masks)
biased /= biased.sum(axis=-1, keepdims=True)
cost = ((probs - biased) * logp).sum(axis=-1).mean()
print(f"cost of the bias: {cost:.2f} nats per token, perplexity x {np.exp(cost):.2f}")

# Attack: overwrite a share of the generated tokens with tokens drawn at random from
# the texts (a crude edit), then rescore the watermarked texts as one.
rng = np.random.default_rng(0)
pool = texts[:, 1:].numpy().ravel()
print("tokens replaced  pooled z (mean of 20 edits)  edits still detected (z > 4)")
for share in [0.0, 0.1, 0.3, 0.5]:
    zs = []
    for _ in range(20):
        edited = texts[marked].numpy().copy()
        for row in edited:
            where = rng.choice(N_NEW, round(share * N_NEW), replace=False) + 1
            row[where] = rng.choice(pool, len(where))
        g = green_tokens(edited)
        zs.append(z_test(g.sum(), g.size))
    print(f"{share:15.0%} {np.mean(zs):28.2f} {np.mean(np.array(zs) > 4):29.2f}")
