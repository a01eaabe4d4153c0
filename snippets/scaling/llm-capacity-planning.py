import sys

sys.path.insert(0, "snippets/scaling")
from llm_cost import KV_CAPACITY, iteration_time  # noqa: E402

PROMPT, OUTPUT, QPS = 2000, 300, 20  # tokens in, tokens out, requests per second
GPU_HOUR = 2.0  # assumed price of one H100-hour, in dollars
context = PROMPT + OUTPUT // 2  # average context length during decoding
max_batch = KV_CAPACITY // (PROMPT + OUTPUT)  # sequences whose whole cache fits
prefill = iteration_time([(PROMPT, 0)], [])
print(
    f"KV cache room: {KV_CAPACITY:,} tokens = {max_batch} sequences "
    f"of {PROMPT + OUTPUT}"
)
print(f"prefill of one {PROMPT}-token prompt: {prefill * 1e3:.0f} ms")
print(
    "TPOT SLO  batch  limit   TPOT ms  tok/s/GPU  GPU-s/req  GPUs, 20 QPS  $/M out tok"
)
for slo in [0.010, 0.015, 0.020, 0.030, 0.050]:
    fits = [
        b for b in range(1, max_batch + 1) if iteration_time([], [context] * b) <= slo
    ]
    if not fits:
        print(f"{slo * 1e3:5.0f} ms  unreachable")
        continue
    b = max(fits)
    limit = "memory" if b == max_batch else "SLO"
    tpot = iteration_time([], [context] * b)
    per_request = prefill + OUTPUT * tpot / b  # GPU-seconds, decode shared by b
    gpus = QPS * per_request / 0.7  # keep 30% headroom for bursts
    dollars = per_request * GPU_HOUR / 3600 / OUTPUT * 1e6
    print(f"{slo * 1e3:5.0f} ms {b:6d}  {limit:6s} {tpot * 1e3:8.1f} {b / tpot:10.0f}"
          f" {per_request:10.3f} {gpus:13.1f} {dollars:12.2f}")  # fmt: skip
