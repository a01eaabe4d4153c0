# --8<-- [start:corrected]
import faiss
import numpy as np  # the usual snippet uses np without importing it

# a fixed random seed: unseeded random vectors change the results on every run
rng = np.random.default_rng(0)
dimension = 128
vectors = rng.random(
    (1000, dimension), dtype=np.float32
)  # FAISS wants float32, C-contiguous
query = rng.random((1, dimension), dtype=np.float32)

index = faiss.IndexFlatL2(dimension)  # exact (brute-force) search, no training
index.add(vectors)
D, I = index.search(query, k=5)
print("ids:", I[0].tolist())
print("FAISS distances:", " ".join(f"{v:.3f}" for v in D[0]))

# The same search by brute force in NumPy: ||q - x||^2 for every vector, then sort.
sq = ((vectors - query) ** 2).sum(axis=1)
order = np.argsort(sq)[:5]
print("same ids as NumPy brute force:", order.tolist() == I[0].tolist())
print("distances are SQUARED L2:", np.allclose(D[0], sq[order], rtol=1e-5))
print("Euclidean distances:", " ".join(f"{v:.3f}" for v in np.sqrt(D[0])))
# --8<-- [end:corrected]

# --8<-- [start:concentration]
import numpy as np

# Why uniform random vectors make a poor demo: in high dimensions distances look alike.
rng = np.random.default_rng(0)
print(f"{'dim':>5} {'nearest/farthest':>17} {'(far-near)/near':>16}")
for d in [2, 8, 32, 128, 512, 2048]:
    data = rng.random((2000, d))
    queries = rng.random((50, d))
    # squared distances via the expansion |q|^2 - 2 q.x + |x|^2
    sq = (queries**2).sum(1)[:, None] - 2 * queries @ data.T + (data**2).sum(1)[None, :]
    dist = np.sqrt(np.maximum(sq, 0))
    near, far = dist.min(axis=1), dist.max(axis=1)
    print(f"{d:>5} {np.mean(near / far):>17.3f} {np.mean((far - near) / near):>16.3f}")
# --8<-- [end:concentration]
