# A roofline model (no GPU on this machine): an exact scan of N d-dim float16 vectors
# for a batch of B queries reads the vectors once (2 N d bytes) and does 2 N d B FLOPs;
# time = max(bytes / bandwidth, flops / peak). The hardware numbers are datasheet-level
# assumptions: replace them with your own measurements.
N, d = 10_000_000, 768
hw = {  # name: (memory bandwidth in bytes/s, dense fp16 FLOP/s)
    "CPU server (2 sockets)": (300e9, 5e12),
    "H100 SXM (HBM3)": (3.35e12, 990e12),
}
print(f"exact scan of {N:,} x {d} float16 ({N * d * 2 / 1e9:.1f} GB)")
print(f"{'batch':>6}" + "".join(f"{name:>26}" for name in hw))
for B in [1, 16, 256, 4096]:
    row = []
    for bw, peak in hw.values():
        seconds = max(N * d * 2 / bw, 2 * N * d * B / peak)
        row.append(f"{B / seconds:>20,.0f} q/s")
    print(f"{B:>6}" + "".join(f"{r:>26}" for r in row))
for name, (bw, peak) in hw.items():
    print(f"{name}: compute-bound from a batch of {peak / bw:,.0f} queries")

# Does the index fit in one GPU's memory (80 GB), and what does feeding it cost?
print(f"\n{'corpus':<28} {'GB':>7} {'80 GB GPUs':>10} {'PCIe 5 pass (s)':>15}")
for name, n, bytes_per_vec in [
    ("10M x 768 float16", 10_000_000, 768 * 2),
    ("1B x 768 float16", 1_000_000_000, 768 * 2),
    ("1B IVF-PQ, 96-byte codes", 1_000_000_000, 96 + 8),
]:
    gb = n * bytes_per_vec / 1e9
    gpus = -(-gb // (80 * 0.8))  # ceil, 80% usable
    print(f"{name:<28} {gb:>7.1f} {gpus:>10.0f} {gb / 64:>15.1f}")
