# --8<-- [start:count]
import torch
from torch.utils.flop_counter import FlopCounterMode
from transformers import GPT2Config, GPT2LMHeadModel

torch.manual_seed(0)
L, d, vocab, s, batch = 4, 256, 1000, 512, 2
config = GPT2Config(
    n_layer=L, n_embd=d, n_head=4, vocab_size=vocab, n_positions=s,
    bos_token_id=None, eos_token_id=None,
    attn_implementation="eager",  # attention as explicit matmuls, so they are counted
)  # fmt: skip
model = GPT2LMHeadModel(config)
ids = torch.randint(vocab, (batch, s))
with FlopCounterMode(display=False) as counter:
    model(input_ids=ids, labels=ids).loss.backward()
counted = counter.get_total_flops()

# Every weight in a matmul costs 2 FLOPs per token forward and 4 backward: 6N per token.
# Attention scores (Q K^T) and the weighted sum (P V): 2 * 2 * s * d per token per layer
# forward, times 3 with the backward.
n_matmul = L * 12 * d * d + vocab * d  # 4d^2 attention + 8d^2 MLP per layer, LM head
tokens = batch * s
formula = 6 * n_matmul * tokens + 12 * L * s * d * tokens
print(f"FLOPs counted by FlopCounterMode: {counted:,}")
print(f"6 N T + 12 L s d T:               {formula:,}  (ratio {counted / formula:.3f})")
# --8<-- [end:count]

# --8<-- [start:time]
# Derived, not measured: training time = 6 N D / (GPUs x peak x MFU); H100 bf16 dense.
PEAK = 989e12
print("model  tokens  GPUs   MFU  attention share at 8k context   days")
for name, n, layers, width, tokens, gpus in [
    ("8B", 8.0e9, 32, 4096, 15e12, 1024),
    ("70B", 70e9, 80, 8192, 15e12, 4096),
    ("405B", 405e9, 126, 16384, 15.6e12, 16384),
]:
    attention = 12 * layers * 8192 * width  # per token, full (non-causal) count
    flops = (6 * n + attention) * tokens
    days = flops / (gpus * PEAK * 0.40) / 86400
    share = attention / (6 * n + attention)
    print(f"{name:5s} {tokens / 1e12:5.1f}T {gpus:6d}  0.40 {share:29.3f} {days:7.0f}")
# --8<-- [end:time]
