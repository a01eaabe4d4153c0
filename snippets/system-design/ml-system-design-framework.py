# A back-of-envelope capacity helper for the serving part of the round. Every input
# is an assumption you say out loud; the point is the order of magnitude and which
# input dominates, not the third digit.
import math


def si(x):
    """1234567 -> '1.2M': engineering prefixes keep the table readable."""
    for prefix, scale in (
        ("E", 1e18),
        ("P", 1e15),
        ("T", 1e12),
        ("G", 1e9),
        ("M", 1e6),
    ):
        if abs(x) >= scale:
            return f"{x / scale:.1f}{prefix}"
    if abs(x) >= 1e3:
        return f"{x / 1e3:.1f}k"
    return f"{x:.1f}"


def estimate(
    daily_users,
    requests_per_user,
    peak_to_mean,
    candidates,
    flops_per_candidate,
    sustained_flops_per_chip,
    items_shown,
    log_bytes_per_item,
    response_bytes,
):
    mean_qps = daily_users * requests_per_user / 86_400
    peak_qps = mean_qps * peak_to_mean
    scored = peak_qps * candidates
    flops = scored * flops_per_candidate
    return {
        "mean requests/s": si(mean_qps),
        "peak requests/s": si(peak_qps),
        "candidates scored/s at peak": si(scored),
        "ranking FLOP/s at peak": si(flops),
        "accelerators for ranking": f"{math.ceil(flops / sustained_flops_per_chip)}",
        "impression log bytes/day": si(
            daily_users * requests_per_user * items_shown * log_bytes_per_item
        ),
        "egress bits/s at peak": si(peak_qps * response_bytes * 8),
    }


# Assumptions for a feed (all illustrative): 100M daily users, 20 feed requests each,
# peak 3x the mean, a 10M-parameter ranker (about 2 FLOPs per parameter per candidate),
# accelerators sustaining 100 TFLOP/s on this small model, 10 items shown per request,
# 2 KB of logged features per shown item, a 20 KB response.
common = dict(
    daily_users=100e6,
    requests_per_user=20,
    peak_to_mean=3,
    flops_per_candidate=2 * 10e6,
    sustained_flops_per_chip=100e12,
    items_shown=10,
    log_bytes_per_item=2_000,
    response_bytes=20_000,
)
columns = {n: estimate(candidates=n, **common) for n in (100, 500, 2_000)}
print(f"{'candidates ranked per request':<30}" + "".join(f"{n:>10}" for n in columns))
for key in columns[100]:
    print(f"{key:<30}" + "".join(f"{columns[n][key]:>10}" for n in columns))
