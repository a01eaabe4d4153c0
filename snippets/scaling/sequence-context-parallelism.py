# --8<-- [start:measure]
import sys

sys.path.insert(0, "snippets/scaling")
from launcher import launch  # noqa: E402

# dist_context.py: a 64-token causal attention split into 2 chunks of 32, one per rank.
for rank, r in enumerate(launch("dist_context", world=2)):
    print(f"rank {rank}: ring attention == full causal attention: {r['ring_equal']}")
    sent, chunk = r["kv_bytes_sent"], r["kv_bytes_chunk"]
    print(f"  K/V bytes sent {sent:,} (one chunk: {chunk:,}),"
          f" attention scores computed {r['scores']}")  # fmt: skip
    print(f"  reduce-scatter, LayerNorm on {r['norm_rows']} of 64 rows, all-gather:"
          f" same as all-reduce + LayerNorm: {r['sp_equal']}")  # fmt: skip
# --8<-- [end:measure]


# --8<-- [start:balance]
def causal_work(n: int, chunks_of_rank) -> list[int]:
    """Unmasked query-key pairs each rank computes for a causal sequence of 1024."""
    c = 1024 // (2 * n)  # the sequence is cut into 2n pieces of c tokens

    def pairs(qi, ki):  # query chunk qi against key chunk ki
        return 0 if ki > qi else (c * (c + 1) // 2 if ki == qi else c * c)

    work = []
    for r in range(n):
        mine = chunks_of_rank(r, n)
        work.append(sum(pairs(qi, ki) for qi in mine for ki in range(2 * n)))
    return work


contiguous = lambda r, n: [2 * r, 2 * r + 1]  # noqa: E731
zigzag = lambda r, n: [r, 2 * n - 1 - r]  # noqa: E731
print("ranks  busiest/idlest rank: contiguous  zigzag")
for n in [2, 4, 8]:
    a, b = causal_work(n, contiguous), causal_work(n, zigzag)
    print(f"{n:5d} {max(a) / min(a):29.1f} {max(b) / min(b):7.1f}")
# --8<-- [end:balance]
