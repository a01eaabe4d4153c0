import json
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import sklearn
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

X, y = load_breast_cancer(return_X_y=True)
X_tr, X_te, y_tr, y_te = train_test_split(
    X, y, test_size=0.3, random_state=0, stratify=y
)

# Anti-pattern: the scaler lives in the training notebook, the model ships alone, and
# the
# serving code re-implements preprocessing (here: forgets it).
scaler = StandardScaler().fit(X_tr)
bare_model = LogisticRegression(max_iter=1000).fit(scaler.transform(X_tr), y_tr)
print(
    "offline accuracy (scaled inputs):   "
    f"{bare_model.score(scaler.transform(X_te), y_te):.3f}"
)
print(f"served accuracy (raw inputs, skew): {bare_model.score(X_te, y_te):.3f}")

# Package: preprocessing and model as one artefact, plus the metadata a server needs.
pipeline = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(
    X_tr, y_tr
)
with tempfile.TemporaryDirectory() as tmp:
    pkg = Path(tmp, "model-1")
    pkg.mkdir()
    (pkg / "model.pkl").write_bytes(pickle.dumps(pipeline))
    meta = {
        "name": "tumour-classifier",
        "version": 1,
        "input": {"dtype": "float64", "shape": [None, X.shape[1]]},
        "output": {"classes": [0, 1]},
        "requirements": {"scikit-learn": sklearn.__version__, "numpy": np.__version__},
        "metrics": {"test_accuracy": round(pipeline.score(X_te, y_te), 4)},
    }
    (pkg / "metadata.json").write_text(json.dumps(meta, indent=2))
    np.save(pkg / "sample_input.npy", X_te[:50])

    # Load it in a fresh interpreter, as the serving container would, and compare.
    loader = (
        "import json, pickle, sys, numpy as np, sklearn;"
        "p = sys.argv[1];"
        "meta = json.load(open(p + '/metadata.json'));"
        "assert meta['requirements']['scikit-learn'] == sklearn.__version__;"
        "model = pickle.load(open(p + '/model.pkl', 'rb'));"
        "print(json.dumps(model.predict_proba(np.load(p + "
        "'/sample_input.npy')).tolist()))"
    )
    out = subprocess.run(
        [sys.executable, "-c", loader, str(pkg)],
        capture_output=True,
        text=True,
        check=True,
    )
    served = np.array(json.loads(out.stdout))
    files = sorted(p.name for p in pkg.iterdir())

print(f"packaged accuracy (raw inputs):     {pipeline.score(X_te, y_te):.3f}")
print(f"package files: {files}")
same = np.allclose(served, pipeline.predict_proba(X_te[:50]))
print(f"fresh process reproduces predictions: {same}")
