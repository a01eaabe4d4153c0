import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

X, y = load_digits(return_X_y=True)
X = np.hstack([X / 16.0, np.ones((len(X), 1))])
Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
N, D = Xtr.shape
Y = np.eye(10)[ytr]
rng = np.random.default_rng(0)

# 20 clients. IID: a random equal split. Label skew: each class is shared out
# over the clients with Dirichlet(0.1) proportions, so clients see few classes
CLIENTS = 20
iid = np.array_split(rng.permutation(N), CLIENTS)
skewed = [[] for _ in range(CLIENTS)]
for c in range(10):
    idx = rng.permutation(np.flatnonzero(ytr == c))
    share = rng.dirichlet(0.1 * np.ones(CLIENTS))
    cuts = (np.cumsum(share)[:-1] * len(idx)).astype(int)
    for k, part in enumerate(np.split(idx, cuts)):
        skewed[k] += part.tolist()
skewed = [np.array(s) for s in skewed]
sizes = sorted(len(s) for s in skewed)
classes = [len(np.unique(ytr[s])) for s in skewed if len(s)]
print(f"{N} training images, {CLIENTS} clients")
print(f"label-skewed clients: {sizes[0]} to {sizes[-1]} examples,", end=" ")
print(f"median {np.median(classes):.0f} of 10 classes")


def softmax(Z):
    E = np.exp(Z - Z.max(1, keepdims=True))
    return E / E.sum(1, keepdims=True)


def sgd(W, idx, epochs, rng, correction=0.0, lr=0.5, batch=16):
    """Local minibatch SGD on softmax regression; returns weights and step count."""
    W, steps = W.copy(), 0
    for _ in range(epochs):
        perm = rng.permutation(idx)
        for s in range(0, len(perm), batch):
            b = perm[s : s + batch]
            grad = Xtr[b].T @ (softmax(Xtr[b] @ W) - Y[b]) / len(b)
            W -= lr * (grad + correction)
            steps += 1
    return W, steps


def federated(clients, epochs, rounds=20, scaffold=False, seed=0, lr=0.5):
    """FedAvg: each round samples half the clients, each trains `epochs` local
    epochs from the global model, the server averages the models weighted by
    client size. scaffold=True adds SCAFFOLD's control variates (option II)."""
    rng = np.random.default_rng(seed)
    clients = [c for c in clients if len(c)]
    W, c = np.zeros((D, 10)), np.zeros((D, 10))
    c_k = [np.zeros((D, 10)) for _ in clients]
    acc, cos = [], []
    for _ in range(rounds):
        chosen = rng.choice(len(clients), len(clients) // 2, replace=False)
        updates, weights, dc = [], [], []
        for k in chosen:
            corr = c - c_k[k] if scaffold else 0.0
            W_k, steps = sgd(W, clients[k], epochs, rng, corr, lr)
            if scaffold:
                new = c_k[k] - c + (W - W_k) / (steps * lr)
                dc.append(new - c_k[k])
                c_k[k] = new
            updates.append(W_k - W)
            weights.append(len(clients[k]))
        avg = np.average(updates, axis=0, weights=weights)
        # drift: how well each client's update agrees with the average one
        for u in updates:
            cos.append(np.sum(u * avg) / np.linalg.norm(u) / np.linalg.norm(avg))
        W = W + avg
        if scaffold:
            c = c + np.sum(dc, axis=0) / len(clients)
        acc.append(np.mean((Xte @ W).argmax(1) == yte))
    P = softmax(Xtr @ W)
    loss = -np.mean(np.log(P[np.arange(N), ytr]))
    return np.array(acc), np.mean(cos), loss


W_c, _ = sgd(np.zeros((D, 10)), np.arange(N), 20, np.random.default_rng(0))
P = softmax(Xtr @ W_c)
loss_c = -np.mean(np.log(P[np.arange(N), ytr]))
acc_c = np.mean((Xte @ W_c).argmax(1) == yte)
print(f"centralised SGD, 20 epochs: test accuracy {acc_c:.3f}, train loss {loss_c:.3f}")
print("FedAvg, 10 of 20 clients per round, mean of 3 seeds")
print(f"{'data':>11} {'method':>9} {'E':>2} {'acc r5':>7}", end=" ")
print(f"{'acc r20':>7} {'loss r20':>8} {'cos':>5}")
for data, clients, method, E in [
    ("IID", iid, "FedAvg", 1),
    ("IID", iid, "FedAvg", 5),
    ("label skew", skewed, "FedAvg", 1),
    ("label skew", skewed, "FedAvg", 5),
    ("label skew", skewed, "SCAFFOLD", 5),
]:
    scaffold = method == "SCAFFOLD"
    runs = [federated(clients, E, scaffold=scaffold, seed=s) for s in range(3)]
    acc = np.mean([r[0] for r in runs], axis=0)
    cos, loss = np.mean([r[1] for r in runs]), np.mean([r[2] for r in runs])
    print(f"{data:>11} {method:>9} {E:>2} {acc[4]:>7.3f}", end=" ")
    print(f"{acc[19]:>7.3f} {loss:>8.3f} {cos:>5.2f}")
