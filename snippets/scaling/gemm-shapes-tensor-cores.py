# A model of a tiled GEMM on a GPU, not a measurement: no GPU runs here.
# C (M x N) = A (M x K) @ B (K x N), cut into output tiles of TM x TN; each SM
# computes one tile at a time at PEAK / SMS, a partial tile costs a full one, and
# the tiles run in waves of SMS. bf16 operands (2 bytes); H100 SXM and A100 figures
# from NVIDIA's datasheets and its Matrix Multiplication Background guide.
from math import ceil

H100 = {"sms": 132, "peak": 989e12, "hbm": 3.35e12}  # dense bf16 FLOP/s, bytes/s
A100_SMS = 108
BYTES = 2  # bf16


def gemm(m, n, k, sms, tm=128, tn=128, useful_n=None):
    """useful_n: the columns that matter (a padded vocabulary's real size)."""
    peak, hbm = H100["peak"], H100["hbm"]
    tiles = ceil(m / tm) * ceil(n / tn)
    waves = ceil(tiles / sms)
    flops = 2 * m * n * k
    useful = m * (useful_n or n)
    moved = BYTES * (m * k + k * n + m * n)  # read A and B once, write C once
    compute = waves * 2 * tm * tn * k / (peak / sms)  # every wave costs a full one
    return {
        "tiles": tiles,
        "waves": waves,
        "tile_eff": useful / (tiles * tm * tn),  # useful share of the tiles' work
        "wave_eff": tiles / (waves * sms),  # share of SM slots holding a tile
        "intensity": flops / moved,
        "seconds": max(compute, moved / hbm),
    }


def aligned(n, nbytes, to):
    return n * nbytes % to == 0


# 1. The alignment rules: a row of n elements must be a multiple of 16 bytes
# (cuBLAS's Tensor Core Usage rule; FP8 GEMMs require it), 128 bytes on A100.
print("         rows a multiple of 16 bytes   rows a multiple of 128 bytes")
print("vocab      tf32    bf16     fp8            tf32    bf16     fp8")
for v in [50257, 50264, 50304]:
    flags = [aligned(v, b, to) for to in (16, 128) for b in (4, 2, 1)]
    print(f"{v:5d}" + "".join(f"{str(f):>8s}" for f in flags[:3]), end="       ")
    print("".join(f"{str(f):>8s}" for f in flags[3:]))
for multiple in [8, 64, 128]:
    padded = ceil(50257 / multiple) * multiple
    print(f"50257 rounded up to a multiple of {multiple}: {padded}")

# 2. GPT-2's LM head on an H100 (K = 768), 128 x 128 tiles: real vocabulary vs padded;
# the padded columns are wasted work, so both rows count 50257 useful columns.
ridge = H100["peak"] / H100["hbm"]
print(f"\nLM head, K = 768, H100 SXM ({H100['sms']} SMs), ridge {ridge:.0f} FLOP/byte")
print("tokens  vocab  tiles  waves  tile eff  wave eff  FLOP/byte  bound    model us"
      "  16 B")  # fmt: skip
for m in [1, 64, 1024, 8192]:
    for v in [50257, 50304]:
        g = gemm(m, v, 768, H100["sms"], useful_n=50257)
        bound = "compute" if g["intensity"] > ridge else "memory"
        print(
            f"{m:6d} {v:6d} {g['tiles']:6d} {g['waves']:6d} {g['tile_eff']:9.3f}"
            f" {g['wave_eff']:9.3f} {g['intensity']:10.1f}  {bound:7s}"
            f" {g['seconds'] * 1e6:8.1f}  {str(aligned(v, BYTES, 16)):>5s}"
        )

# 3. The sawtooth: NVIDIA's wave example (M = 2304, K = 4096, 256 x 128 tiles, one
# tile per SM at a time) on an A100 (108 SMs) and on an H100 (132 SMs).
print("\nM = 2304, K = 4096, 256 x 128 tiles; efficiency = tile eff x wave eff")
print("    N  tiles  A100 waves  A100 eff  H100 waves  H100 eff")
for n in range(1024, 3841, 128):
    a = gemm(2304, n, 4096, A100_SMS, tm=256)
    h = gemm(2304, n, 4096, H100["sms"], tm=256)
    a_eff, h_eff = a["tile_eff"] * a["wave_eff"], h["tile_eff"] * h["wave_eff"]
    print(
        f"{n:5d} {a['tiles']:6d} {a['waves']:11d} {a_eff:9.3f}"
        f" {h['waves']:11d} {h_eff:9.3f}  " + "#" * round(20 * h_eff)
    )
for n, why in [(1537, "one past 1536"), (1544, "a multiple of 8")]:
    a = gemm(2304, n, 4096, A100_SMS, tm=256)
    print(
        f"N = {n} ({why}): {a['tiles']} tiles, A100 waves {a['waves']},"
        f" tile eff {a['tile_eff']:.3f}, A100 eff {a['tile_eff'] * a['wave_eff']:.3f}"
    )
