import io
import warnings

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn
from torch.nn.utils import prune

torch.manual_seed(0)
torch.set_num_threads(1)
rng = np.random.default_rng(0)

# 8x8 digits: 1,147 to train, a golden set of 200 shipped with the model, 450 to test
X, y = load_digits(return_X_y=True)
X = (X / 16.0).astype(np.float32)
X_tr, X_te, y_tr, y_te = train_test_split(
    X, y, test_size=450, random_state=0, stratify=y
)
X_tr, X_gold, y_tr, y_gold = train_test_split(
    X_tr, y_tr, test_size=200, random_state=0, stratify=y_tr
)
X_tr, X_gold, X_te = map(torch.from_numpy, (X_tr, X_gold, X_te))
y_tr = torch.from_numpy(y_tr)


def mlp(hidden):
    return nn.Sequential(nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, 10))


def train(model, targets, epochs=60, temp=1.0):
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for _ in range(epochs):
        for idx in torch.randperm(len(X_tr)).split(64):
            logits = model(X_tr[idx])
            if targets is None:
                loss = F.cross_entropy(logits, y_tr[idx])
            else:
                # distillation: soft teacher targets at temperature temp, plus labels
                soft = F.kl_div(
                    F.log_softmax(logits / temp, 1),
                    F.softmax(targets[idx] / temp, 1),
                    reduction="batchmean",
                )
                loss = 0.5 * soft * temp**2 + 0.5 * F.cross_entropy(logits, y_tr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    return model.eval()


def predict(model, X):
    # one image per call, as on a phone (dynamic int8 picks its scale per call)
    with torch.no_grad():
        return np.array([model(x[None]).argmax(1).item() for x in X])


def size_bytes(model):
    buf = io.BytesIO()
    torch.save(model.state_dict(), buf)
    return buf.getbuffer().nbytes


teacher = train(mlp(256), None)
with torch.no_grad():
    teacher_logits = teacher(X_tr)

# 1) post-training dynamic int8 quantisation of the Linear layers
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    int8 = torch.ao.quantization.quantize_dynamic(
        teacher, {nn.Linear}, dtype=torch.qint8
    )
deprecated = any(issubclass(w.category, DeprecationWarning) for w in caught)
version = torch.__version__.split("+")[0]
print(f"torch {version}: quantize_dynamic warns of deprecation: {deprecated}")

# 2) magnitude pruning: the 80% smallest weights of both layers set to zero
pruned = mlp(256)
pruned.load_state_dict(teacher.state_dict())
params = [(pruned[0], "weight"), (pruned[2], "weight")]
prune.global_unstructured(params, pruning_method=prune.L1Unstructured, amount=0.8)
for module, name in params:
    prune.remove(module, name)
pruned.eval()
# the same zeros stored as sparse CSR tensors (values plus int64 indices)
with warnings.catch_warnings():
    # sparse CSR support is marked beta
    warnings.simplefilter("ignore")
    csr = {
        k: v.to_sparse_csr() if v.dim() == 2 else v
        for k, v in pruned.state_dict().items()
    }
buf = io.BytesIO()
torch.save(csr, buf)
pruned_csr_bytes = buf.getbuffer().nbytes

# 3) a 4x narrower student, with and without distillation from the teacher
torch.manual_seed(1)
student_kd = train(mlp(64), teacher_logits, temp=4.0)
torch.manual_seed(1)
student = train(mlp(64), None)

ref_te = predict(teacher, X_te)
rows = [
    ("fp32 teacher, 64-256-10", teacher, size_bytes(teacher)),
    ("dynamic int8 (Linear)", int8, size_bytes(int8)),
    ("80% pruned, dense file", pruned, size_bytes(pruned)),
    ("80% pruned, sparse CSR", pruned, pruned_csr_bytes),
    ("student 64-64-10, labels", student, size_bytes(student)),
    ("student 64-64-10, distilled", student_kd, size_bytes(student_kd)),
]
print(f"{'model':29s} {'bytes':>7s} {'test acc':>8s} {'label changes':>13s}")
for name, model, nbytes in rows:
    pred = predict(model, X_te)
    acc = (pred == y_te).mean()
    churn = (pred != ref_te).mean()
    print(f"{name:29s} {nbytes:7,d} {acc:8.3f} {churn:13.3f}")

# Staged rollout of v2 = the distilled student, replacing the bundled v1 (the student
# trained on labels). The golden set ships with v2 and its labels from v2 in fp32; each
# phone runs it after download and reports one number: its agreement with them.
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    v2_int8 = torch.ao.quantization.quantize_dynamic(
        student_kd, {nn.Linear}, dtype=torch.qint8
    )


def fp16_path(X):
    # a GPU delegate that stores weights and activations in fp16
    def r(t):
        return t.half().float()

    W1, b1, W2, b2 = (r(p.detach()) for p in student_kd.parameters())
    h = r(torch.relu(r(X) @ W1.T + b1))
    return (r(h @ W2.T + b2)).argmax(1).numpy()


def broken_npu(X):
    # ASSUMPTION for the simulation: one chipset's NPU driver reads the input buffer
    # one pixel column late (a stride bug), so each 8x8 image arrives shifted
    shifted = torch.roll(X.reshape(-1, 8, 8), 1, dims=2).reshape(-1, 64)
    return predict(v2_int8, shifted)


classes = [
    ("flagship, NPU int8", 0.25, lambda X: predict(v2_int8, X)),
    ("mid-range, GPU fp16", 0.40, fp16_path),
    ("low-end, CPU fp32", 0.34, lambda X: predict(student_kd, X)),
    ("chipset X, NPU driver 1.2", 0.01, broken_npu),
]
gold_ref = predict(student_kd, X_gold)
v1_acc = (predict(student, X_te) == y_te).mean()
v2_acc = (predict(student_kd, X_te) == y_te).mean()
print(f"\nv1 (bundled) test acc {v1_acc:.3f}; v2 (fp32) test acc {v2_acc:.3f}")
print(f"{'device class':26s} {'share':>5s} {'golden agree':>12s} {'test acc':>8s}")
agree, acc = {}, {}
for name, share, run in classes:
    agree[name] = (run(X_gold) == gold_ref).mean()
    acc[name] = (run(X_te) == y_te).mean()
    print(f"{name:26s} {share:5.2f} {agree[name]:12.3f} {acc[name]:8.3f}")

shares = np.array([c[1] for c in classes])
fleet_acc = sum(s * acc[c[0]] for s, c in zip(shares, classes))
print(f"fleet-wide test acc, share-weighted: {fleet_acc:.3f}")
fleet_gate = "pass" if fleet_acc >= v1_acc - 0.01 else "fail"
print(f"fleet gate, v2 no worse than v1 - 0.01: {fleet_gate}")

# a fleet of 200,000 phones updated in random order; a class is judged once 5 of its
# phones report, and one below 0.98 golden agreement is switched back to the bundled v1
fleet_class = rng.choice(len(classes), size=200_000, p=shares)
order = rng.permutation(len(fleet_class))
min_reports, min_agree = 5, 0.98
blocked = set()
print(f"{'stage':>5s} {'phones on v2':>12s} {'chipset X on v2':>15s}  decision")
for stage in (0.01, 0.10, 0.50, 1.00):
    updated = fleet_class[order[: int(stage * len(order))]]
    counts = np.bincount(updated, minlength=len(classes))
    counts[[c[0] in blocked for c in classes]] = 0
    decision = "continue"
    for (name, _, _), n in zip(classes, counts):
        if n >= min_reports and agree[name] < min_agree:
            blocked.add(name)
            decision = f"kill switch for {name.split(',')[0]} (agree {agree[name]:.3f})"
    print(f"{stage:5.0%} {counts.sum():12,d} {counts[3]:15,d}  {decision}")
final_acc = sum(
    s * (v1_acc if c[0] in blocked else acc[c[0]]) for s, c in zip(shares, classes)
)
print(f"fleet test acc at 100%, chipset X back on v1: {final_acc:.3f}")
