import copy
import itertools
import random

import numpy as np
from sklearn.linear_model import LogisticRegression
from torch.utils.data import DistributedSampler

N_CLASSES, DIM, SHARD = 10, 20, 500
N_TRAIN, N_TEST = 40_000, 10_000
BATCH, LR = 32, 0.05
SEEDS = range(5)

# ten Gaussian classes; the training set is stored sorted by class, as data often
# arrives (by source, by date, by label), and cut into shards of 500 examples
data_rng = np.random.default_rng(0)
means = data_rng.normal(scale=0.5, size=(N_CLASSES, DIM))


def make_split(n):
    labels = np.repeat(np.arange(N_CLASSES), n // N_CLASSES)
    return means[labels] + data_rng.normal(size=(n, DIM)), labels


x_train, y_train = make_split(N_TRAIN)
x_test, y_test = make_split(N_TEST)
shards = np.arange(N_TRAIN).reshape(-1, SHARD)  # 80 shards, each one class


class StreamingShuffler:
    """Reads a stream of example ids in order and emits them through a shuffle
    buffer (the tf.data / Hugging Face / WebDataset mechanism), with its state."""

    def __init__(self, stream, buffer_size, seed):
        self.stream, self.buffer_size = list(stream), buffer_size
        self.position, self.buffer = 0, []
        self.rng = random.Random(seed)

    def __iter__(self):
        stream, buffer = self.stream, self.buffer
        top_up = stream[self.position : self.position + self.buffer_size - len(buffer)]
        buffer.extend(top_up)
        self.position += len(top_up)
        while buffer:
            pick = int(self.rng.random() * len(buffer))
            example = buffer[pick]
            # the next example from the stream takes the emitted one's place
            if self.position < len(stream):
                buffer[pick] = stream[self.position]
                self.position += 1
            else:
                buffer[pick] = buffer[-1]
                buffer.pop()
            yield example

    def state_dict(self):
        return copy.deepcopy(
            {
                "position": self.position,
                "buffer": self.buffer,
                "rng": self.rng.getstate(),
            }
        )

    def load_state_dict(self, state):
        self.position, self.buffer = state["position"], list(state["buffer"])
        self.rng.setstate(state["rng"])


def interleave(shard_order, cycle_length):
    """tf.data's interleave(cycle_length=k, block_length=1): keep k shards open and
    take one example from each in turn; a finished shard is replaced by the next."""
    pending = iter(shard_order)
    open_shards = [iter(shards[s]) for s in itertools.islice(pending, cycle_length)]
    while open_shards:
        still_open = []
        for reader in open_shards:
            example = next(reader, None)
            if example is None:
                nxt = next(pending, None)
                if nxt is None:
                    continue
                reader = iter(shards[nxt])
                example = next(reader)
            still_open.append(reader)
            yield example
        open_shards = still_open


def epoch_order(read, buffer, seed):
    """The order in which one epoch of training examples reaches SGD."""
    rng = np.random.default_rng(seed)
    shard_order = rng.permutation(len(shards))
    if read == "stored order":
        return shards.ravel()
    if read == "global permutation":
        return rng.permutation(N_TRAIN)
    if read == "shard order":
        stream = shards[shard_order].ravel()
    else:
        stream = np.fromiter(interleave(shard_order, 16), dtype=np.int64)
    if buffer == 0:
        return stream
    return np.fromiter(StreamingShuffler(stream, buffer, seed), dtype=np.int64)


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def batch_gradient(w, b, idx):
    p = softmax(x_train[idx] @ w + b)
    p[np.arange(len(idx)), y_train[idx]] -= 1.0
    return x_train[idx].T @ p / len(idx), p.mean(axis=0)


def train_one_epoch(order):
    w, b = np.zeros((DIM, N_CLASSES)), np.zeros(N_CLASSES)
    for start in range(0, N_TRAIN, BATCH):
        grad_w, grad_b = batch_gradient(w, b, order[start : start + BATCH])
        w -= LR * grad_w
        b -= LR * grad_b
    p = softmax(x_test @ w + b)
    accuracy = np.mean(p.argmax(axis=1) == y_test)
    return accuracy, -np.mean(np.log(p[np.arange(N_TEST), y_test]))


# the optimum of the same model on all the data, for reference
best = LogisticRegression(C=1e6, tol=1e-10, max_iter=10_000).fit(x_train, y_train)
p_best = best.predict_proba(x_test)
best_acc = np.mean(p_best.argmax(axis=1) == y_test)
best_loss = -np.mean(np.log(p_best[np.arange(N_TEST), y_test]))


def batch_quality(order):
    batches = order.reshape(-1, BATCH)
    counts = np.stack([np.bincount(y_train[i], minlength=N_CLASSES) for i in batches])
    classes_per_batch = np.count_nonzero(counts, axis=1).mean()
    tv = 0.5 * np.abs(counts / BATCH - 1 / N_CLASSES).sum(axis=1).mean()
    # each batch's gradient at the optimum, where the full-data gradient is zero
    residual = best.predict_proba(x_train) - np.eye(N_CLASSES)[y_train]
    grads = np.einsum("nbd,nbc->ndc", x_train[batches], residual[batches])
    grads = grads.reshape(len(batches), -1)
    grads /= np.linalg.norm(grads, axis=1, keepdims=True)
    lag1_cos = np.mean(np.sum(grads[1:] * grads[:-1], axis=1))
    return classes_per_batch, tv, lag1_cos


STRATEGIES = [
    # name, how shards are read, shuffle buffer (examples), shards open at once
    ("no shuffle", "stored order", 0, "1"),
    ("shard order only", "shard order", 0, "1"),
    ("shard order + buffer 0.1x", "shard order", 50, "1"),
    ("shard order + buffer 1x", "shard order", 500, "1"),
    ("shard order + buffer 10x", "shard order", 5000, "1"),
    ("interleave 16 + buffer 0.1x", "interleave 16", 50, "16"),
    ("full shuffle", "global permutation", 0, "all"),
]
print(f"{N_TRAIN:,} training examples sorted by class, {len(shards)} shards of {SHARD}")
print(f"softmax regression, SGD lr {LR}, batch {BATCH}, one epoch, {len(SEEDS)} seeds")
print("classes: distinct labels in a batch; TV: distance from the global label mix;")
print("cos: cosine of consecutive batch gradients at the optimum")
header = f"{'strategy':28}{'open':>5}{'buffer':>7}{'classes':>8}{'TV':>7}{'cos':>7}"
print(header + f"{'test acc (sd)':>16}{'loss':>7}")
for name, read, buffer, n_open in STRATEGIES:
    orders = [epoch_order(read, buffer, seed) for seed in SEEDS]
    assert all(np.array_equal(np.sort(o), np.arange(N_TRAIN)) for o in orders)
    classes, tv, cos = np.mean([batch_quality(o) for o in orders], axis=0)
    acc, loss = np.array([train_one_epoch(o) for o in orders]).T
    print(
        f"{name:28}{n_open:>5}{buffer:>7}{classes:8.2f}{tv:7.3f}{cos:7.3f}"
        f"{acc.mean():9.3f} ({acc.std():.3f}){loss.mean():7.3f}"
    )
print(f"{'optimum, all data at once':55}{best_acc:9.3f}{'':8}{best_loss:7.3f}")

# resuming mid-epoch: the reader's position alone loses what sat in the buffer
stream = shards[np.random.default_rng(1).permutation(len(shards))].ravel()
uninterrupted = list(StreamingShuffler(stream, 5000, seed=1))
first = StreamingShuffler(stream, 5000, seed=1)
head = list(itertools.islice(iter(first), N_TRAIN // 2))
saved = first.state_dict()
print(f"\nresume after {len(head):,} of {N_TRAIN:,} examples, buffer 5,000")
print(f"{'restored state':32}{'same order':>11}{'never seen this epoch':>23}")
for name, keep_buffer in [("position + buffer + RNG", True), ("position only", False)]:
    resumed = StreamingShuffler(stream, 5000, seed=1)
    if keep_buffer:
        resumed.load_state_dict(saved)
    else:
        resumed.position = saved["position"]
    order = head + list(resumed)
    lost = N_TRAIN - len(set(order))
    print(f"{name:32}{str(order == uninterrupted):>11}{lost:>23,}")

# PyTorch's DistributedSampler: equal shares per rank, a new order only via set_epoch
ranks = [DistributedSampler(range(10), num_replicas=4, rank=r) for r in range(4)]
shares = [list(s) for s in ranks]
print(f"\nDistributedSampler, 10 examples on 4 ranks: {[len(s) for s in shares]}")
print(f"examples served twice to fill the last step: {sum(map(len, shares)) - 10}")
epoch0, again = list(ranks[0]), list(ranks[0])
ranks[0].set_epoch(1)
print(f"rank 0, same order when iterated again: {epoch0 == again}")
print(f"rank 0, same order after set_epoch(1): {epoch0 == list(ranks[0])}")
