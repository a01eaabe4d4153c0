# --8<-- [start:signature]
class RunningMedian:
    """Median of every value added so far, with two heaps (heapq).

    self.low holds the lower half as a max-heap of negated values (-self.low[0] is
    its largest value) and self.high the upper half as a min-heap; every value in
    low is <= every value in high, and len(low) is len(high) or len(high) + 1.
    add(x) inserts x in O(log n) and returns the new median; median() returns it
    (the middle value for an odd count, the mean of the two middle values for an
    even count, always a float, nan before the first value)."""

    def __init__(self):
        raise NotImplementedError

    def add(self, x: float) -> float:
        raise NotImplementedError

    def median(self) -> float:
        raise NotImplementedError


class SlidingMedian:
    """Median of the last k values of a stream (k >= 1, else ValueError).

    add(x) appends x and returns the median of the last min(k, count) values, in
    O(log k) amortised time and O(k) memory: the same two heaps as RunningMedian,
    self.low and self.high, but a value that leaves the window stays in its heap
    until it reaches a top (lazy deletion). Tag each entry with its position in
    the stream, (value, i), so that equal values are distinct entries and an entry
    is stale when i <= count - 1 - k; rebuild both heaps from their live entries
    when the stale entries outnumber the live ones, so that len(self.low) +
    len(self.high) never exceeds 2k after add returns."""

    def __init__(self, k: int):
        raise NotImplementedError

    def add(self, x: float) -> float:
        raise NotImplementedError

    def median(self) -> float:
        raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import heapq
from collections import deque


class RunningMedian:
    def __init__(self):
        self.low = []  # lower half, negated: a max-heap
        self.high = []  # upper half: a min-heap

    def add(self, x: float) -> float:
        if self.high and x > self.high[0]:
            heapq.heappush(self.high, x)
        else:
            heapq.heappush(self.low, -x)
        # restore len(high) <= len(low) <= len(high) + 1 with one move
        if len(self.low) > len(self.high) + 1:
            heapq.heappush(self.high, -heapq.heappop(self.low))
        elif len(self.high) > len(self.low):
            heapq.heappush(self.low, -heapq.heappop(self.high))
        return self.median()

    def median(self) -> float:
        if not self.low:
            return float("nan")
        if len(self.low) > len(self.high):
            return float(-self.low[0])
        return (-self.low[0] + self.high[0]) / 2


class SlidingMedian:
    def __init__(self, k: int):
        if k < 1:
            raise ValueError(f"window k = {k}: it must hold at least one value")
        self.k = k
        self.count = 0  # values seen; the newest has position count - 1
        self.window = deque()  # the last k values, to know which one leaves
        # entries (-value, -i) and (value, i): distinct even for equal values
        self.low, self.high = [], []
        self.live_low = self.live_high = 0  # entries still in the window

    def add(self, x: float) -> float:
        i = self.count
        self.count += 1
        self.window.append(x)
        if len(self.window) > self.k:
            out, j = self.window.popleft(), i - self.k
            # the tops are live and the keys distinct: one comparison says where
            # the leaving value is; it stays there until it reaches a top
            if (out, j) <= (-self.low[0][0], -self.low[0][1]):
                self.live_low -= 1
            else:
                self.live_high -= 1
            self._drop_stale_tops()
        if self.high and (x, i) > self.high[0]:
            heapq.heappush(self.high, (x, i))
            self.live_high += 1
        else:
            heapq.heappush(self.low, (-x, -i))
            self.live_low += 1
        if self.live_low > self.live_high + 1:
            value, j = heapq.heappop(self.low)
            heapq.heappush(self.high, (-value, -j))
            self.live_low, self.live_high = self.live_low - 1, self.live_high + 1
        elif self.live_high > self.live_low:
            value, j = heapq.heappop(self.high)
            heapq.heappush(self.low, (-value, -j))
            self.live_low, self.live_high = self.live_low + 1, self.live_high - 1
        self._drop_stale_tops()
        self._rebuild_if_mostly_stale()
        return self.median()

    def _rebuild_if_mostly_stale(self) -> None:
        # a stale entry below the top can stay for ever (values far from the
        # median rarely reach a top): rebuild when stale entries outnumber live
        # ones, O(k) work at most once per k steps, so memory stays O(k)
        if len(self.low) + len(self.high) > 2 * (self.live_low + self.live_high):
            first = self.count - self.k
            self.low = [e for e in self.low if -e[1] >= first]
            self.high = [e for e in self.high if e[1] >= first]
            heapq.heapify(self.low)
            heapq.heapify(self.high)

    def _drop_stale_tops(self) -> None:
        first = self.count - self.k  # positions before this have left the window
        while self.low and -self.low[0][1] < first:
            heapq.heappop(self.low)
        while self.high and self.high[0][1] < first:
            heapq.heappop(self.high)

    def median(self) -> float:
        if self.live_low == 0:
            return float("nan")
        if self.live_low > self.live_high:
            return float(-self.low[0][0])
        return (-self.low[0][0] + self.high[0][0]) / 2


# --8<-- [end:solution]


# --8<-- [start:tests]
import math

import numpy as np
import pytest


def median_test_streams(n: int, seed: int = 0) -> dict[str, list]:
    """Streams with duplicates, negative numbers and floats, and sorted ones."""
    rng = np.random.default_rng(seed)
    return {
        "small integers": rng.integers(-5, 6, size=n).tolist(),
        "rounded floats": np.round(rng.normal(0, 3, size=n), 1).tolist(),
        "heavy tails": rng.standard_cauchy(size=n).tolist(),
        "increasing": np.sort(rng.normal(size=n)).tolist(),
        "decreasing with ties": sorted(rng.integers(0, 50, size=n).tolist())[::-1],
    }


def test_running_median_worked_example():
    rm = RunningMedian()
    assert math.isnan(rm.median())
    medians = [rm.add(x) for x in [5, 15, 1, 3, 8, 7, 9, 10]]
    assert medians == [5.0, 10.0, 5.0, 4.0, 5.0, 6.0, 7.0, 7.5]
    assert all(isinstance(m, float) for m in medians)
    rm = RunningMedian()
    for x in [5, 15, 1, 3, 8]:
        rm.add(x)
    assert sorted(-v for v in rm.low) == [1, 3, 5] and sorted(rm.high) == [8, 15]


def test_sliding_median_worked_example():
    sm = SlidingMedian(3)
    assert math.isnan(sm.median())
    medians = [sm.add(x) for x in [5, 15, 1, 3, 8, 7, 9, 10]]
    # windows of 1 and 2 values while the first window fills
    assert medians == [5.0, 10.0, 5.0, 3.0, 3.0, 7.0, 8.0, 9.0]
    one = SlidingMedian(1)
    assert [one.add(x) for x in [4, -2, 4, 0.5]] == [4.0, -2.0, 4.0, 0.5]
    two = SlidingMedian(2)
    assert [two.add(x) for x in [1, 3, 3, -1]] == [1.0, 2.0, 3.0, 1.0]
    with pytest.raises(ValueError):
        SlidingMedian(0)


def test_running_median_matches_numpy_on_every_prefix():
    for name, stream in median_test_streams(1001).items():
        rm = RunningMedian()
        for i, x in enumerate(stream):
            got = rm.add(x)
            assert got == pytest.approx(np.median(stream[: i + 1]), rel=1e-12), name
            # the two heaps: balanced, and every low value <= every high value
            assert 0 <= len(rm.low) - len(rm.high) <= 1
            assert not rm.high or -rm.low[0] <= rm.high[0]
        assert len(rm.low) + len(rm.high) == len(stream)


def test_sliding_median_matches_numpy_on_every_window():
    n = 600
    for name, stream in median_test_streams(n, seed=1).items():
        x = np.asarray(stream, dtype=float)
        for k in [1, 2, 3, 10, 51, 100, n - 1, n]:
            sm = SlidingMedian(k)
            got = np.array([sm.add(v) for v in stream])
            # every full window, and the growing windows before the first is full
            full = np.median(np.lib.stride_tricks.sliding_window_view(x, k), axis=1)
            head = [np.median(x[: i + 1]) for i in range(k - 1)]
            np.testing.assert_allclose(got, [*head, *full], rtol=1e-12, err_msg=name)


def test_sliding_median_memory_stays_within_twice_the_window():
    # on an increasing stream every leaving value is buried under low's top
    stream = np.sort(np.random.default_rng(4).normal(size=5000)).tolist()
    for k in [1, 10, 101]:
        sm = SlidingMedian(k)
        for x in stream:
            sm.add(x)
            assert len(sm.low) + len(sm.high) <= 2 * k


def test_sliding_median_with_k_equal_to_n_is_the_running_median():
    stream = median_test_streams(500, seed=2)["rounded floats"]
    rm, sm = RunningMedian(), SlidingMedian(len(stream))
    assert [rm.add(x) for x in stream] == [sm.add(x) for x in stream]


class CountingFloat(float):
    """A float that counts the comparisons made on it (heapq only uses <)."""

    comparisons = 0

    def __lt__(self, other):
        CountingFloat.comparisons += 1
        return float(self) < float(other)

    def __gt__(self, other):
        CountingFloat.comparisons += 1
        return float(self) > float(other)

    def __le__(self, other):
        CountingFloat.comparisons += 1
        return float(self) <= float(other)

    def __ge__(self, other):
        CountingFloat.comparisons += 1
        return float(self) >= float(other)

    def __neg__(self):
        return CountingFloat(-float(self))


def test_running_median_does_logarithmic_work():
    # re-sorting the prefix for the i-th value costs about i log2(i) comparisons;
    # two heaps cost O(log i) per value
    n = 2**14
    stream = np.random.default_rng(3).normal(size=n).tolist()
    rm = RunningMedian()
    CountingFloat.comparisons = 0
    for x in stream:
        rm.add(CountingFloat(x))
    assert CountingFloat.comparisons / n <= 3 * math.log2(n)


# --8<-- [end:tests]


# --8<-- [start:check]
import bisect
from collections import Counter

import pandas as pd

tests = [
    test_running_median_worked_example,
    test_sliding_median_worked_example,
    test_running_median_matches_numpy_on_every_prefix,
    test_sliding_median_matches_numpy_on_every_window,
    test_sliding_median_memory_stays_within_twice_the_window,
    test_sliding_median_with_k_equal_to_n_is_the_running_median,
    test_running_median_does_logarithmic_work,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")

print("worked example: the heaps as sorted lists; window k = 3")
print("   x  low            high             median  window median")
rm, sm = RunningMedian(), SlidingMedian(3)
for x in [5, 15, 1, 3, 8, 7, 9, 10]:
    median, window_median = rm.add(x), sm.add(x)
    low, high = sorted(-v for v in rm.low), sorted(rm.high)
    print(f"{x:4d}  {low!s:13}  {high!s:15}  {median:6.1f}  {window_median:13.1f}")

# count the heapq calls the solutions make (they look up heapq.<name> per call)
calls = Counter()
originals = {name: getattr(heapq, name) for name in ["heappush", "heappop", "heapify"]}


def counting(name):
    def call(*args):
        calls[name] += 1
        return originals[name](*args)

    return call


for name in originals:
    setattr(heapq, name, counting(name))

n = 100_000
stream = np.random.default_rng(0).normal(0, 10, size=n).tolist()
print(f"stream: {n:,} normal values, mean 0, sd 10, {len(set(stream)):,} distinct")
print("running median: work per value, mean over the 1,000 values up to the n-th")
print(
    "       n  heapq calls  comparisons  log2 n  insort shifts"
    "  re-sort comparisons  n log2 n"
)
sizes = [1_000, 10_000, 100_000]
snapshots = {0: (0, 0)}  # values added -> (heapq calls, comparisons) so far
rm = RunningMedian()
CountingFloat.comparisons = 0
for added, x in enumerate(stream, start=1):
    rm.add(CountingFloat(x))
    if added in sizes or added + 1000 in sizes:
        snapshots[added] = (calls.total(), CountingFloat.comparisons)
assert rm.median() == np.median(stream)
for size in sizes:
    heap_calls, comparisons = (
        np.subtract(snapshots[size], snapshots[size - 1000]) / 1000
    )
    # one sorted list and insort: log2 n comparisons, but every larger value moves
    ordered, shifts = sorted(stream[: size - 1000]), 0
    for x in stream[size - 1000 : size]:
        position = bisect.bisect_right(ordered, x)
        shifts += len(ordered) - position
        ordered.insert(position, x)
    # the naive answer: sort the whole prefix again for the new value
    CountingFloat.comparisons = 0
    sorted(CountingFloat(x) for x in stream[:size])
    print(
        f"{size:8,}  {heap_calls:11.2f}  {comparisons:11.2f}  {math.log2(size):6.2f}"
        f"  {shifts / 1000:13,.0f}  {CountingFloat.comparisons:19,}"
        f"  {size * math.log2(size):8,.0f}"
    )
resort = sum(i * math.log2(i) for i in range(2, n + 1))
print(f"whole stream: two heaps {snapshots[n][1]:,} comparisons in all")
print(f"re-sorting every prefix: about sum(i log2 i) = {resort:.1e} comparisons")


class SlidingMedianWithoutRebuild(SlidingMedian):
    def _rebuild_if_mostly_stale(self) -> None:
        pass  # stale entries leave only when they reach a top


k = 1_001
print(f"sliding median, k = {k:,}, over the same {n:,} values and over them sorted")
print(
    "stream      heapq calls/step  rebuilds  peak entries  without rebuilds"
    "  list shifts/step"
)
for name, values in [("random", stream), ("increasing", sorted(stream))]:
    peak = {}
    for variant in [SlidingMedian, SlidingMedianWithoutRebuild]:
        sm, most = variant(k), 0
        calls.clear()
        medians = []
        for x in values:
            medians.append(sm.add(x))
            most = max(most, len(sm.low) + len(sm.high))
        peak[variant] = most
        if variant is SlidingMedian:
            heap_medians = medians
            heap_calls, rebuilds = (
                calls.total() - calls["heapify"],
                calls["heapify"] // 2,
            )
    # the alternative: one sorted window, bisect to insert and to delete
    window, shifts, list_medians = [], 0, []
    for i, x in enumerate(values):
        position = bisect.bisect_right(window, x)
        shifts += len(window) - position
        window.insert(position, x)
        if len(window) > k:
            position = bisect.bisect_left(window, values[i - k])
            shifts += len(window) - position - 1
            del window[position]
        middle = len(window) // 2
        list_medians.append(
            float(window[middle])
            if len(window) % 2
            else (window[middle - 1] + window[middle]) / 2
        )
    rolling = pd.Series(values).rolling(k, min_periods=1).median().tolist()
    assert heap_medians == list_medians == rolling
    print(
        f"{name:10s}  {heap_calls / n:16.2f}  {rebuilds:8,}"
        f"  {peak[SlidingMedian]:12,}  {peak[SlidingMedianWithoutRebuild]:16,}"
        f"  {shifts / n:16,.0f}"
    )
print("heaps, sorted list and pandas rolling(k, min_periods=1).median() agree: True")
# nan < x and nan > x are both False: a NaN lands in a heap and breaks its order
with_nan = [1, float("nan"), 3, 5, 7, 2]
rm = RunningMedian()
print(f"stream {with_nan}: medians {[rm.add(x) for x in with_nan]}")
print(
    f"  median without the NaN {np.median([1, 3, 5, 7, 2])}, "
    f"np.median with it {np.median(with_nan)}"
)
for name, function in originals.items():
    setattr(heapq, name, function)
# --8<-- [end:check]
