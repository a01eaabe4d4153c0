import torch
from transformers import LlamaConfig, LlamaForCausalLM

GiB = 2**30
shapes = {  # published configurations
    "Llama 2 7B": dict(
        hidden_size=4096, num_hidden_layers=32, num_attention_heads=32,
        num_key_value_heads=32, intermediate_size=11008, vocab_size=32000,
    ),
    "Llama 3 8B": dict(
        hidden_size=4096, num_hidden_layers=32, num_attention_heads=32,
        num_key_value_heads=8, intermediate_size=14336, vocab_size=128256,
    ),
    "Llama 2 70B": dict(
        hidden_size=8192, num_hidden_layers=80, num_attention_heads=64,
        num_key_value_heads=8, intermediate_size=28672, vocab_size=32000,
    ),
}  # fmt: skip


def kv_bytes_per_token(c, nbytes=2):  # 2 bytes per value: bf16 / fp16
    head_dim = c["hidden_size"] // c["num_attention_heads"]
    # K and V, in every layer, for every KV head
    return 2 * c["num_hidden_layers"] * c["num_key_value_heads"] * head_dim * nbytes


print("model        params   bf16 weights  int4 weights  KV/token  KV per 4k sequence")
budget = 80 * GiB  # one 80 GB accelerator
fits = {}
for name, c in shapes.items():
    with torch.device("meta"):  # build the model as shapes only: no memory used
        model = LlamaForCausalLM(LlamaConfig(**c, tie_word_embeddings=False))
    n = sum(p.numel() for p in model.parameters())
    kv = kv_bytes_per_token(c)
    print(
        f"{name:12} {n / 1e9:5.2f}B {2 * n / GiB:9.1f} GiB {n / 2 / GiB:9.1f} GiB"
        f" {kv / 2**10:5.0f} KiB {kv * 4096 / GiB:11.2f} GiB"
    )
    fits[name] = int((budget - 2 * n) // (kv * 4096)) if 2 * n < budget else 0
print("4k-token sequences that fit in 80 GiB next to the bf16 weights:")
print(fits)

# The formula against the cache that a real forward pass fills (a tiny random Llama).
tiny = dict(hidden_size=64, num_hidden_layers=3, num_attention_heads=8,
            num_key_value_heads=2, intermediate_size=128, vocab_size=100)  # fmt: skip
model = LlamaForCausalLM(LlamaConfig(**tiny)).to(torch.bfloat16).eval()
with torch.no_grad():
    ids = torch.randint(0, 100, (1, 50))
    cache = model(input_ids=ids, use_cache=True).past_key_values
tensors = [t for layer in cache.layers for t in (layer.keys, layer.values)]
held = sum(t.numel() * t.element_size() for t in tensors)
print(f"tiny model, 50 tokens: cache holds {held} bytes,", end=" ")
print(f"the formula says {50 * kv_bytes_per_token(tiny)}")
