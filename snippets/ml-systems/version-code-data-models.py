import hashlib
import json
import tempfile
from pathlib import Path

import numpy as np
import sklearn
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ContentStore:
    """A DVC-like store: every object is saved once under the hash of its bytes."""

    def __init__(self, root: Path):
        self.root = root

    def put(self, data: bytes) -> str:
        digest = sha256(data)
        path = self.root / digest[:2] / digest[2:]
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        return digest

    def objects(self) -> int:
        return sum(1 for p in self.root.rglob("*") if p.is_file())


def csv_bytes(X, y) -> bytes:
    rows = [",".join(f"{v:.6g}" for v in x) + f",{t}" for x, t in zip(X, y)]
    return ("\n".join(rows) + "\n").encode()


def train(data: bytes, params: dict):
    arr = np.loadtxt(data.decode().splitlines(), delimiter=",")
    X, y = arr[:, :-1], arr[:, -1].astype(int)
    model = make_pipeline(StandardScaler(), LogisticRegression(**params)).fit(X, y)
    # Hash what the model computes (its parameters), not pickle bytes, which can differ
    # between library versions for the same model.
    lr = model[-1]
    weights = np.concatenate(
        [model[0].mean_, model[0].scale_, lr.coef_.ravel(), lr.intercept_]
    )
    return model, sha256(np.round(weights, 6).tobytes())


X, y = load_breast_cancer(return_X_y=True)
params = {"C": 1.0, "max_iter": 1000}
# In a real repository the code version is the git commit; here, the training config.
code_version = sha256(
    json.dumps({"params": params, "sklearn": sklearn.__version__}).encode()
)

with tempfile.TemporaryDirectory() as tmp:
    store = ContentStore(Path(tmp))
    registry = {}
    runs = [
        ("v1", csv_bytes(X, y)),
        ("v1 again", csv_bytes(X, y)),
        ("one label edited", csv_bytes(X, np.where(np.arange(len(y)) == 0, 1 - y, y))),
    ]
    print(f"{'run':16} {'data':>12} {'model':>12}  objects in store")
    for name, data in runs:
        data_id = store.put(data)
        model, model_id = train(data, params)
        registry[model_id[:12]] = {
            "data": data_id[:12],
            "code": code_version[:12],
            "train_accuracy": round(model.score(X, y), 4),
        }
        print(f"{name:16} {data_id[:12]:>12} {model_id[:12]:>12}  {store.objects()}")

print(f"distinct model versions: {len(registry)}")
for model_id, lineage in sorted(registry.items()):
    print(model_id, lineage)
