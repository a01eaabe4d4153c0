import sys

import faiss
import numpy as np

sys.path.insert(0, "snippets/vector-databases")  # the chapter's shared code, vdblab.py
from vdblab import make_embeddings

faiss.omp_set_num_threads(1)


k = 10
print(f"{'dim':>5} {'method':<26} {'bytes/vec':>9} {'recall@10':>9}")
for d in [256, 1024]:
    X = make_embeddings(10_200, d, latent=128)
    xb, xq = X[:10_000], X[10_000:]
    exact = faiss.IndexFlatIP(d)  # cosine = inner product on unit vectors
    exact.add(xb)
    _, I_true = exact.search(xq, k)

    def recall(I, I_true=I_true):
        return np.mean([len(set(a) & set(b)) for a, b in zip(I, I_true)]) / k

    # Binary quantization: keep the sign of each dimension, 1 bit, compare by Hamming.
    bits_b, bits_q = np.packbits(xb > 0, axis=1), np.packbits(xq > 0, axis=1)
    binary = faiss.IndexBinaryFlat(d)
    binary.add(bits_b)
    for k_factor in [1, 4, 10]:
        _, cand = binary.search(bits_q, k * k_factor)
        # Re-score the shortlist with the float32 vectors (kept on SSD in production).
        exact_ip = np.einsum("qd,qcd->qc", xq, xb[cand])
        I = np.take_along_axis(cand, np.argsort(-exact_ip, axis=1)[:, :k], axis=1)
        name = "binary" if k_factor == 1 else f"binary + re-score {k * k_factor}"
        print(f"{d:>5} {name:<26} {d // 8:>9} {recall(I):>9.3f}")

    # RaBitQ: random rotation, 1 bit per dimension plus per-vector correction factors.
    rabitq = faiss.IndexRaBitQ(d, faiss.METRIC_INNER_PRODUCT)
    rabitq.train(xb)
    rabitq.add(xb)
    _, I = rabitq.search(xq, k)
    size = rabitq.sa_code_size()
    print(f"{d:>5} {'RaBitQ':<26} {size:>9} {recall(I):>9.3f}")
    refine = faiss.IndexRefineFlat(rabitq, faiss.swig_ptr(xb))
    params = faiss.IndexRefineSearchParameters(k_factor=4)
    _, I = refine.search(xq, k, params=params)
    print(f"{d:>5} {'RaBitQ + re-score 40':<26} {size:>9} {recall(I):>9.3f}")
    print(f"{d:>5} {'float32 (exact)':<26} {4 * d:>9} {1.0:>9.3f}")

# Hamming distance is XOR + popcount: checked against FAISS on the last dimension.
D_faiss, I_faiss = binary.search(bits_q[:5], 1)
ham = np.unpackbits(bits_q[:5, None, :] ^ bits_b[None, :, :], axis=2).sum(-1)
print(
    "Hamming distances match IndexBinaryFlat:",
    np.array_equal(ham.min(1), D_faiss[:, 0]),
)
