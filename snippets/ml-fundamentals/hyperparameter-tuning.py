# --8<-- [start:grid-vs-random]
import numpy as np
import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)

# Bergstra & Bengio's setting: two hyperparameters, only the first one matters much.
# Each repeat draws a new objective whose sharp optimum sits somewhere in [0.05, 0.95].
BUDGET, REPEATS = 16, 30


def make_objective(rng):
    centre, slope = rng.uniform(0.05, 0.95), rng.uniform(-0.03, 0.03)

    def score(important, unimportant):
        return np.exp(-(((important - centre) / 0.06) ** 2)) + slope * unimportant

    best = 1 + max(slope, 0)  # at important = centre, unimportant at the better end
    return score, best


grid_values = [0.125, 0.375, 0.625, 0.875]  # a 4 x 4 grid = 16 trials
samplers = {
    "grid 4x4": lambda seed: optuna.samplers.GridSampler(
        {"important": grid_values, "unimportant": grid_values}, seed=seed
    ),
    "random": lambda seed: optuna.samplers.RandomSampler(seed=seed),
    "TPE (Bayesian)": lambda seed: optuna.samplers.TPESampler(
        seed=seed, n_startup_trials=5
    ),
}
rng = np.random.default_rng(0)
objectives = [make_objective(rng) for _ in range(REPEATS)]

print(f"{BUDGET} trials per search, mean over {REPEATS} random objectives")
print("sampler          distinct values of the important one  regret  within 0.1")
for name, make_sampler in samplers.items():
    regrets, distinct = [], []
    for seed, (score, best) in enumerate(objectives):
        study = optuna.create_study(direction="maximize", sampler=make_sampler(seed))
        study.optimize(
            lambda t, score=score: score(
                t.suggest_float("important", 0, 1), t.suggest_float("unimportant", 0, 1)
            ),
            n_trials=BUDGET,
        )
        regrets.append(best - study.best_value)
        distinct.append(len({t.params["important"] for t in study.trials}))
    found = np.mean(np.array(regrets) < 0.1)
    print(f"{name:<17}{np.mean(distinct):37.1f}{np.mean(regrets):8.3f}{found:12.2f}")
# --8<-- [end:grid-vs-random]

# --8<-- [start:digits]
import numpy as np
import optuna
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

optuna.logging.set_verbosity(optuna.logging.WARNING)

# 1797 8x8 digits: 1000 to train, 400 to validate (tuning looks only at these), 397 to
# test.
X, y = load_digits(return_X_y=True)
X = torch.tensor(X / 16.0, dtype=torch.float32)
y = torch.tensor(y)
idx_train, idx_rest = train_test_split(range(len(y)), train_size=1000, random_state=0)
idx_val, idx_test = train_test_split(idx_rest, train_size=400, random_state=0)
MAX_EPOCHS, N_FULL = 12, 12
BUDGET = (
    MAX_EPOCHS * N_FULL
)  # 144 epochs of training per method, however they are spent


def accuracy(model, idx):
    with torch.no_grad():
        return (model(X[idx]).argmax(1) == y[idx]).float().mean().item()


def make_objective(counter):
    def objective(trial):
        lr = trial.suggest_float("lr", 1e-4, 1.0, log=True)
        wd = trial.suggest_float("weight_decay", 1e-6, 1e-1, log=True)
        hidden = trial.suggest_int("hidden", 8, 256, log=True)
        torch.manual_seed(0)
        model = torch.nn.Sequential(
            torch.nn.Linear(64, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 10)
        )
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, weight_decay=wd)
        gen = torch.Generator().manual_seed(0)
        train = torch.tensor(idx_train)
        for epoch in range(MAX_EPOCHS):
            if counter["epochs"] >= BUDGET:
                raise optuna.TrialPruned()  # budget spent: this trial does not count
            counter["epochs"] += 1
            for batch in train[torch.randperm(len(train), generator=gen)].split(100):
                loss = torch.nn.functional.cross_entropy(model(X[batch]), y[batch])
                opt.zero_grad()
                loss.backward()
                opt.step()
            val = accuracy(model, idx_val)
            # Pruners compare this intermediate score with other trials at the same
            # epoch.
            trial.report(val, epoch)
            if trial.should_prune():
                raise optuna.TrialPruned()
        trial.set_user_attr("test", accuracy(model, idx_test))
        return val

    return objective


grid = {"lr": [1e-2, 1e-1, 1.0], "weight_decay": [1e-5, 1e-3], "hidden": [32, 128]}
methods = {
    "grid (3x2x2)": (
        optuna.samplers.GridSampler(grid, seed=0),
        optuna.pruners.NopPruner(),
    ),
    "random": (optuna.samplers.RandomSampler(seed=0), optuna.pruners.NopPruner()),
    "TPE": (
        optuna.samplers.TPESampler(seed=0, n_startup_trials=5),
        optuna.pruners.NopPruner(),
    ),
    "Hyperband (random)": (
        optuna.samplers.RandomSampler(seed=0),
        optuna.pruners.HyperbandPruner(min_resource=1, max_resource=MAX_EPOCHS),
    ),
    "TPE + Hyperband": (
        optuna.samplers.TPESampler(seed=0, n_startup_trials=5),
        optuna.pruners.HyperbandPruner(min_resource=1, max_resource=MAX_EPOCHS),
    ),
}
print(f"budget: {BUDGET} epochs per method ({N_FULL} full trainings of {MAX_EPOCHS})")
print("method              configs  full runs  epochs used  best val  its test acc")
for name, (sampler, pruner) in methods.items():
    counter = {"epochs": 0}
    # A fixed study name: Optuna's Hyperband assigns brackets from a hash of it.
    study = optuna.create_study(
        study_name="digits", direction="maximize", sampler=sampler, pruner=pruner
    )
    study.optimize(
        make_objective(counter),
        n_trials=200,
        callbacks=[lambda s, t, c=counter: s.stop() if c["epochs"] >= BUDGET else None],
    )
    full = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    best = study.best_trial
    print(
        f"{name:<20}{len(study.trials):7d}{len(full):11d}{counter['epochs']:13d}"
        f"{best.value:10.3f}{best.user_attrs['test']:14.3f}"
    )
print(
    "best TPE + Hyperband config:",
    {k: v if isinstance(v, int) else float(f"{v:.3g}") for k, v in best.params.items()},
)

# Gotcha: create_study() without a pruner uses MedianPruner, so an objective that calls
# trial.should_prune() is pruned even when you meant to run a plain grid.
counter = {"epochs": 0}
study = optuna.create_study(
    direction="maximize", sampler=optuna.samplers.GridSampler(grid, seed=0)
)
study.optimize(make_objective(counter))
full = sum(t.state == optuna.trial.TrialState.COMPLETE for t in study.trials)
print(f"grid with the default pruner: {full} of {len(study.trials)} runs completed")
# --8<-- [end:digits]

# --8<-- [start:keras-tuner]
import os
import sys
import tempfile
import time

os.environ["KERAS_BACKEND"] = "torch"  # if no keras import came first in this process
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"  # keras-tuner imports TensorFlow: quiet it
import keras  # noqa: E402
import keras_tuner as kt  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(
    X / 16, y, train_size=1000, random_state=0
)


def build_model(hp):
    model = keras.Sequential(
        [
            keras.Input(shape=(64,)),
            keras.layers.Dense(
                hp.Int("hidden", 8, 256, sampling="log"), activation="relu"
            ),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    lr = hp.Float("lr", 1e-4, 1.0, sampling="log")
    model.compile(
        optimizer=keras.optimizers.SGD(lr, momentum=0.9),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


keras.utils.set_random_seed(0)
start = time.perf_counter()
with tempfile.TemporaryDirectory() as tmp:  # trial records go here, then vanish
    tuner = kt.Hyperband(
        build_model,
        objective="val_accuracy",
        max_epochs=3,
        factor=3,
        seed=0,
        directory=tmp,
        project_name="digits",
    )
    tuner.search(
        X_train, y_train, validation_data=(X_val, y_val), batch_size=32, verbose=0
    )
    trials = tuner.oracle.trials.values()
    best_val = tuner.oracle.get_best_trials(1)[0].score
print(f"keras-tuner: {time.perf_counter() - start:.1f}s", file=sys.stderr)
print(f"trials run: {len(trials)}")
# The best configuration depends on Keras's backend (TensorFlow or PyTorch, whichever
# this process imported first), so only backend-independent facts are printed.
print(f"best validation accuracy above 0.9: {best_val > 0.9}")
# --8<-- [end:keras-tuner]

# --8<-- [start:hyperopt]
import warnings

import numpy as np
from hyperopt import STATUS_OK, Trials, fmin, hp, tpe
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(
    X / 16, y, train_size=1000, random_state=0
)


def train_and_validate(lr, hidden):
    model = MLPClassifier(
        (int(hidden),),
        solver="sgd",
        learning_rate_init=lr,
        momentum=0.9,
        batch_size=100,
        max_iter=10,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # 10 epochs on purpose
        return model.fit(X_train, y_train).score(X_val, y_val)


space = {
    "lr": hp.loguniform("lr", np.log(1e-4), np.log(1.0)),
    "hidden": hp.qloguniform("hidden", np.log(8), np.log(256), 1),
}
trials = Trials()
best = fmin(
    lambda params: {"loss": -train_and_validate(**params), "status": STATUS_OK},
    space,
    algo=tpe.suggest,
    max_evals=20,
    trials=trials,
    rstate=np.random.default_rng(0),
    show_progressbar=False,
)
losses = -np.array(trials.losses())
print(f"best config: hidden={best['hidden']:.0f}, lr={best['lr']:.3g}")
print(f"best validation accuracy {losses.max():.3f} after {len(losses)} trials")
print(
    f"median accuracy, trials 1-10: {np.median(losses[:10]):.3f}, "
    f"trials 11-20: {np.median(losses[10:]):.3f}"
)
# --8<-- [end:hyperopt]

# --8<-- [start:ray]
import os
import shutil
import tempfile
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

os.environ["RAY_AUTH_MODE"] = "disabled"  # local only: write no token to ~/.ray
import ray  # noqa: E402


@ray.remote
def train_and_validate(lr, hidden):
    X, y = load_digits(return_X_y=True)
    X_train, X_val, y_train, y_val = train_test_split(
        X / 16, y, train_size=1000, random_state=0
    )
    model = MLPClassifier(
        (hidden,),
        solver="sgd",
        learning_rate_init=lr,
        momentum=0.9,
        batch_size=100,
        max_iter=10,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X_train, y_train).score(X_val, y_val)


rng = np.random.default_rng(0)
configs = [
    {"lr": float(10 ** rng.uniform(-4, 0)), "hidden": int(2 ** rng.uniform(3, 8))}
    for _ in range(8)
]
tmp = tempfile.mkdtemp()  # Ray's session files go here, not to /tmp/ray
ray.init(
    num_cpus=1,
    include_dashboard=False,
    log_to_driver=False,
    _temp_dir=tmp,
)
try:
    futures = [train_and_validate.remote(**c) for c in configs]  # returns at once
    scores = ray.get(futures)  # blocks until every task has finished
finally:
    ray.shutdown()
    shutil.rmtree(tmp, ignore_errors=True)
best = int(np.argmax(scores))
print(f"{len(scores)} configurations evaluated as Ray tasks")
print(
    f"best: hidden={configs[best]['hidden']}, lr={configs[best]['lr']:.3g}, "
    f"validation accuracy {scores[best]:.3f}"
)
# --8<-- [end:ray]
