# --8<-- [start:signature]
class Value:
    """A scalar that records how it was computed, for reverse-mode autodiff.

    Value(data) holds .data (a float) and .grad (0.0 until backward() fills it in).
    The primitives are v + w, v * w, v ** k (k a plain int or float), v.tanh() and
    v.exp(); a plain number on either side of + and * is wrapped in a Value. The
    derived operations below are built from them and are given.
    v.backward() sets v.grad = 1 and then, visiting the graph in reverse topological
    order, adds to every Value that v depends on its contribution to dv/d(that Value):
    a Value used several times gets the sum over its uses. It must not recurse once
    per node (graphs can be thousands of operations deep).
    """

    def __init__(self, data: float, children: tuple = ()):
        raise NotImplementedError

    def __add__(self, other: "Value | float") -> "Value":
        raise NotImplementedError

    def __mul__(self, other: "Value | float") -> "Value":
        raise NotImplementedError

    def __pow__(self, k: float) -> "Value":
        raise NotImplementedError

    def tanh(self) -> "Value":
        raise NotImplementedError

    def exp(self) -> "Value":
        raise NotImplementedError

    def backward(self) -> None:
        raise NotImplementedError

    # derived operations, given: each one is built from the primitives
    def __neg__(self):
        return self * -1.0

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return other + (-self)

    def __truediv__(self, other):
        return self * other**-1

    def __rtruediv__(self, other):
        return other * self**-1


# --8<-- [end:signature]


# --8<-- [start:solution]
import math


class Value:
    def __init__(self, data: float, children: tuple = ()):
        self.data = float(data)
        self.grad = 0.0
        self._children = children
        # how to pass this node's .grad to its children; a leaf has nothing to do
        self._backward = lambda: None

    def __add__(self, other: "Value | float") -> "Value":
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other))

        def _backward():
            # +=, not =: self and other may be the same node, or feed other nodes too
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other: "Value | float") -> "Value":
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other))

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, k: float) -> "Value":
        out = Value(self.data**k, (self,))

        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad

        out._backward = _backward
        return out

    def tanh(self) -> "Value":
        t = math.tanh(self.data)
        out = Value(t, (self,))

        def _backward():
            # the derivative from the output: 1 - tanh^2
            self.grad += (1.0 - t * t) * out.grad

        out._backward = _backward
        return out

    def exp(self) -> "Value":
        e = math.exp(self.data)
        out = Value(e, (self,))

        def _backward():
            self.grad += e * out.grad

        out._backward = _backward
        return out

    def backward(self) -> None:
        # topological order by an iterative depth-first search: a node is appended
        # after every node it was computed from
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, children_done = stack.pop()
            if children_done:
                order.append(node)
            elif node not in seen:
                seen.add(node)
                stack.append((node, True))
                stack.extend((child, False) for child in node._children)
        # from the output back: a node's grad is complete before it is passed on
        self.grad = 1.0
        for node in reversed(order):
            node._backward()

    def __neg__(self):
        return self * -1.0

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return other + (-self)

    def __truediv__(self, other):
        return self * other**-1

    def __rtruediv__(self, other):
        return other * self**-1


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import pytest
import torch

POINTS = [(0.7, -1.3, 1.1), (-0.4, 0.9, 2.0), (1.5, 0.2, -0.8)]


def value_expression(a, b, c):
    """Uses every operation; runs unchanged on Values and on torch tensors."""
    d = a * b + c**3
    e = (d / (1 + a**2)).tanh()
    f = e * (-b).exp() - d * 0.5 + a / c
    return f * f + 2 * f - 1


def value_mlp(seed, n_in=2, n_hidden=8):
    """Parameters of an n_in-n_hidden-1 tanh MLP as nested lists of floats."""
    rng = np.random.default_rng(seed)
    W1 = rng.normal(0, 1 / np.sqrt(n_in), (n_hidden, n_in))
    W2 = rng.normal(0, 1 / np.sqrt(n_hidden), n_hidden)
    return [W1.tolist(), [0.0] * n_hidden, W2.tolist(), 0.0]


def value_mlp_loss(params, X, y):
    """Mean squared error of the MLP, one scalar operation at a time."""
    W1, b1, W2, b2 = params
    loss = 0.0
    for x, target in zip(X, y):
        h = [sum((w * xi for w, xi in zip(row, x)), b).tanh() for row, b in zip(W1, b1)]
        out = sum((w * hj for w, hj in zip(W2, h)), b2)
        loss = loss + (out - target) ** 2
    return loss / len(X)


def xor_data(seed, n=12):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n, 2))
    return X.tolist(), np.sign(X[:, 0] * X[:, 1]).tolist()


def train_value_mlp(steps, lr=0.2, seed=0):
    """Full-batch gradient descent with Values; returns the loss before each step."""
    W1, b1, W2, b2 = value_mlp(seed)
    W1 = [[Value(w) for w in row] for row in W1]
    b1, W2, b2 = [Value(b) for b in b1], [Value(w) for w in W2], Value(b2)
    params = [w for row in W1 for w in row] + b1 + W2 + [b2]
    X, y = xor_data(seed)
    losses = []
    for _ in range(steps):
        loss = value_mlp_loss([W1, b1, W2, b2], X, y)
        for p in params:
            # the graph is new each step, but the parameters persist: reset them
            p.grad = 0.0
        loss.backward()
        for p in params:
            p.data -= lr * p.grad
        losses.append(loss.data)
    return losses


def test_value_worked_example():
    a, b = Value(2.0), Value(-3.0)
    L = (a * b + 10) * -2
    L.backward()
    assert (L.data, a.grad, b.grad) == (-8.0, 6.0, -4.0)
    x = Value(3.0)
    y = x * x + x
    y.backward()
    assert (y.data, x.grad) == (12.0, 7.0)


def test_value_accumulates_over_shared_nodes():
    a = Value(2.0)
    b = a * 3
    # b feeds c twice and directly: dc/da = (2b + 1) * 3 = 39
    c = b * b + b
    c.backward()
    assert c.grad == 1.0 and b.grad == 13.0 and a.grad == 39.0
    z = Value(5.0)
    (z + z).backward()
    assert z.grad == 2.0


def test_value_matches_torch_autograd():
    for point in POINTS:
        vals = [Value(v) for v in point]
        out = value_expression(*vals)
        out.backward()
        ts = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in point]
        ref = value_expression(*ts)
        ref.backward()
        assert out.data == pytest.approx(ref.item(), rel=1e-12)
        for v, t in zip(vals, ts):
            assert v.grad == pytest.approx(t.grad.item(), rel=1e-12)


def test_value_matches_finite_differences():
    eps = 1e-6
    for point in POINTS:
        vals = [Value(v) for v in point]
        value_expression(*vals).backward()
        for i in range(3):
            up, down = list(point), list(point)
            up[i] += eps
            down[i] -= eps
            f_up = value_expression(*map(Value, up)).data
            f_down = value_expression(*map(Value, down)).data
            numeric = (f_up - f_down) / (2 * eps)
            assert vals[i].grad == pytest.approx(numeric, rel=1e-6, abs=1e-8)


def test_value_backward_through_a_deep_graph():
    x = Value(1.0)
    y = x
    for _ in range(3000):
        y = y * 1.001
    # a recursive topological sort raises RecursionError at this depth
    y.backward()
    assert x.grad == pytest.approx(1.001**3000, rel=1e-9)


def test_value_mlp_gradients_match_torch():
    params = value_mlp(1)
    X, y = xor_data(1, n=6)
    W1, b1, W2, b2 = params
    vW1 = [[Value(w) for w in row] for row in W1]
    vb1, vW2, vb2 = [Value(b) for b in b1], [Value(w) for w in W2], Value(b2)
    loss = value_mlp_loss([vW1, vb1, vW2, vb2], X, y)
    loss.backward()
    t = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in params]
    X64, y64 = (
        torch.tensor(X, dtype=torch.float64),
        torch.tensor(y, dtype=torch.float64),
    )
    out = torch.tanh(X64 @ t[0].T + t[1]) @ t[2] + t[3]
    ref = torch.mean((out - y64) ** 2)
    ref.backward()
    assert loss.data == pytest.approx(ref.item(), rel=1e-12)
    mine = [[[w.grad for w in row] for row in vW1], [b.grad for b in vb1]]
    mine += [[w.grad for w in vW2], vb2.grad]
    for g, tensor in zip(mine, t):
        np.testing.assert_allclose(g, tensor.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_value_mlp_training_lowers_the_loss():
    losses = train_value_mlp(15)
    assert losses[-1] < 0.5 * losses[0]


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_value_worked_example,
    test_value_accumulates_over_shared_nodes,
    test_value_matches_torch_autograd,
    test_value_matches_finite_differences,
    test_value_backward_through_a_deep_graph,
    test_value_mlp_gradients_match_torch,
    test_value_mlp_training_lowers_the_loss,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")
a, b = Value(2.0), Value(-3.0)
L = (a * b + 10) * -2
L.backward()
print(f"L = {L.data}, dL/da = {a.grad}, dL/db = {b.grad}")
x = Value(3.0)
y = x * x + x
y.backward()
print(f"y = x * x + x at x = 3: y = {y.data}, dy/dx = {x.grad}")
# the largest relative gap to torch.autograd over the three points
worst = 0.0
for point in POINTS:
    vals = [Value(v) for v in point]
    value_expression(*vals).backward()
    ts = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in point]
    value_expression(*ts).backward()
    for v, t in zip(vals, ts):
        worst = max(worst, abs(v.grad - t.grad.item()) / abs(t.grad.item()))
print("largest relative gap to torch.autograd below 1e-12:", worst < 1e-12)
# and to central differences, eps = 1e-6
worst = 0.0
for point in POINTS:
    vals = [Value(v) for v in point]
    value_expression(*vals).backward()
    for i in range(3):
        up, down = list(point), list(point)
        up[i] += 1e-6
        down[i] -= 1e-6
        f_up = value_expression(*map(Value, up)).data
        f_down = value_expression(*map(Value, down)).data
        numeric = (f_up - f_down) / 2e-6
        worst = max(worst, abs(vals[i].grad - numeric) / abs(numeric))
print("largest relative gap to central differences below 1e-6:", worst < 1e-6)
x = Value(1.0)
y = x
for _ in range(3000):
    y = y * 1.001
y.backward()
print(f"3000 chained products: dy/dx = {x.grad:.6f}, 1.001**3000 = {1.001**3000:.6f}")


def recursive_order(node, order, seen):
    # micrograd's build_topo: one Python frame per node along the current path
    if node not in seen:
        seen.add(node)
        for child in node._children:
            recursive_order(child, order, seen)
        order.append(node)


try:
    recursive_order(y, [], set())
    print("the same graph, recursive topological sort: fine")
except RecursionError:
    print("the same graph, recursive topological sort: RecursionError")
losses = train_value_mlp(40)
print("2-8-1 tanh MLP, 33 parameters, 12 XOR points, gradient descent, lr 0.2:")
for step in [0, 5, 10, 20, 39]:
    print(f"  step {step:3d}: loss {losses[step]:.4f}")
# --8<-- [end:check]
