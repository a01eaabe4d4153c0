# --8<-- [start:signature]
import numpy as np


class TDigest:
    """A merging t-digest (Dunning and Ertl 2019) with the k1 scale function
    k(q) = delta / (2 pi) * asin(2q - 1), delta >= 1.

    add(x) appends x to a buffer of buffer_size values (default 2 * delta); when
    the buffer is full, it is merged into the centroids. A merge sorts the old
    centroids and the buffered values (weight 1) by mean and sweeps them in that
    order: the open centroid takes the next item while the cumulative weight
    after that item, as a share q_right of the total, keeps
    k(q_right) - k(q_left) <= 1 (q_left: the share before the open centroid);
    otherwise the open centroid is closed and the item opens the next one.
    A centroid is (mean, weight); centroids() merges the buffer and returns
    (means, weights), two float arrays, means non-decreasing. count, min and max
    are exact. merge(other) folds other's centroids and buffer into self (other
    unchanged) and returns self.

    quantile(q), 0 <= q <= 1 (else ValueError), nan on an empty digest: with n
    values, centroid i holds the ranks around its centre c_i = (weight before
    it) + w_i / 2; for t = q * n interpolate linearly between (0, min),
    (c_0, mean_0), ..., (c_last, mean_last), (n, max). quantile(0) is min and
    quantile(1) is max, exactly."""

    def __init__(self, delta: float = 100, buffer_size: int | None = None):
        raise NotImplementedError

    def add(self, x: float) -> None:
        raise NotImplementedError

    def merge(self, other: "TDigest") -> "TDigest":
        raise NotImplementedError

    def centroids(self) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def quantile(self, q: float) -> float:
        raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import math

import numpy as np


class TDigest:
    def __init__(self, delta: float = 100, buffer_size: int | None = None):
        if delta < 1:
            raise ValueError(f"delta = {delta}: it must be at least 1")
        self.delta = delta
        self.buffer_size = buffer_size or int(2 * delta)
        self.means, self.weights = np.zeros(0), np.zeros(0)
        self.buffer: list[float] = []
        # count, min and max of the values already in the centroids
        self.merged_count, self.merged_min, self.merged_max = 0, math.inf, -math.inf

    @property
    def count(self) -> int:
        return self.merged_count + len(self.buffer)

    @property
    def min(self) -> float:
        return min(self.merged_min, min(self.buffer, default=math.inf))

    @property
    def max(self) -> float:
        return max(self.merged_max, max(self.buffer, default=-math.inf))

    def _k(self, q: float) -> float:
        return self.delta / (2 * math.pi) * math.asin(2 * min(max(q, 0.0), 1.0) - 1)

    def _q(self, k: float) -> float:
        # inverse of _k; k beyond delta / 4 (the value of k(1)) means no limit
        if k >= self.delta / 4:
            return 1.0
        return (math.sin(2 * math.pi * k / self.delta) + 1) / 2

    def add(self, x: float) -> None:
        self.buffer.append(float(x))
        if len(self.buffer) >= self.buffer_size:
            self._flush()

    def _compress(self, means: np.ndarray, weights: np.ndarray) -> None:
        means = np.concatenate([self.means, means])
        weights = np.concatenate([self.weights, weights])
        order = np.argsort(means, kind="stable")
        means, weights = means[order], weights[order]
        cum = np.cumsum(weights)  # weight up to and including each item
        total = cum[-1]
        new_means, new_weights = [], []
        i = 0
        while i < len(means):
            before = cum[i] - weights[i]
            # the largest cumulative weight the open centroid may reach
            limit = self._q(self._k(before / total) + 1) * total
            # the last item that fits; a single item always opens a centroid
            j = max(i, int(np.searchsorted(cum, limit * (1 + 1e-12), "right")) - 1)
            w = weights[i : j + 1]
            mean = float(np.dot(means[i : j + 1], w) / w.sum())
            # rounding must not move a mean outside its items (keeps order)
            new_means.append(min(max(mean, means[i]), means[j]))
            new_weights.append(float(w.sum()))
            i = j + 1
        self.means, self.weights = np.array(new_means), np.array(new_weights)

    def _flush(self) -> None:
        if self.buffer:
            values = np.array(self.buffer)
            self.merged_count += len(values)
            self.merged_min = min(self.merged_min, float(values.min()))
            self.merged_max = max(self.merged_max, float(values.max()))
            self._compress(values, np.ones(len(values)))
            self.buffer = []

    def merge(self, other: "TDigest") -> "TDigest":
        self._flush()
        means = np.concatenate([other.means, np.array(other.buffer)])
        weights = np.concatenate([other.weights, np.ones(len(other.buffer))])
        if len(means):
            self._compress(means, weights)
        self.merged_count += other.count
        self.merged_min = min(self.merged_min, other.min)
        self.merged_max = max(self.merged_max, other.max)
        return self

    def centroids(self) -> tuple[np.ndarray, np.ndarray]:
        self._flush()
        return self.means.copy(), self.weights.copy()

    def quantile(self, q: float) -> float:
        if not 0 <= q <= 1:
            raise ValueError(f"q = {q}: it must be in [0, 1]")
        if self.count == 0:
            return math.nan
        if q == 0:
            return self.min
        if q == 1:
            return self.max
        means, weights = self.centroids()
        centres = np.cumsum(weights) - weights / 2
        ranks = np.concatenate([[0.0], centres, [self.count]])
        values = np.concatenate([[self.min], means, [self.max]])
        return float(np.interp(q * self.count, ranks, values))


# --8<-- [end:solution]


# --8<-- [start:tests]
import math

import numpy as np
import pytest

TDIGEST_QS = [0.5, 0.9, 0.99, 0.999]


def tdigest_streams(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    bimodal = np.where(
        rng.random(n) < 0.8, rng.normal(50, 5, size=n), rng.normal(300, 30, size=n)
    )
    return {
        "uniform": rng.uniform(0, 1, size=n),
        "lognormal": rng.lognormal(3, 1, size=n),
        "bimodal": bimodal,
    }


def rank_of(sorted_data: np.ndarray, value: float) -> float:
    """Share of the data below value, counting ties as half (a continuous CDF)."""
    below = np.searchsorted(sorted_data, value, "left")
    at_most = np.searchsorted(sorted_data, value, "right")
    return (below + at_most) / 2 / len(sorted_data)


def centroid_width(q: float, delta: float) -> float:
    """Share of ranks a centroid at q may span: dq/dk = 2 pi sqrt(q(1-q)) / delta."""
    return 2 * math.pi * math.sqrt(q * (1 - q)) / delta


def test_tdigest_worked_example():
    td = TDigest(delta=100)
    assert math.isnan(td.quantile(0.5))
    values = [7, 1, 9, 3, 10, 2, 8, 4, 6, 5]
    for x in values:
        td.add(x)
    means, weights = td.centroids()
    # ten values, delta 100: every value is its own centroid
    assert means.tolist() == list(range(1, 11)) and weights.tolist() == [1.0] * 10
    for q in [0, 0.04, 0.25, 0.5, 0.9, 0.97, 1]:
        expected = np.quantile(values, q, method="hazen")
        assert td.quantile(q) == pytest.approx(expected, abs=1e-12)
    # delta 8: k(q) = (4 / pi) asin(2q - 1) runs from -2 to 2
    small = TDigest(delta=8, buffer_size=100)
    for x in range(1, 21):
        small.add(x)
    means, weights = small.centroids()
    assert weights.tolist() == [2.0, 6.0, 7.0, 4.0, 1.0]
    assert means.tolist() == [1.5, 5.5, 12.0, 17.5, 20.0]
    assert small.quantile(0.05) == pytest.approx(1.5)
    assert small.quantile(0.5) == pytest.approx(10.5)
    assert small.quantile(0.9) == pytest.approx(18.5)
    with pytest.raises(ValueError):
        small.quantile(1.5)


def test_tdigest_rank_error_on_three_streams():
    delta = 100
    for name, data in tdigest_streams(50_000).items():
        td = TDigest(delta)
        for x in data:
            td.add(x)
        ordered = np.sort(data)
        for q in TDIGEST_QS:
            estimate = td.quantile(q)
            error = abs(rank_of(ordered, estimate) - q)
            # within the width of one centroid at q (plus one value)
            assert error <= centroid_width(q, delta) + 1 / len(data), (name, q, error)
            assert estimate == pytest.approx(np.quantile(data, q), rel=0.05), (name, q)
        assert td.count == len(data)
        assert (td.min, td.max) == (data.min(), data.max())


def test_tdigest_centroid_count_is_bounded():
    # any two neighbours together span more than 1 in k, and k spans delta / 2
    rng = np.random.default_rng(1)
    stream = rng.lognormal(0, 2, size=100_000)
    for delta in [20, 100]:
        for name, values in [("random", stream), ("sorted", np.sort(stream))]:
            td = TDigest(delta)
            for i, x in enumerate(values, start=1):
                td.add(x)
                if i % 4_999 == 0 or i == len(values):
                    means, weights = td.centroids()
                    assert len(means) <= delta + 1, (delta, name, i, len(means))
                    assert weights.sum() == i
                    assert np.all(np.diff(means) >= 0)


def test_tdigest_merge_of_shards_matches_one_digest():
    delta = 100
    data = np.concatenate(list(tdigest_streams(30_000, seed=2).values()))
    # shards of different sizes, each with different values
    cuts = [0, 1_000, 5_000, 20_000, 50_000, 90_000]
    one, merged = TDigest(delta), TDigest(delta)
    for x in data:
        one.add(x)
    for lo, hi in zip(cuts, [*cuts[1:], len(data)]):
        shard = TDigest(delta)
        for x in data[lo:hi]:
            shard.add(x)
        merged.merge(shard)
    merged.merge(TDigest(delta))  # an empty digest changes nothing
    assert merged.count == len(data)
    assert (merged.min, merged.max) == (data.min(), data.max())
    assert len(merged.centroids()[0]) <= delta + 1
    ordered = np.sort(data)
    for q in TDIGEST_QS:
        width = centroid_width(q, delta)
        rank_merged = rank_of(ordered, merged.quantile(q))
        rank_one = rank_of(ordered, one.quantile(q))
        assert abs(rank_merged - q) <= width, q
        assert abs(rank_merged - rank_one) <= width, q


def test_tdigest_quantile_is_monotone():
    data = tdigest_streams(20_000, seed=3)["bimodal"]
    for delta in [10, 100]:
        td = TDigest(delta)
        for x in data:
            td.add(x)
        estimates = [td.quantile(q) for q in np.linspace(0, 1, 2001)]
        assert np.all(np.diff(estimates) >= 0)
        assert estimates[0] == data.min() and estimates[-1] == data.max()


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_tdigest_worked_example,
    test_tdigest_rank_error_on_three_streams,
    test_tdigest_centroid_count_is_bounded,
    test_tdigest_merge_of_shards_matches_one_digest,
    test_tdigest_quantile_is_monotone,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")

print("worked example: 1..20, delta 8, k(q) = (4 / pi) asin(2q - 1)")
print("  mean  weight  q_left  q_right  k_left  k_right")
small = TDigest(delta=8, buffer_size=100)
for x in range(1, 21):
    small.add(x)
before = 0.0
for mean, weight in zip(*small.centroids()):
    q_left, q_right = before / 20, (before + weight) / 20
    print(
        f"{mean:6.1f}  {weight:6.0f}  {q_left:6.2f}  {q_right:7.2f}"
        f"  {small._k(q_left):6.3f}  {small._k(q_right):7.3f}"
    )
    before += weight
print(
    f"  quantile 0.05, 0.5, 0.9: {small.quantile(0.05):.1f}, "
    f"{small.quantile(0.5):.1f}, {small.quantile(0.9):.1f}"
)

# request latencies in ms: median 20, lognormal with sigma 1; a second stream
# adds one request that timed out after 30 s
rng = np.random.default_rng(0)
n = 200_000
latency = rng.lognormal(math.log(20), 1.0, size=n)
streams = {"no": latency, "yes": np.append(latency, 30_000.0)}
print(f"lognormal latencies: n = {n:,}, median 20 ms, sigma 1")
qs = [0.5, 0.99, 0.999]
print(
    "exact p50, p99, p99.9 (ms): "
    + ", ".join(f"{np.quantile(latency, q):.1f}" for q in qs)
)


def histogram_quantile(edges: np.ndarray, counts: np.ndarray, q: float) -> float:
    """Linear interpolation inside the bucket holding rank q * n."""
    cum = np.concatenate([[0], np.cumsum(counts)])
    return float(np.interp(q * cum[-1], cum, edges))


def fit_all(values: np.ndarray) -> tuple[dict, int, float, int]:
    td = TDigest(delta=100)
    most_centroids = 0
    for start in range(0, len(values), td.buffer_size):
        for x in values[start : start + td.buffer_size]:
            td.add(x)
        most_centroids = max(most_centroids, len(td.means))
    # stored numbers at the peak: (mean, weight) per centroid, the full
    # buffer, count, min and max; the other methods get as many
    budget = 2 * most_centroids + td.buffer_size + 3
    # buckets over [min, max], known in hindsight: the counts and two ends
    linear_edges = np.linspace(values.min(), values.max(), budget - 1)
    log_edges = np.geomspace(values.min(), values.max(), budget - 1)
    sample = rng.choice(values, size=budget, replace=False)
    linear_counts = np.histogram(values, linear_edges)[0]
    log_counts = np.histogram(values, log_edges)[0]
    methods = {
        "uniform sample": lambda q: float(np.quantile(sample, q, method="hazen")),
        "fixed-width buckets": lambda q: histogram_quantile(
            linear_edges, linear_counts, q
        ),
        "log-width buckets": lambda q: histogram_quantile(log_edges, log_counts, q),
        "t-digest": td.quantile,
    }
    return methods, budget, linear_edges[1] - linear_edges[0], most_centroids


fitted = {timeout: fit_all(values) for timeout, values in streams.items()}
budget, most_centroids = fitted["no"][1], fitted["no"][3]
print(
    f"t-digest delta 100, buffer 200: at most {most_centroids} centroids,"
    f" {budget} stored numbers at the peak"
)
print("                                  value error              rank error")
print("method               timeout   p50     p99   p99.9      p50      p99    p99.9")
for name in fitted["no"][0]:
    for timeout, values in streams.items():
        ordered, estimate_at = np.sort(values), fitted[timeout][0][name]
        estimates = [estimate_at(q) for q in qs]
        value_errors = [e / np.quantile(values, q) - 1 for e, q in zip(estimates, qs)]
        rank_errors = [rank_of(ordered, e) - q for e, q in zip(estimates, qs)]
        print(
            f"{name:20s} {timeout:7s}"
            + "".join(f"  {e:+6.3f}" for e in value_errors)
            + " "
            + "".join(f"  {e:+7.4f}" for e in rank_errors)
        )
print(
    "fixed-width bucket width (ms): "
    f"{fitted['no'][2]:.1f}, with the timeout {fitted['yes'][2]:.1f}"
)
for timeout in streams:
    means, weights = fitted[timeout][0]["t-digest"].__self__.centroids()
    print(
        f"t-digest, timeout {timeout}: top centroids' weights "
        f"{weights[-3:].astype(int).tolist()}, means {np.round(means[-3:], 1).tolist()}"
    )
errors = []
for _ in range(100):
    other = rng.choice(latency, size=budget, replace=False)
    errors.append(
        np.quantile(other, 0.999, method="hazen") / np.quantile(latency, 0.999)
    )
errors = np.abs(np.array(errors) - 1)
print(
    f"100 uniform samples of {budget}: |value error| at p99.9 median "
    f"{np.median(errors):.3f}, 90th percentile {np.quantile(errors, 0.9):.3f}"
)

# three hosts: the busy ones are fast, a small one is slow
hosts = {
    "host A": rng.lognormal(math.log(20), 0.6, size=75_000),
    "host B": rng.lognormal(math.log(25), 0.6, size=20_000),
    "host C": rng.lognormal(math.log(80), 0.6, size=5_000),
}
union = np.sort(np.concatenate(list(hosts.values())))
fleet = TDigest(delta=100)
print("host     requests  exact p99  digest p99")
p99s = []
for name, values in hosts.items():
    digest = TDigest(delta=100)
    for x in values:
        digest.add(x)
    p99s.append(np.quantile(values, 0.99))
    print(f"{name}  {len(values):9,}  {p99s[-1]:9.1f}  {digest.quantile(0.99):10.1f}")
    fleet.merge(digest)
mean_p99, merged_p99 = float(np.mean(p99s)), fleet.quantile(0.99)
print(f"fleet p99, exact: {np.quantile(union, 0.99):.1f}")
print(
    f"mean of the hosts' p99s: {mean_p99:.1f}, "
    f"the fleet's p{100 * rank_of(union, mean_p99):.2f}"
)
print(
    f"merged digests: {merged_p99:.1f}, "
    f"the fleet's p{100 * rank_of(union, merged_p99):.2f}"
)
# --8<-- [end:check]
