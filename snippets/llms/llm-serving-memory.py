import torch

from transformers import LlamaConfig, LlamaForCausalLM

GiB = 2**30
shapes = {  # published configs (hidden, layers, heads, KV heads, FFN, vocab)
    "Llama 2 7B": dict(hidden_size=4096, num_hidden_layers=32, num_attention_heads=32, num_key_value_heads=32,
                       intermediate_size=11008, vocab_size=32000),
    "Llama 3 8B": dict(hidden_size=4096, num_hidden_layers=32, num_attention_heads=32, num_key_value_heads=8,
                       intermediate_size=14336, vocab_size=128256),
    "Llama 2 70B": dict(hidden_size=8192, num_hidden_layers=80, num_attention_heads=64, num_key_value_heads=8,
                        intermediate_size=28672, vocab_size=32000),
}  # fmt: skip


def kv_bytes_per_token(c, bytes_per_value=2):
    head_dim = c["hidden_size"] // c["num_attention_heads"]
    return (
        2
        * c["num_hidden_layers"]
        * c["num_key_value_heads"]
        * head_dim
        * bytes_per_value
    )  # K and V


print(
    f"{'model':12} {'params':>7} {'bf16':>7} {'int4':>7} {'KV/token':>9} {'KV @4k ctx':>10} {'4k seqs in 80 GB':>16}"
)
for name, c in shapes.items():
    with torch.device("meta"):  # count parameters without allocating them
        n = sum(
            p.numel()
            for p in LlamaForCausalLM(
                LlamaConfig(**c, tie_word_embeddings=False)
            ).parameters()
        )
    weights16, weights4 = 2 * n, 0.5 * n
    kv = kv_bytes_per_token(c)
    seqs = int((80e9 - weights16) // (kv * 4096)) if weights16 < 80e9 else 0
    print(f"{name:12} {n / 1e9:6.2f}B {weights16 / GiB:5.1f}GiB {weights4 / GiB:5.1f}GiB "
          f"{kv / 2**10:6.0f}KiB {kv * 4096 / GiB:8.2f}GiB {seqs:16d}")  # fmt: skip

# Check the KV formula against the cache a real forward pass allocates (tiny random Llama).
tiny = dict(hidden_size=64, num_hidden_layers=3, num_attention_heads=8, num_key_value_heads=2,
            intermediate_size=128, vocab_size=100)  # fmt: skip
model = LlamaForCausalLM(LlamaConfig(**tiny)).to(torch.bfloat16).eval()
with torch.no_grad():
    cache = model(
        input_ids=torch.randint(0, 100, (1, 50)), use_cache=True
    ).past_key_values
allocated = sum(
    t.numel() * t.element_size()
    for layer in cache.layers
    for t in (layer.keys, layer.values)
)
print(
    f"tiny model, 50 tokens: cache holds {allocated} bytes, formula {50 * kv_bytes_per_token(tiny)}"
)
