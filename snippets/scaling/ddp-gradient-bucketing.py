import sys

sys.path.insert(0, "snippets/scaling")
from launcher import launch  # noqa: E402

# dist_ddp.py: an 8-layer MLP (2.1 MB of fp32 weights) under DDP on 2 processes.
# Buckets of 25 MB by default (the first one 1 MiB), then 0.3 MB.
runs = launch("dist_ddp", world=2, caps=[None, 0.3])[0]
for cap, r in runs.items():
    label = "default buckets" if cap == "None" else f"bucket_cap_mb={cap}"
    order = " ".join(
        e.split(":")[0] if e.startswith("AR") else e for e in r["order"]
    )  # G7 = gradient of layer 7 ready; AR0 = all-reduce of bucket 0 launched
    sizes = [int(e.split(":")[1]) for e in r["order"] if e.startswith("AR")]
    first_ar = next(i for i, e in enumerate(r["order"]) if e.startswith("AR"))
    overlap = first_ar < r["order"].index("G0")
    print(f"{label}: {order}")
    print(
        f"  bucket bytes {sizes}; first all-reduce before layer 0's gradient: {overlap}"
    )
    print(f"  gradients == one process on the whole batch: {r['same_as_single']}")
    print(f"  all-reduces in 3 no_sync() micro-steps: {r['no_sync'][0]}, "
          f"then on the 4th: {r['no_sync'][1]}")  # fmt: skip
