import numpy as np
import torch

torch.set_num_threads(1)
torch.manual_seed(0)
rng = np.random.default_rng(0)

# Ground truth: 10 topics x 10 items, plus 10 "hub" items (home page, search) that any
# session visits. A session stays on its topic (10% chance per step of switching) and
# 40% of its steps go through a hub. After a hub, the next item's topic is only
# visible further back in the sequence. The last item of every test session is a topic
# item, so the best possible top-10 is the current topic's 10 items (hubs are not
# recommended).
n_topics, per_topic, n_hubs, length = 10, 10, 10, 12
n_items = n_topics * per_topic + n_hubs


def sessions(n, last_is_topic):
    topic = rng.integers(n_topics, size=n)
    seq, current = np.zeros((n, length), dtype=np.int64), np.zeros(n, dtype=np.int64)
    for t in range(length):
        topic = np.where(rng.random(n) < 0.1, rng.integers(n_topics, size=n), topic)
        hub = rng.random(n) < 0.4
        if last_is_topic and t == length - 1:
            hub[:] = False
        item = topic * per_topic + rng.integers(per_topic, size=n)
        seq[:, t] = np.where(
            hub, n_topics * per_topic + rng.integers(n_hubs, size=n), item
        )
        current = np.where(hub, current, topic)
    return seq, current


train, _ = sessions(4000, last_is_topic=False)
test, test_topic = sessions(1000, last_is_topic=True)
history, target = torch.tensor(test[:, :-1]), test[:, -1]
after_hub = test[:, -2] >= n_topics * per_topic


def hit10(scores):
    scores = scores.copy()
    scores[:, n_topics * per_topic :] = -np.inf  # hubs are pages, not recommendable
    rank = (scores > scores[np.arange(len(target)), target][:, None]).sum(1)
    hit = rank < 10
    return hit.mean(), hit[after_hub].mean(), hit[~after_hub].mean()


# Baselines: popularity, and a first-order Markov chain (counts of last -> next).
pop = np.bincount(train.ravel(), minlength=n_items).astype(float)
markov = np.zeros((n_items, n_items))
np.add.at(markov, (train[:, :-1].ravel(), train[:, 1:].ravel()), 1)


class SASRec(torch.nn.Module):
    """Self-attentive sequential recommendation (Kang and McAuley, 2018), tiny."""

    def __init__(self, dim=32, heads=2, layers=1):
        super().__init__()
        self.item = torch.nn.Embedding(n_items, dim)
        self.pos = torch.nn.Embedding(length, dim)  # learned positions
        block = torch.nn.TransformerEncoderLayer(
            dim, heads, 2 * dim, dropout=0.1, batch_first=True
        )
        self.blocks = torch.nn.TransformerEncoder(
            block, layers, enable_nested_tensor=False
        )

    def forward(self, seq):
        t = seq.shape[1]
        h = self.item(seq) + self.pos(torch.arange(t))
        causal = torch.nn.Transformer.generate_square_subsequent_mask(t)
        h = self.blocks(h, mask=causal, is_causal=True)
        return h @ self.item.weight.T  # scores for the next item at every position


model = SASRec()
opt = torch.optim.Adam(model.parameters(), lr=5e-3)
seqs = torch.tensor(train)
for _epoch in range(15):
    for idx in torch.randperm(len(seqs)).split(64):
        batch = seqs[idx]
        # Next-item prediction at every position: input x_1..x_{T-1}, target x_2..x_T.
        logits = model(batch[:, :-1])
        loss = torch.nn.functional.cross_entropy(
            logits.reshape(-1, n_items), batch[:, 1:].reshape(-1)
        )
        opt.zero_grad()
        loss.backward()
        opt.step()
model.eval()
with torch.no_grad():
    sas = model(history)[:, -1].numpy()

# Oracle: knows the session's current topic (before a possible switch at the last step).
oracle = np.zeros((len(target), n_items))
oracle[
    np.arange(len(target))[:, None], test_topic[:, None] * per_topic + np.arange(10)
] = 1
print(f"{'HR@10':<22} {'all':>6} {'after a hub':>12} {'after a topic item':>19}")
for name, scores in [
    ("popularity", np.broadcast_to(pop, (len(target), n_items))),
    ("Markov (last item)", markov[test[:, -2]]),
    ("SASRec (1 layer)", sas),
    ("oracle (knows topic)", oracle),
]:
    scores = scores + 1e-9 * rng.random(scores.shape)  # break ties at random
    print(
        f"{name:<22}"
        + "".join(f"{v:>{w}.3f}" for v, w in zip(hit10(scores), [7, 13, 20]))
    )
