import numpy as np
import torch

rng = np.random.default_rng(0)
torch.manual_seed(0)

# Ground truth we control: 400 users and 200 items with 8 latent factors each, an
# item popularity bias, and a context effect: every item has an affinity for mobile
# (vs desktop) and for the evening (vs the morning): short clips on phones, films at
# night.
n_users, n_items, k_true = 400, 200, 8
P = rng.normal(0, 1, (n_users, k_true)) / k_true**0.25
Q = rng.normal(0, 1, (n_items, k_true)) / k_true**0.25
item_bias = rng.normal(0, 0.7, n_items)
mobile_aff = rng.normal(0, 1.2, n_items)
evening_aff = rng.normal(0, 1.2, n_items)
p_mobile = rng.beta(2, 2, n_users)
p_evening = rng.beta(2, 2, n_users)


def true_utility(u, device, evening):
    """Utility of every item for user u on a device (1 = mobile), time (1 = evening)."""
    ctx = (2 * device - 1) * mobile_aff + (2 * evening - 1) * evening_aff
    return P[u] @ Q.T + item_bias + ctx


# Each user has 40 sessions; a session draws a context from the user's habits, then the
# user consumes 3 distinct items, drawn with probability proportional to exp(utility).
sessions = []
for u in range(n_users):
    for _ in range(40):
        d, e = int(rng.random() < p_mobile[u]), int(rng.random() < p_evening[u])
        w = np.exp(true_utility(u, d, e))
        items = rng.choice(n_items, size=3, replace=False, p=w / w.sum())
        sessions.append((u, d, e, items))
is_test = rng.random(len(sessions)) < 0.2
train = [s for s, t in zip(sessions, is_test) if not t]
test = [s for s, t in zip(sessions, is_test) if t]

# One training row per consumed item: (user, device, daypart, item).
rows = np.array([(u, d, e, i) for u, d, e, items in train for i in items])
print(f"train events {len(rows)}, test sessions {len(test)}")


te_u, te_d, te_e = (np.array([s[j] for s in test]) for j in range(3))
te_rel = np.zeros((len(test), n_items), dtype=bool)
for row, (_, _, _, items) in enumerate(test):
    te_rel[row, items] = True


def metrics_at_k(scores, k=10):
    """Mean precision@k, recall@k and NDCG@k over test sessions (binary relevance)."""
    top = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    hits = np.take_along_axis(te_rel, top, axis=1)
    n_rel = te_rel.sum(1)
    disc = 1 / np.log2(np.arange(2, k + 2))
    ideal = np.cumsum(disc)[np.minimum(n_rel, k) - 1]
    p, r = hits.sum(1) / k, hits.sum(1) / n_rel
    return p.mean(), r.mean(), ((hits * disc).sum(1) / ideal).mean()


# Baseline 1: global popularity. Baseline 2: popularity within the same context
# (contextual pre-filtering: count only training events with this device and daypart).
pop = np.bincount(rows[:, 3], minlength=n_items).astype(float)
pop_ctx = np.zeros((2, 2, n_items))
np.add.at(pop_ctx, (rows[:, 1], rows[:, 2], rows[:, 3]), 1.0)


# A factorization machine over one-hot fields. Feature ids share one vocabulary:
# users, then items, then device (2 values), then daypart (2 values).
class FM(torch.nn.Module):
    def __init__(self, n_features, k):
        super().__init__()
        self.w = torch.nn.Embedding(n_features, 1)
        self.v = torch.nn.Embedding(n_features, k)
        torch.nn.init.zeros_(self.w.weight)
        torch.nn.init.normal_(self.v.weight, std=0.05)

    def forward(self, feats):
        """FM score of rows of one-hot feature ids, feats: (..., n_fields)."""
        # Pairwise term in O(kn): 0.5 * ((sum v)^2 - sum v^2), summed over factors.
        v = self.v(feats)
        pair = 0.5 * (v.sum(-2).pow(2) - v.pow(2).sum(-2)).sum(-1)
        return self.w(feats).squeeze(-1).sum(-1) + pair

    def score_all_items(self, ctx):
        """The same score for every item at once, ctx: (batch, fields other than item).

        With one item feature i added to the row, the score is
        forward(ctx) + w_i + v_i . (sum of the ctx vectors): one matrix product.
        """
        items = off_item + torch.arange(n_items)
        sum_v = self.v(ctx).sum(1)
        item_part = self.w(items).T + sum_v @ self.v(items).T
        return self.forward(ctx)[:, None] + item_part


off_item, off_dev = n_users, n_users + n_items
off_day = off_dev + 2


def context_ids(u, d, e, use_context):
    cols = [u, off_dev + d, off_day + e] if use_context else [u]
    return torch.stack(cols, dim=-1)


def train_fm(use_context, epochs=8, k=16):
    torch.manual_seed(0)
    model = FM(off_day + 2, k)
    opt = torch.optim.Adam(model.parameters(), lr=0.02, weight_decay=1e-5)
    data = torch.as_tensor(rows)
    for _ in range(epochs):
        for idx in torch.randperm(len(data)).split(512):
            u, d, e, i = data[idx].T
            # The catalogue is small, so score every item and use a full softmax: the
            # consumed item is the positive, all others are negatives.
            logits = model.score_all_items(context_ids(u, d, e, use_context))
            loss = torch.nn.functional.cross_entropy(logits, i)
            opt.zero_grad()
            loss.backward()
            opt.step()

    # Check the fast all-items score against the plain FM formula on 5 training rows.
    with torch.no_grad():
        u, d, e, i = data[:5].T
        ctx = context_ids(u, d, e, use_context)
        fast = model.score_all_items(ctx)[torch.arange(5), i]
        full = model(torch.cat([ctx, (off_item + i)[:, None]], dim=1))
        print(f"context={use_context}: fast scores match FM formula:", end=" ")
        print(torch.allclose(fast, full, atol=1e-5))
        if use_context:
            # What the FM learned about context: item i's score moves by
            # v_i . (v_mobile - v_desktop) between devices (and likewise for daypart).
            v_items = model.v.weight[off_item:off_dev]
            v_ctx = model.v.weight[off_dev:]
            for name, true_aff, a in [
                ("mobile", mobile_aff, 0),
                ("evening", evening_aff, 2),
            ]:
                learned = (v_items @ (v_ctx[a + 1] - v_ctx[a])).numpy()
                corr = np.corrcoef(learned, true_aff)[0, 1]
                print(
                    f"  corr(learned {name} effect per item, true effect): {corr:.3f}"
                )

    t = torch.as_tensor
    with torch.no_grad():
        ctx = context_ids(t(te_u), t(te_d), t(te_e), use_context)
        return model.score_all_items(ctx).numpy()


# Scores of every item for every test session, one row per session.
oracle = np.stack([true_utility(u, d, e) for u, d, e in zip(te_u, te_d, te_e)])
scores = {
    "popularity": np.tile(pop, (len(test), 1)),
    "popularity in context": pop_ctx[te_d, te_e],
    "MF (user, item)": train_fm(use_context=False),
    "FM (user, item, device, daypart)": train_fm(use_context=True),
    "oracle (true utility)": oracle,
}
print(f"{'model':34s} {'P@10':>6s} {'R@10':>6s} {'NDCG@10':>8s}")
for name, s in scores.items():
    p, r, n = metrics_at_k(s)
    print(f"{name:34s} {p:6.3f} {r:6.3f} {n:8.3f}")
