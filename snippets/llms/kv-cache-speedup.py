import statistics
import sys
import time

import torch
from transformers import GPT2Config, GPT2LMHeadModel

n_threads = torch.get_num_threads()
torch.set_num_threads(1)  # the same conditions on any machine
torch.manual_seed(0)
# Untrained weights will do: the cost of a forward pass does not depend on them.
config = GPT2Config(
    vocab_size=1000, n_positions=512, n_embd=128, n_layer=4, n_head=4,
    bos_token_id=None, eos_token_id=None,
)  # fmt: skip
model = GPT2LMHeadModel(config).eval()
P, N = 32, 160  # prompt length, new tokens
prompt = torch.randint(0, 1000, (1, P))


def run(use_cache):
    t0 = time.process_time()  # CPU time: robust to other load on the machine
    out = model.generate(
        prompt, max_new_tokens=N, min_new_tokens=N, do_sample=False,
        use_cache=use_cache, pad_token_id=0,
    )  # fmt: skip
    return time.process_time() - t0, out


run(True)  # warm-up
times, outs = {}, {}
for use_cache in (True, False):
    results = [run(use_cache) for _ in range(3)]
    times[use_cache] = statistics.median(t for t, _ in results)  # median of 3
    outs[use_cache] = results[0][1]
ratio = times[False] / times[True]
print(f"measured speed-up {ratio:.1f}x", file=sys.stderr)  # varies: stderr only

same = torch.equal(outs[True], outs[False])
print(f"same {N} tokens with and without the cache: {same}")
with_cache = P + (N - 1)  # the prompt once, then one new position per step
without = sum(P + i for i in range(N))  # the whole prefix again at every step
print(f"positions through the model: {with_cache} with cache, {without} without")
print(f"KV cache at least 1.5x faster for {N} new tokens: {ratio >= 1.5}")
torch.set_num_threads(n_threads)
