import math

import faiss
import numpy as np


# Per-vector size of a FAISS HNSW graph: 2M int32 links on layer 0, M on upper layers
# (a node reaches layer l with probability M^-l, so 1/(M-1) upper layers on average),
# plus an int32 level and an int64 offset.
def hnsw_graph_bytes(M):
    return 4 * (2 * M + M / (M - 1)) + 4 + 8


faiss.omp_set_num_threads(1)
x = np.random.default_rng(0).random((20_000, 8), dtype=np.float32)
for M in [16, 32]:
    index = faiss.IndexHNSWFlat(8, M)
    index.add(x)
    measured = (faiss.serialize_index(index).nbytes - x.nbytes) / len(x)
    formula = hnsw_graph_bytes(M)
    print(f"HNSW M={M}: graph bytes/vector formula {formula:.1f}, FAISS {measured:.1f}")

N, d = 100_000_000, 768  # 100M vectors, 768 dimensions
GB = 1e9
raw = N * d * 4
print(f"\nraw float32 vectors: {raw / GB:.1f} GB")

designs = {  # name: (bytes per vector in RAM, bytes per vector on SSD)
    "HNSW M=32, float32": (d * 4 + hnsw_graph_bytes(32), 0),
    "HNSW M=32, int8 (SQ8)": (
        d * 1 + hnsw_graph_bytes(32),
        d * 4,
    ),  # float32 kept for rescoring
    "IVF-PQ, 96-byte codes": (
        96 + 8,
        d * 4,
    ),  # codes + int64 ids; originals for rescoring
    "DiskANN (R=64, PQ 96 B)": (
        96,
        d * 4 + 64 * 4,
    ),  # PQ in RAM; vectors + graph on SSD
}
node_ram = 256 * GB  # a memory-optimised node
usable = 0.7  # headroom for the OS, the query working set, index rebuilds and growth
peak_qps = 3_000  # traffic target
qps_per_replica = 1_000  # ASSUMPTION: measure it on one shard at your recall target
replicas = math.ceil(peak_qps / qps_per_replica) + 1  # +1 so a node can fail at peak

print(f"{'design':<24} {'RAM GB':>7} {'SSD GB':>7} {'shards':>6} {'nodes':>5}")
for name, (ram_per_vec, ssd_per_vec) in designs.items():
    ram, ssd = N * ram_per_vec / GB, N * ssd_per_vec / GB
    shards = math.ceil(ram * GB / (node_ram * usable))
    print(f"{name:<24} {ram:>7.1f} {ssd:>7.1f} {shards:>6} {shards * replicas:>5}")
print(
    f"(replicas per shard: {replicas} = ceil({peak_qps} / {qps_per_replica}) + 1 spare)"
)

flops = 2 * N * d  # one multiply-add per dimension per vector
bytes_read = N * d * 4  # every float32 vector is read once per (unbatched) query
print(
    f"\nexact scan: {flops / 1e9:.0f} GFLOP "
    f"and {bytes_read / 1e9:.0f} GB read per query"
)
bw_qps, flop_qps = 300e9 / bytes_read, 1e12 / flops
print(f"one query at a time, 300 GB/s of memory bandwidth: {bw_qps:.1f} queries/s")
print(f"compute bound at 1 TFLOP/s: {flop_qps:.1f} queries/s")
print(f"memory bandwidth binds first: {bw_qps < flop_qps}")
