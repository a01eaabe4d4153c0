import pickle
import re
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

# The test suite the CI job runs. Unit tests check code, data tests check the batch that
# arrived, model tests are the quality gate. Thresholds live in the tests, under review.
TESTS = textwrap.dedent(
    """
    import os, pickle
    import numpy as np
    import pytest

    MIN_ACCURACY, MAX_DROP, CHAMPION_ACCURACY = 0.93, 0.01, 0.965

    @pytest.fixture(scope="module")
    def bundle():
        with open(os.environ["MODEL_BUNDLE"], "rb") as f:
            return pickle.load(f)

    def clip_outliers(X, lo, hi):
        return np.clip(X, lo, hi)

    def test_unit_clip_outliers_keeps_shape_and_bounds():
        X = np.array([[-5.0, 0.5], [9.0, 1.0]])
        out = clip_outliers(X, 0.0, 1.0)
        assert out.shape == X.shape and out.min() >= 0.0 and out.max() <= 1.0

    def test_data_schema_and_ranges(bundle):
        X, y = bundle["X_test"], bundle["y_test"]
        assert X.shape[1] == 30 and not np.isnan(X).any() and (X >= 0).all()
        assert set(np.unique(y)) == {0, 1} and 0.2 < y.mean() < 0.8

    def test_model_meets_absolute_threshold(bundle):
        acc = (bundle["model"].predict(bundle["X_test"]) == bundle["y_test"]).mean()
        assert acc >= MIN_ACCURACY, f"accuracy {acc:.3f} < {MIN_ACCURACY}"

    def test_model_not_worse_than_champion(bundle):
        acc = (bundle["model"].predict(bundle["X_test"]) == bundle["y_test"]).mean()
        assert acc >= CHAMPION_ACCURACY - MAX_DROP, f"accuracy {acc:.3f} vs champion"

    def test_model_invariant_to_tiny_noise(bundle):
        X = bundle["X_test"]
        noisy = X * (1 + 1e-6 * np.random.default_rng(0).standard_normal(X.shape))
        same = (bundle["model"].predict(X) == bundle["model"].predict(noisy)).mean()
        assert same >= 0.99
    """
)

X, y = load_breast_cancer(return_X_y=True)
X_tr, X_te, y_tr, y_te = train_test_split(
    X, y, test_size=0.3, random_state=0, stratify=y
)
candidates = {
    "good model": make_pipeline(
        StandardScaler(), LogisticRegression(max_iter=1000)
    ).fit(X_tr, y_tr),
    # Degraded: the same recipe trained on the first 3 features only (a broken join
    # upstream dropped the rest, and nothing else failed).
    "degraded model": make_pipeline(
        StandardScaler(), LogisticRegression(max_iter=1000)
    ).fit(np.c_[X_tr[:, :3], np.zeros((len(X_tr), 27))], y_tr),
}

with tempfile.TemporaryDirectory() as tmp:
    Path(tmp, "test_pipeline.py").write_text(TESTS)
    for name, model in candidates.items():
        bundle = Path(tmp, "bundle.pkl")
        bundle.write_bytes(
            pickle.dumps({"model": model, "X_test": X_te, "y_test": y_te})
        )
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
            ],
            cwd=tmp,
            capture_output=True,
            text=True,
            env={"MODEL_BUNDLE": str(bundle), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        )
        summary = re.sub(r" in [\d.]+s", "", result.stdout.strip().splitlines()[-1])
        accuracy = (model.predict(X_te) == y_te).mean()
        verdict = "deploy" if result.returncode == 0 else "blocked"
        print(
            f"{name}: accuracy {accuracy:.3f}, pytest exit {result.returncode} "
            f"({summary})"
        )
        failed = [ln for ln in result.stdout.splitlines() if ln.startswith("FAILED")]
        for line in failed:
            print(
                "  ",
                line.split(" - ")[0].replace("FAILED test_pipeline.py::", "failed: "),
            )
        print(f"  -> pipeline {verdict}")
