import numpy as np

GENS = 50  # generations; generation 0 is fitted to real data only
MODES = ["replace", "accumulate", "10% real"]
# replace:    generation t trains only on samples from model t-1
# accumulate: generation t trains on the real data plus every synthetic set so far
# 10% real:   replace, but a tenth of each new training set is fresh real data


def next_training_set(mode, data, synthetic, fresh_real):
    if mode == "replace":
        return synthetic
    if mode == "accumulate":
        return np.concatenate([data, synthetic])
    k = len(fresh_real)
    return np.concatenate([synthetic[:-k], fresh_real])


# 1) A Gaussian, refitted by maximum likelihood each generation (truth: N(0, 1)).
def gaussian_run(mode, seed, n=50):
    rng = np.random.default_rng(seed)
    data, variances = rng.standard_normal(n), []
    for _ in range(GENS + 1):
        mu, var = data.mean(), data.var()  # MLE: divides by n
        variances.append(var)
        synthetic = rng.normal(mu, np.sqrt(var), n)
        data = next_training_set(mode, data, synthetic, rng.standard_normal(n // 10))
    return variances


# 2) A "vocabulary" of 1,000 words with Zipf frequencies; a model is the table of
# word frequencies in its training tokens (the MLE), and generates by sampling it.
K, M = 1000, 5000
p_true = 1 / np.arange(1, K + 1) ** 1.1
p_true /= p_true.sum()
RARE, COMMON = np.arange(K) >= K // 2, np.arange(K) < 100


def zipf_run(mode, seed):
    rng = np.random.default_rng(seed)
    data = rng.choice(K, M, p=p_true)  # the real corpus: M tokens
    rare, common = [], []
    for _ in range(GENS + 1):
        counts = np.bincount(data, minlength=K)
        rare.append(np.sum(counts[RARE] > 0))
        common.append(np.sum(counts[COMMON] > 0))
        synthetic = rng.choice(K, M, p=counts / counts.sum())
        data = next_training_set(
            mode, data, synthetic, rng.choice(K, M // 10, p=p_true)
        )
    return rare, common


# Same seeds in every mode: generation 0 sees the same real data everywhere.
var = {m: np.mean([gaussian_run(m, s) for s in range(200)], axis=0) for m in MODES}
words = {m: np.mean([zipf_run(m, s) for s in range(20)], axis=0) for m in MODES}
print("fitted variance (true 1.00), mean of 200 seeds; words still in the model,")
print("of the 500 rarest and the 100 most common, mean of 20 seeds")
print("      ---- Gaussian variance ----  ------ rare words kept ------  common kept")
print("gen   replace accumulate 10% real   replace accumulate 10% real      replace")
for g in [0, 1, 2, 5, 10, 20, 30, 40, 50]:
    row = f"{g:3d} " + "".join(f"{var[m][g]:10.3f}" for m in MODES)
    row += "".join(f"{words[m][0][g]:10.1f}" for m in MODES)
    print(row + f"{words['replace'][1][g]:13.1f}")
