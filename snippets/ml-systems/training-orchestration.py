# --8<-- [start:orchestrator]
import hashlib
import json
from graphlib import TopologicalSorter

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split


def key(*parts) -> str:
    return hashlib.sha256(
        json.dumps(parts, sort_keys=True, default=str).encode()
    ).hexdigest()


class Pipeline:
    """A tiny orchestrator: a DAG of steps, run in dependency order, with step caching
    keyed by (step name, its config, the cache keys of its inputs), as Kubeflow
    Pipelines and ZenML do. Airflow schedules and retries tasks but does not cache
    their outputs."""

    def __init__(self):
        self.steps, self.deps, self.cache = {}, {}, {}

    def step(self, *deps):
        def register(fn):
            self.steps[fn.__name__], self.deps[fn.__name__] = fn, deps
            return fn

        return register

    def run(self, config: dict) -> tuple[dict, list[str]]:
        outputs, keys, executed = {}, {}, []
        for name in TopologicalSorter(self.deps).static_order():
            keys[name] = key(name, config.get(name), [keys[d] for d in self.deps[name]])
            if keys[name] not in self.cache:
                inputs = [outputs[d] for d in self.deps[name]]
                self.cache[keys[name]] = self.steps[name](config.get(name), *inputs)
                executed.append(name)
            outputs[name] = self.cache[keys[name]]
        return outputs, executed


pipe = Pipeline()


@pipe.step()
def ingest(cfg):
    return load_digits(return_X_y=True)


@pipe.step("ingest")
def split(cfg, data):
    return train_test_split(*data, test_size=0.25, random_state=cfg["seed"])


@pipe.step("split")
def train(cfg, parts):
    X_tr, _, y_tr, _ = parts
    return LogisticRegression(C=cfg["C"], max_iter=2000).fit(X_tr / 16, y_tr)


@pipe.step("split", "train")
def evaluate(cfg, parts, model):
    _, X_te, _, y_te = parts
    return float(np.mean(model.predict(X_te / 16) == y_te))


config = {"split": {"seed": 0}, "train": {"C": 1.0}}
for label, cfg in [
    ("first run", config),
    ("same config again", config),
    ("new C for train", {**config, "train": {"C": 0.1}}),
    ("new split seed", {**config, "split": {"seed": 1}}),
]:
    out, ran = pipe.run(cfg)
    print(
        f"{label:18} executed {ran or 'nothing (all cached)'}; accuracy "
        f"{out['evaluate']:.3f}"
    )
# --8<-- [end:orchestrator]

# --8<-- [start:mlflow]
import os
import tempfile

# MLflow 3 refuses the plain-file backend unless told; production uses a tracking server
# with a database (sqlite:///mlflow.db for one machine). Files keep this example fast.
os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"
import mlflow
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

X, y = load_digits(return_X_y=True)
X_tr, X_te, y_tr, y_te = train_test_split(X / 16, y, random_state=0)

with tempfile.TemporaryDirectory() as tmp:
    mlflow.set_tracking_uri(f"file:{tmp}/mlruns")
    mlflow.set_experiment("digits")
    # What an Airflow task would do at each scheduled run: train, log, return the run
    # id.
    for C in (0.01, 0.1, 1.0):
        with mlflow.start_run(run_name=f"C={C}"):
            mlflow.log_params({"C": C, "data_version": "sklearn-digits-1797"})
            model = LogisticRegression(C=C, max_iter=2000).fit(X_tr, y_tr)
            mlflow.log_metric("accuracy", model.score(X_te, y_te))
    # Compare runs from the tracking store, not from memory: what a gate step does.
    runs = mlflow.search_runs(order_by=["metrics.accuracy DESC"])
    for _, run in runs.iterrows():
        print(f"run C={run['params.C']:<5} accuracy {run['metrics.accuracy']:.3f}")
    print(f"best run: C={runs.iloc[0]['params.C']}, {len(runs)} runs logged")
# --8<-- [end:mlflow]
