import sys

import torch
from safetensors.torch import save
from sklearn.datasets import load_iris
from transformers import LlamaConfig, LlamaForCausalLM

sys.path.insert(0, "snippets/transformers")
import transformers_llm  # SmolLM2-135M-Instruct, loaded once per process

tok, model = transformers_llm.load()
E = model.get_input_embeddings().weight  # (V, d): the token embedding table
W = model.get_output_embeddings().weight  # the LM head's weight
print(f"config.tie_word_embeddings = {model.config.tie_word_embeddings}")
print(f"lm_head.weight is embed_tokens.weight: {W is E}")
print(f"same memory (data_ptr): {W.data_ptr() == E.data_ptr()}")

# logits = h E^T: the head is the embedding table, transposed
ids = tok(load_iris().DESCR[:400], return_tensors="pt").input_ids
with torch.no_grad():
    h = model.model(ids).last_hidden_state  # after the final RMSNorm
    logits = model(ids).logits
print(f"logits equal h @ E.T: {torch.allclose(logits, h @ E.T, atol=1e-4)}")

# What the shared matrix costs, here and in two published shapes (meta: no memory)
shapes = {
    "Llama-3.2-1B": dict(
        hidden_size=2048, intermediate_size=8192, num_hidden_layers=16,
        num_attention_heads=32, num_key_value_heads=8, vocab_size=128256,
        tie_word_embeddings=True,
    ),
    "Llama-3-8B": dict(
        hidden_size=4096, intermediate_size=14336, num_hidden_layers=32,
        num_attention_heads=32, num_key_value_heads=8, vocab_size=128256,
        tie_word_embeddings=False,
    ),
}  # fmt: skip
models = {"SmolLM2-135M": model}
with torch.device("meta"):
    for name, cfg in shapes.items():
        models[name] = LlamaForCausalLM(LlamaConfig(**cfg))
print(f"{'model':<14}{'tied':>6}{'V x d':>14}{'params':>16}{'V x d share':>13}")
for name, m in models.items():
    V, d = m.get_input_embeddings().weight.shape
    total = sum(p.numel() for p in m.parameters())  # a shared tensor counts once
    tied = m.config.tie_word_embeddings
    print(f"{name:<14}{tied!s:>6}{V * d:>14,}{total:>16,}{V * d / total:>13.1%}")

# One loss, two ways: which rows of the input table receive a gradient?
V = E.shape[0]
loss = model(ids, labels=ids).loss
(g_tied,) = torch.autograd.grad(loss, [E])
# the last token predicts nothing, so only the others feed the loss
n_in = ids[0, :-1].unique().numel()
rows = int((g_tied.abs().sum(1) > 0).sum())
print(f"vocabulary {V:,}; distinct tokens read by the loss {n_in}")
print(f"tied:   rows of E with a gradient {rows:,}")

model.lm_head.weight = torch.nn.Parameter(E.detach().clone())  # untie by hand
loss = model(ids, labels=ids).loss
g_in, g_out = torch.autograd.grad(loss, [E, model.lm_head.weight])
rows_in = int((g_in.abs().sum(1) > 0).sum())
rows_out = int((g_out.abs().sum(1) > 0).sum())
print(f"untied: rows of E with a gradient {rows_in:,}, of the head {rows_out:,}")

# The config still says tie_word_embeddings=True, so tie_weights() re-ties
model.tie_weights()
print(f"after model.tie_weights(): tied again {model.lm_head.weight is E}")

# A token's input vector is also its output vector: skip every layer and the head
# often picks the input token itself; the trained layers move h away from it
with torch.no_grad():
    lens = model.model.norm(E[ids[0]]) @ E.T
self_top = (lens.argmax(-1) == ids[0]).float().mean()
model_top = (logits[0].argmax(-1) == ids[0]).float().mean()
print(
    f"top-1 is the input token: embedding only {self_top:.0%}, full model "
    f"{model_top:.0%}"
)

# safetensors refuses aliased tensors (save_pretrained drops lm_head.weight first)
try:
    save({"embed_tokens": E.detach(), "lm_head": W.detach()})
except RuntimeError as err:
    print(f"safetensors.torch.save of both names refused: {'share memory' in str(err)}")
