import sys
from bisect import insort

import faiss
import numpy as np

sys.path.insert(0, "snippets/vector-databases")  # the chapter's shared code, vdblab.py
from vdblab import make_embeddings

faiss.omp_set_num_threads(1)
rng = np.random.default_rng(0)

X = make_embeddings(2_700, d=128, latent=32).astype(np.float64)
xb, xq = X[:2_500], X[2_500:]
n, d = xb.shape
R, L_BUILD, L_SEARCH, K = 32, 40, 40, 10
true_top = np.argsort(2 - 2 * xq @ xb.T, axis=1, kind="stable")[:, :K]
medoid = int(np.argmin(((xb - xb.mean(0)) ** 2).sum(1)))  # the search's entry point
sq = xb @ xb.T  # all squared distances (2 - 2 cos), to keep the build fast in Python
sq *= -2
sq += 2


def greedy_search(p, graph, L):
    """Best-first search for point p from the medoid; returns the expanded nodes."""
    dist = sq[p].tolist()  # the search only looks at the nodes it meets
    seen, cand, done, expanded = {medoid}, [(dist[medoid], medoid)], set(), []
    while True:
        nxt = next((v for _, v in cand if v not in done), None)
        if nxt is None:
            return expanded
        done.add(nxt)
        expanded.append(nxt)
        new = set(graph[nxt]) - seen
        seen |= new
        worst = cand[-1] if len(cand) == L else (np.inf, 0)
        for item in [(dist[u], u) for u in new if dist[u] <= worst[0]]:
            if len(cand) < L or item < cand[-1]:
                insort(cand, item)
                del cand[L:]


def robust_prune(p, cand, alpha):
    """Keep up to R neighbours; drop c once a kept p* has alpha*d(p*, c) <= d(p, c)."""
    cand = np.array(sorted(set(cand) - {p}))
    cand = cand[np.argsort(sq[p, cand], kind="stable")]
    dp = np.sqrt(np.maximum(sq[p, cand], 0))
    pair = np.sqrt(np.maximum(sq[np.ix_(cand, cand)], 0))
    alive, out = np.ones(len(cand), bool), []
    while len(out) < R:
        i = int(alive.argmax())  # the closest candidate still alive (pair[i, i] = 0)
        if not alive[i]:
            break
        out.append(int(cand[i]))
        alive &= alpha * pair[i] > dp
    return out


def vamana_pass(graph, alpha):
    """Insert every point in random order: search, prune, add back-edges."""
    for p in rng.permutation(n).tolist():
        visited = greedy_search(p, graph, L_BUILD)
        graph[p] = robust_prune(p, visited + graph[p], alpha)
        for j in graph[p]:
            if p not in graph[j]:
                if len(graph[j]) < R:
                    graph[j].append(p)
                else:
                    graph[j] = robust_prune(j, graph[j] + [p], alpha)
    return graph


# A random R-regular graph, one pass with alpha = 1, then a second pass with alpha.
start = [rng.choice(n - 1, R, replace=False) for _ in range(n)]
start = [(s + (s >= p)).tolist() for p, s in enumerate(start)]  # skip p itself
first = vamana_pass(start, 1.0)
graphs = {a: vamana_pass([g.copy() for g in first], a) for a in [1.0, 1.2]}

# In RAM: PQ codes, 16 sub-vectors of 8 dimensions, one byte each.
m = 16
pq = faiss.ProductQuantizer(d, m, 8)
pq.cp.min_points_per_centroid = 1  # 2,500 training points for 256 centroids is enough
pq.train(xb.astype(np.float32))
codes = pq.compute_codes(xb.astype(np.float32)).astype(np.int64)
books = faiss.vector_to_array(pq.centroids).reshape(m, 256, d // m).astype(np.float64)


class Disk(dict):
    """On SSD: each node's full vector and neighbour list; a lookup is one read."""

    reads = 0

    def __getitem__(self, node):
        Disk.reads += 1
        return super().__getitem__(node)


def beam_search(q, disk, W, nearest):
    """DiskANN's search: PQ distances order the list, W node reads per round trip."""
    table = ((q.reshape(m, 1, -1) - books) ** 2).sum(-1)  # (m, 256), per query
    # PQ distance of every node (m look-ups each), precomputed here for speed
    pq_dist = table[np.arange(m), codes].sum(1).tolist()
    seen, cand, expanded = {medoid}, [(pq_dist[medoid], medoid)], set()
    exact, trips, nn_trip = {}, 0, None
    while True:
        batch = [v for _, v in cand if v not in expanded][:W]  # issued in parallel
        if not batch:
            break
        trips += 1
        for v in batch:
            expanded.add(v)
            vector, neighbours = disk[v]
            exact[v] = float(((vector - q) ** 2).sum())  # read anyway: re-rank later
            if v == nearest and nn_trip is None:
                nn_trip = trips
            for u in neighbours:
                if u not in seen:
                    seen.add(u)
                    if len(cand) < L_SEARCH or pq_dist[u] < cand[-1][0]:
                        insort(cand, (pq_dist[u], u))
                        del cand[L_SEARCH:]
    pq_top = [v for _, v in cand[:K]]
    return sorted(exact, key=exact.get)[:K], pq_top, trips, nn_trip


def recall(found):
    return np.mean([len(set(a) & set(b)) / K for a, b in zip(found, true_top)])


print(f"{n:,} vectors ({d}-d), R={R}, L_build={L_BUILD}, L_search={L_SEARCH}")
print("                        recall@10        per query       round trip that")
print("alpha degree  W  re-ranked  PQ only   reads  round trips  reads the 1-NN")
n_found = []
for alpha, graph in graphs.items():
    disk = Disk({p: (xb[p], graph[p]) for p in range(n)})
    degree = np.mean([len(g) for g in graph])
    for W in [1, 2, 4, 8]:
        Disk.reads = 0
        res = [beam_search(q, disk, W, t[0]) for q, t in zip(xq, true_top)]
        found = [r[3] for r in res if r[3] is not None]
        n_found.append(len(found))
        print(
            f"{alpha:>5} {degree:>6.1f} {W:>2} {recall([r[0] for r in res]):>10.3f}"
            f" {recall([r[1] for r in res]):>8.3f} {Disk.reads / len(xq):>7.1f}"
            f" {np.mean([r[2] for r in res]):>12.1f} {np.mean(found):>15.1f}"
        )

print(f"(1-NN read in {min(n_found)} to {max(n_found)} of {len(xq)} queries per row)")
node = d * 4 + 4 * (R + 1)  # float32 vector + neighbour count + R ids (fixed size)
print(f"\nRAM per vector: PQ code {m} B vs float32 vector {d * 4} B ({d * 4 // m}x)")
print(f"SSD record: {node} B, {4096 // node} nodes per 4 KB sector")
# The same arithmetic at a billion 768-d vectors, R = 64 and 96-byte PQ codes
big = 768 * 4 + 4 * (64 + 1)
print(f"1B x 768-d: vectors {768 * 4e9 / 1e12:.2f} TB; a {big} B record per 4 KB")
print(f"sector: {4096e9 / 1e12:.2f} TB of SSD; PQ codes in RAM: {96e9 / 1e9:.0f} GB")
