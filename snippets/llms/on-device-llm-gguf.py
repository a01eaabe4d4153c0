import sys
from collections import defaultdict

import gguf
import numpy as np
import torch
from gguf import GGML_QUANT_SIZES, GGMLQuantizationType, quants

sys.path.insert(0, "snippets/llms")
import llms_llm  # noqa: E402  SmolLM2-135M-Instruct, loaded once per process

Q = GGMLQuantizationType


def bits_per_weight(qtype):
    block, nbytes = GGML_QUANT_SIZES[qtype]
    return 8 * nbytes / block


# (1) What the file holds: metadata, tokenizer and tensors, read without a model.
path = llms_llm.FOLDER / llms_llm.GGUF
reader = gguf.GGUFReader(path)
meta = {k: f.contents() for k, f in reader.fields.items() if len(f.data) == 1}
arch = meta["general.architecture"]
n_layers, width = meta[f"{arch}.block_count"], meta[f"{arch}.embedding_length"]
n_heads = meta[f"{arch}.attention.head_count"]
n_kv_heads = meta[f"{arch}.attention.head_count_kv"]
context = meta[f"{arch}.context_length"]
print(
    f"GGUF v{meta['GGUF.version']}, {arch}, {n_layers} layers, width {width}, "
    f"{n_heads} query / {n_kv_heads} KV heads, context {context}"
)
print(
    f"{meta['GGUF.kv_count']} metadata keys; tokenizer inside: "
    f"{len(reader.fields['tokenizer.ggml.tokens'].data)} tokens, "
    f"{len(reader.fields['tokenizer.ggml.merges'].data)} merges, chat template "
    f"{'tokenizer.chat_template' in reader.fields}"
)
count, weights, nbytes = defaultdict(int), defaultdict(int), defaultdict(int)
for t in reader.tensors:
    count[t.tensor_type.name] += 1
    weights[t.tensor_type.name] += int(t.n_elements)
    nbytes[t.tensor_type.name] += int(t.n_bytes)
print("tensor type  tensors  weights (M)  MB     bits/weight")
for name in count:
    print(
        f"{name:<11}  {count[name]:>7}  {weights[name] / 1e6:>11.2f}  "
        f"{nbytes[name] / 1e6:>5.1f}  {8 * nbytes[name] / weights[name]:>11.2f}"
    )
n_params = sum(weights.values())
print(
    f"file {path.stat().st_size / 1e6:.1f} MB; the same {n_params / 1e6:.1f}M weights "
    f"take {2 * n_params / 1e6:.1f} MB in fp16, {4 * n_params / 1e6:.1f} MB in fp32"
)
# K and V, per layer and KV head, head_dim values each, 2 bytes per value
kv_bytes = 2 * n_layers * n_kv_heads * (width // n_heads) * 2
print(
    f"fp16 KV cache: {kv_bytes} bytes per token, {kv_bytes * context / 1e6:.1f} MB "
    f"at the full {context}-token context"
)

# (2) transformers de-quantises the file to float32 on load. Its linear layers hold the
# Q4_1 values (q and k rows are reordered to undo llama.cpp's RoPE layout, which does
# not change any block of 32 along a row).
tok, model = llms_llm.load()
linears = {}
for i, layer in enumerate(model.model.layers):
    for short, module in [
        ("attn_q", layer.self_attn.q_proj),
        ("attn_k", layer.self_attn.k_proj),
        ("attn_v", layer.self_attn.v_proj),
        ("attn_output", layer.self_attn.o_proj),
        ("ffn_gate", layer.mlp.gate_proj),
        ("ffn_up", layer.mlp.up_proj),
        ("ffn_down", layer.mlp.down_proj),
    ]:
        linears[f"blk.{i}.{short}.weight"] = module
same = all(
    np.array_equal(
        quants.dequantize(t.data, t.tensor_type),
        linears[t.name].weight.detach().numpy(),
    )
    for t in reader.tensors
    if t.name in linears and not t.name.endswith(("attn_q.weight", "attn_k.weight"))
)
print(f"transformers' v, o and MLP weights = the file's Q4_1 values: {same}")
original = {name: m.weight.detach().clone() for name, m in linears.items()}
can_quantise = []
for qtype in GGML_QUANT_SIZES:
    try:
        quants.quantize(np.zeros((1, 256), np.float32), qtype)
        can_quantise.append(qtype.name)
    except NotImplementedError:
        pass
print("gguf.quants can quantise:", " ".join(can_quantise))
n_k_ready = sum(m.weight.shape[1] % 256 == 0 for m in linears.values())
print(f"linear layers with rows a multiple of 256 (k-quant super-blocks): {n_k_ready}")


# (3) Q6_K written from scratch (gguf only decodes it): super-blocks of 256 weights,
# 16 sub-blocks of 16 weights with an int8 scale each, and one fp16 scale of scales.
def q6_k_round_trip(w):
    sub = w.reshape(-1, 16, 16)
    extreme = np.take_along_axis(sub, np.abs(sub).argmax(-1)[..., None], -1)[..., 0]
    scale = extreme / -32
    top = np.take_along_axis(scale, np.abs(scale).argmax(-1)[:, None], -1)
    d = (top / -128).astype(np.float16)
    d32 = d.astype(np.float32)
    with np.errstate(divide="ignore", invalid="ignore"):
        sc = np.where(d32 == 0, 0, np.round(scale / d32)).clip(-128, 127)
        step = (d32 * sc)[..., None]
        q = np.where(step == 0, 0, np.round(sub / step)).clip(-32, 31)
    values = (step * q).reshape(w.shape)
    q = (q + 32).astype(np.uint8).reshape(-1, 256)
    low = (q & 15).reshape(-1, 2, 2, 64)
    high = (q >> 4).reshape(-1, 2, 4, 32)
    ql = (low[:, :, 0] | low[:, :, 1] << 4).reshape(-1, 128)
    qh = high[:, :, 0] | high[:, :, 1] << 2 | high[:, :, 2] << 4 | high[:, :, 3] << 6
    scales = sc.astype(np.int8).view(np.uint8)
    packed = np.concatenate([ql, qh.reshape(-1, 64), scales, d.view(np.uint8)], axis=1)
    return packed.reshape(w.shape[0], -1), values


packed, values = q6_k_round_trip(original["blk.0.ffn_down.weight"].numpy())
decoded = quants.dequantize(packed, Q.Q6_K)
print(
    f"own Q6_K bytes decoded by gguf's Q6_K reader: {np.array_equal(decoded, values)}"
)

# (4) Re-quantise the 210 linear layers, swap them into the model, and compare it with
# the unmodified one on a fixed text (perplexity, KL divergence, same top-1 token) and
# on a free-running greedy reply.
TEXT = (
    "Photosynthesis is the process by which green plants use sunlight to make their "
    "own food. Inside the leaves, a green pigment called chlorophyll absorbs light "
    "energy. The plant takes in carbon dioxide from the air through tiny pores called "
    "stomata, and water from the soil through its roots. Using the energy of light, it "
    "turns the carbon dioxide and water into glucose, a simple sugar, and releases "
    "oxygen as a by-product. The glucose is used for energy and growth, or stored as "
    "starch. Almost all life on Earth depends on photosynthesis, because it provides "
    "the oxygen we breathe and the food at the base of nearly every food chain."
)
text_ids = tok(TEXT, return_tensors="pt").input_ids
prompt = llms_llm.chat_ids([{"role": "user", "content": "Why is the sky blue?"}])
N_REPLY = 16


def evaluate():
    with torch.no_grad():
        logits = model(input_ids=text_ids).logits[0, :-1]
        reply = model.generate(
            prompt,
            attention_mask=torch.ones_like(prompt),
            max_new_tokens=N_REPLY,
            do_sample=False,
            pad_token_id=tok.eos_token_id,
        )[0, prompt.shape[1] :]
    return torch.log_softmax(logits.double(), -1), reply


def swap_in(round_trip):
    """Round-trip every linear layer; return the relative error, all and ffn_down."""
    sums = defaultdict(float)
    for name, module in linears.items():
        w = original[name].numpy()
        new = round_trip(w)
        part = "ffn_down" if "ffn_down" in name else "other"
        sums[part, "error"] += float(np.square(new - w, dtype=np.float64).sum())
        sums[part, "norm"] += float(np.square(w, dtype=np.float64).sum())
        module.weight.data = torch.from_numpy(new)
    total = sum(sums[p, "error"] for p in ["ffn_down", "other"])
    norm = sum(sums[p, "norm"] for p in ["ffn_down", "other"])
    down = sums["ffn_down", "error"] / sums["ffn_down", "norm"]
    return (total / norm) ** 0.5, down**0.5


def gguf_round_trip(qtype):
    return lambda w: quants.dequantize(quants.quantize(w, qtype), qtype)


def perplexity(logp):
    return float(torch.exp(-logp.gather(1, text_ids[0, 1:, None]).mean()))


print(f"{text_ids.shape[1]}-token text; errors are relative to the file's Q4_1 values,")
print("not to the original bf16 weights (which this package does not ship)")
print(
    "format       bits/w  error   ffn_down  perplexity  KL (nats)  same top-1  greedy"
)
ref_logp, ref_reply = evaluate()
print(
    f"Q4_1 (file)  {5.0:>6.2f}  {0.0:>6.4f}  {0.0:>8.4f}  "
    f"{perplexity(ref_logp):>10.3f}  {0.0:>9.4f}  {1.0:>10.3f}  {N_REPLY} of {N_REPLY}"
)
try:
    for qtype in [Q.Q8_0, Q.Q5_0, Q.Q4_0]:
        error, down_error = swap_in(gguf_round_trip(qtype))
        logp, reply = evaluate()
        kl = (ref_logp.exp() * (ref_logp - logp)).sum(-1).mean()
        same_top1 = (logp.argmax(-1) == ref_logp.argmax(-1)).double().mean()
        n = min(len(reply), len(ref_reply))
        differ = (reply[:n] != ref_reply[:n]).nonzero()
        same_reply = int(differ[0, 0]) if len(differ) else n
        print(
            f"{qtype.name:<11}  {bits_per_weight(qtype):>6.2f}  {error:>6.4f}  "
            f"{down_error:>8.4f}  {perplexity(logp):>10.3f}  {kl:>9.4f}  "
            f"{same_top1:>10.3f}  {same_reply} of {N_REPLY}"
        )
    swap_in(gguf_round_trip(Q.Q4_1))
    same = all(torch.equal(m.weight, original[n]) for n, m in linears.items())
    print(f"Q4_1 re-quantised to Q4_1 gives back the file's weights exactly: {same}")
finally:
    for name, module in linears.items():
        module.weight.data = original[name]
squared_error = squared_norm = 0.0
for name, w in original.items():
    if "ffn_down" in name:
        w = w.numpy()
        squared_error += np.square(q6_k_round_trip(w)[1] - w, dtype=np.float64).sum()
        squared_norm += np.square(w, dtype=np.float64).sum()
print(
    f"Q6_K (own code, ffn_down only)  {bits_per_weight(Q.Q6_K):.2f} bits/w, "
    f"ffn_down error {np.sqrt(squared_error / squared_norm):.4f}"
)

# (5) Arithmetic, not measurement: weight memory, and the decode ceiling when every
# token reads every weight once (tokens/s <= bandwidth / weight bytes; no KV cache).
print("arithmetic: params  format  bits/w  weights GB  tokens/s <= 100 GB/s  50 GB/s")
for params in [1e9, 8e9, 70e9]:
    for qtype in [Q.F16, Q.Q8_0, Q.Q4_K]:
        gb = params * bits_per_weight(qtype) / 8 / 1e9
        print(
            f"{params / 1e9:>17.0f}B  {qtype.name:<6}  {bits_per_weight(qtype):>6.2f}  "
            f"{gb:>10.1f}  {100 / gb:>20.1f}  {50 / gb:>7.1f}"
        )
