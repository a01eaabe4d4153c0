# --8<-- [start:keras]
import keras
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

keras.utils.set_random_seed(0)

# 569 tumours, 30 numeric features, label 1 = benign. Ships with scikit-learn: no
# download.
X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.2, random_state=0, stratify=y
)
# Fit the scaler on the training split only, or test statistics leak into training.
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

# A common textbook model (64-32-1, ReLU, sigmoid output), with the input size taken
# from the data rather than hard-coded, and keras.Input instead of the input_shape
# argument that Keras 3 deprecates.
model = keras.Sequential(
    [
        keras.Input(shape=(X_train.shape[1],)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(
    optimizer=keras.optimizers.Adam(1e-3),
    loss="binary_crossentropy",
    metrics=["accuracy"],
)
print(f"parameters: {model.count_params()}")  # 30*64+64 + 64*32+32 + 32*1+1

before = model.evaluate(X_test, y_test, verbose=0)[1]
model.fit(X_train, y_train, epochs=30, batch_size=32, verbose=0)
after = model.evaluate(X_test, y_test, verbose=0)[1]
print(f"test accuracy before training: {before:.3f}, after 30 epochs: {after:.3f}")
print(f"majority-class baseline: {max(y_test.mean(), 1 - y_test.mean()):.3f}")
# --8<-- [end:keras]

# --8<-- [start:numpy]
import numpy as np
import torch

rng = np.random.default_rng(0)
X = rng.normal(size=(8, 30))  # a mini-batch of 8 examples
y = rng.integers(0, 2, size=(8, 1)).astype(float)
sizes = [30, 64, 32, 1]
# He initialisation: weight variance 2 / fan_in keeps ReLU activations from shrinking.
W = [rng.normal(0, np.sqrt(2 / m), (m, n)) for m, n in zip(sizes[:-1], sizes[1:])]
b = [np.zeros(n) for n in sizes[1:]]


def forward_backward(W, b, X, y):
    """BCE of the 30-64-32-1 ReLU network, and its gradients by the chain rule."""
    a, cache = X, []
    for i, (Wi, bi) in enumerate(zip(W, b)):
        z = a @ Wi + bi
        cache.append((a, z))
        a = 1 / (1 + np.exp(-z)) if i == len(W) - 1 else np.maximum(z, 0)
    loss = -np.mean(y * np.log(a) + (1 - y) * np.log(1 - a))
    # Sigmoid + cross-entropy: the gradient with respect to the logit is p - y.
    dz = (a - y) / len(X)
    dW, db = [None] * len(W), [None] * len(W)
    for i in reversed(range(len(W))):
        a_prev, _ = cache[i]
        dW[i], db[i] = a_prev.T @ dz, dz.sum(axis=0)
        if i > 0:
            # ReLU passes the gradient only where its input z was positive.
            dz = (dz @ W[i].T) * (cache[i - 1][1] > 0)
    return loss, dW, db


loss, dW, db = forward_backward(W, b, X, y)

# The same network in PyTorch; autograd computes the gradients we derived by hand.
Wt = [torch.tensor(w, requires_grad=True) for w in W]
bt = [torch.tensor(v, requires_grad=True) for v in b]
h = torch.tensor(X)
for i in range(len(Wt)):
    h = h @ Wt[i] + bt[i]
    if i < len(Wt) - 1:
        h = torch.relu(h)
loss_t = torch.nn.functional.binary_cross_entropy_with_logits(h, torch.tensor(y))
loss_t.backward()

print(f"loss numpy {loss:.6f} torch {loss_t.item():.6f}")
same = all(np.allclose(g, t.grad.numpy()) for g, t in zip(dW + db, Wt + bt))
print(f"hand-derived gradients match autograd: {same}")
# --8<-- [end:numpy]
