import numpy as np
import torch

torch.set_num_threads(1)
rng = np.random.default_rng(0)

# Ground truth: p(item | user) = softmax over items of (u . v_i + popularity_i).
n_users, n_items, dim = 1200, 500, 16
U = 1.4 * rng.normal(size=(n_users, dim)) / dim**0.25
V = 1.4 * rng.normal(size=(n_items, dim)) / dim**0.25
pop = 1.2 * rng.normal(size=n_items)  # a skewed popularity term
logits = U @ V.T + pop
P = np.exp(logits - logits.max(1, keepdims=True))
P /= P.sum(1, keepdims=True)
cum = P.cumsum(1)


def draw(n_per_user):
    r = rng.random((n_users, n_per_user, 1))
    return (r > cum[:, None, :]).sum(-1).clip(max=n_items - 1)


train_items, test_items = draw(30), draw(5)
users = np.repeat(np.arange(n_users), 30)
items = train_items.ravel()
# q_j: the probability that item j fills a batch slot = its share of training pairs.
log_q = torch.tensor(np.log(np.bincount(items, minlength=n_items) / len(items) + 1e-9))


def train(loss_kind, temperature=0.2, epochs=4, batch=512, seed=0):
    torch.manual_seed(seed)
    user_emb = torch.nn.Embedding(n_users, dim)
    item_emb = torch.nn.Embedding(n_items, dim)
    for e in (user_emb, item_emb):
        torch.nn.init.normal_(e.weight, std=0.1)
    params = list(user_emb.parameters()) + list(item_emb.parameters())
    opt = torch.optim.Adam(params, lr=0.02)
    u_all, i_all = torch.tensor(users), torch.tensor(items)
    gen = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        for idx in torch.randperm(len(u_all), generator=gen).split(batch):
            u, i = u_all[idx], i_all[idx]
            qu = torch.nn.functional.normalize(user_emb(u), dim=1)
            if loss_kind == "full softmax":
                vi = torch.nn.functional.normalize(item_emb.weight, dim=1)
                scores, target = qu @ vi.T / temperature, i
            else:  # in-batch negatives: the other positives in the batch
                vi = torch.nn.functional.normalize(item_emb(i), dim=1)
                scores, target = qu @ vi.T / temperature, torch.arange(len(i))
                if loss_kind == "in-batch + logQ":
                    scores = scores - log_q[i][None, :].float()
                # The same item twice in a batch is not a negative for itself.
                dup = (i[:, None] == i[None, :]) & ~torch.eye(len(i), dtype=torch.bool)
                scores = scores.masked_fill(dup, -1e9)
            loss = torch.nn.functional.cross_entropy(scores, target)
            opt.zero_grad()
            loss.backward()
            opt.step()
    with torch.no_grad():
        qu = torch.nn.functional.normalize(user_emb.weight, dim=1)
        vi = torch.nn.functional.normalize(item_emb.weight, dim=1)
        return (qu @ vi.T).numpy()


def evaluate(scores):
    seen = np.zeros((n_users, n_items), dtype=bool)
    seen[np.arange(n_users)[:, None], train_items] = True
    top = np.argsort(-np.where(seen, -np.inf, scores), axis=1)[:, :10]
    hits = [np.isin(t, top[u]).mean() for u, t in enumerate(test_items)]
    head = np.argsort(-pop)[: n_items // 10]
    return np.mean(hits), np.isin(top, head).mean()


print(f"{'model':<26} {'recall@10':>9} {'top-10 from head 10%':>21}")
for name, scores in [("oracle (true logits)", logits), ("popularity", pop[None, :])]:
    r, h = evaluate(np.broadcast_to(scores, (n_users, n_items)))
    print(f"{name:<26} {r:>9.3f} {h:>21.3f}")
recalls = {}
for kind in ["full softmax", "in-batch", "in-batch + logQ"]:
    recalls[kind], h = evaluate(train(kind))
    print(f"{kind:<26} {recalls[kind]:>9.3f} {h:>21.3f}")
print("\ntemperature sweep, in-batch + logQ")
for t in [0.1, 0.2, 0.5]:
    r = (
        recalls["in-batch + logQ"]
        if t == 0.2
        else evaluate(train("in-batch + logQ", t))[0]
    )
    print(f"temperature {t:<4} recall@10 {r:.3f}")
