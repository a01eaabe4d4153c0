import numpy as np
from sklearn.datasets import load_digits
from sklearn.neighbors import KNeighborsClassifier

rng = np.random.default_rng(0)
digits = load_digits()
images, labels = digits.images / 16, digits.target
order = rng.permutation(len(labels))
train, pool = order[:900], order[900:]  # recogniser's images; glyphs for the lines
INK = 0.3  # a pixel is ink above this value
N_CHARS = 6  # every field is a 6-digit number


def crop(glyph):
    """The glyph's ink columns (the digits images have blank margins)."""
    cols = np.flatnonzero((glyph > INK).any(0))
    return glyph[:, cols[0] : cols[-1] + 1] if len(cols) else glyph[:, :1]


def normalise(glyph):
    """Crop to the ink, squeeze to at most 8 columns, centre in an 8x8 box:
    the same preprocessing for training images and for segments of a line."""
    glyph = crop(glyph)
    w = glyph.shape[1]
    if w > 8:
        glyph, w = glyph[:, np.linspace(0, w - 1, 8).round().astype(int)], 8
    out = np.zeros((8, 8))
    out[:, (8 - w) // 2 : (8 - w) // 2 + w] = glyph
    return out.ravel()


# k nearest neighbours, votes weighted by 1/distance; a character's confidence is
# the weighted vote share of its top class
recogniser = KNeighborsClassifier(10, weights="distance")
recogniser.fit([normalise(images[i]) for i in train], labels[train])


def make_line(touch, noise):
    """A field of N_CHARS digits from the pool, 2 blank columns apart; with
    probability `touch` a neighbour overlaps by one column instead."""
    idx = rng.choice(pool, N_CHARS)
    glyphs = [crop(images[i]) for i in idx]
    gaps = np.where(rng.random(N_CHARS) < touch, -1, 2)
    line, boxes, x = np.zeros((8, 80)), [], 1
    for glyph, gap in zip(glyphs, gaps):
        w = glyph.shape[1]
        line[:, x : x + w] = np.maximum(line[:, x : x + w], glyph)
        boxes.append((x, x + w))
        x += w + gap
    line = line[:, : x + 2] + rng.normal(0, noise, (8, x + 2))
    return line.clip(0, 1), boxes, "".join(map(str, labels[idx]))


def segment(line, char_width=6):
    """Column projection profile: runs of columns with ink are characters.
    Runs much wider than a character are cut at their faintest columns."""
    profile = (line > INK).sum(0)
    ink = np.flatnonzero(profile > 0)
    if len(ink) == 0:
        return []
    breaks = np.flatnonzero(np.diff(ink) > 1)
    runs = zip(ink[np.r_[0, breaks + 1]], ink[np.r_[breaks, len(ink) - 1]] + 1)
    boxes = []
    for a, b in runs:
        if profile[a:b].sum() < 3:
            continue  # a speck of noise, not a character
        parts = max(1, round((b - a) / char_width))
        cuts = [a]
        for j in range(1, parts):
            centre = a + (b - a) * j // parts
            lo, hi = max(cuts[-1] + 1, centre - 2), min(b - 1, centre + 3)
            cuts.append(lo + int(np.argmin(profile[lo:hi])))
        boxes += list(zip(cuts, cuts[1:] + [b]))
    return boxes


def read(lines, boxes_per_line):
    """Recognise every box of every line in one batch; return per line the string
    and the confidence of each character (its top class's vote share)."""
    crops = [
        normalise(ln[:, a:b]) for ln, bx in zip(lines, boxes_per_line) for a, b in bx
    ]
    proba = recogniser.predict_proba(crops)
    out, i = [], 0
    for bx in boxes_per_line:
        p = proba[i : i + len(bx)]
        out.append(("".join(map(str, p.argmax(1))), p.max(1)))
        i += len(bx)
    return out


def edits(a, b):
    """Levenshtein distance: substitutions + deletions + insertions."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


print(f"{'condition':<23}{'CER, true boxes':>17}{'CER, segmented':>16}"
      f"{'segmentation share':>19}{'fields exact':>13}")  # fmt: skip
fields = []  # (read text, truth, character confidences)
for name, touch, noise in [
    ("clean", 0.0, 0.0),
    ("noise sd 0.15", 0.0, 0.15),
    ("touching 30% of pairs", 0.3, 0.0),
    ("touching + noise", 0.3, 0.15),
]:
    lines, true_boxes, truths = zip(*[make_line(touch, noise) for _ in range(300)])
    oracle = read(lines, true_boxes)  # recognition alone, on the true boxes
    pipeline = read(lines, [segment(ln) for ln in lines])
    n = 300 * N_CHARS
    cer_oracle = sum(edits(t, y) for (t, _), y in zip(oracle, truths)) / n
    cer = sum(edits(t, y) for (t, _), y in zip(pipeline, truths)) / n
    exact = np.mean([t == y for (t, _), y in zip(pipeline, truths)])
    print(f"{name:<23}{cer_oracle:>17.3f}{cer:>16.3f}"
          f"{1 - cer_oracle / cer:>19.0%}{exact:>13.3f}")  # fmt: skip
    fields += [(t, y, c) for (t, c), y in zip(pipeline, truths)]

# Route fields to human review: first those that fail the format rule (not 6
# digits), then the least confident (product of character confidences).
text, truth, conf = zip(*fields)
ok = np.array([t == y for t, y in zip(text, truth)])
bad_format = np.array([len(t) != N_CHARS for t in text])
score = np.array([np.prod(c) for c in conf])
print(f"\n{len(ok)} fields; reviewed fields are corrected by a person")
print(
    f"{'review':<34}{'review rate':>12}{'auto-accepted correct':>22}{'all correct':>12}"
)
queue = np.lexsort((score, ~bad_format))  # failed format first, then low score
for name, n_review in [
    ("none", 0),
    ("format check only", bad_format.sum()),
    ("format check + least confident", int(0.25 * len(ok))),
    ("format check + least confident", int(0.4 * len(ok))),
    ("random fields, for comparison", int(0.4 * len(ok))),
]:
    if name.startswith("random"):
        queue = rng.permutation(len(ok))
    review = np.zeros(len(ok), bool)
    review[queue[:n_review]] = True
    print(f"{name:<34}{review.mean():>12.1%}{ok[~review].mean():>22.3f}"
          f"{(ok | review).mean():>12.3f}")  # fmt: skip
