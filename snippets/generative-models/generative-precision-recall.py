import sys

import numpy as np
from scipy.spatial.distance import cdist

sys.path.insert(0, "snippets/generative-models")  # the chapter's shared code, genlab.py
import genlab as gl


def manifold_coverage(points, support, k=3):
    """Share of `points` inside the union of balls around `support`, each ball reaching
    its centre's k-th nearest neighbour within `support` (Kynkaanniemi et al. 2019)."""
    radii = np.sort(cdist(support, support), axis=1)[
        :, k
    ]  # column 0 is the point itself
    return float((cdist(points, support) <= radii[None, :]).any(axis=1).mean())


def precision_recall(real, fake, k=3):
    # precision: fakes that land on the real manifold; recall: reals the fakes cover
    return manifold_coverage(fake, real, k), manifold_coverage(real, fake, k)


real = gl.HELD_OUT  # 2,000 held-out points of the ring
candidates = {
    "real data (new sample)": gl.ring(2000, seed=5)[0],
    "GAN (7 of 8 modes)": gl.gan_sample(gl.gan_ring(0)[0], 2000),
    "VAE (blurry)": gl.vae_sample(gl.vae_ring(), 2000),
    "flow matching": gl.euler_sample(gl.flow_ring(), 2000, 20),
}
print(f"{'samples':<24}{'FD':>7}{'precision':>11}{'recall':>8}")
for name, fake in candidates.items():
    fd = gl.frechet_distance(fake, real)
    p, r = precision_recall(real, fake)
    print(f"{name:<24}{fd:>7.3f}{p:>11.3f}{r:>8.3f}")
