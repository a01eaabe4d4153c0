"""The vector-database examples' shared code: synthetic embeddings."""

import numpy as np


def make_embeddings(n, d=384, latent=64, n_topics=100, spread=1.5, noise=0.1, seed=0):
    """Clustered unit vectors of low intrinsic dimension, standing in for embeddings.

    Points around `n_topics` centres in a `latent`-dimensional space are mapped to
    `d` dimensions by a fixed random linear map, perturbed by `noise` and scaled to
    unit length: real sentence embeddings also cluster by topic and vary along far
    fewer directions than they have columns.
    """
    rng = np.random.default_rng(seed)
    topics = rng.normal(size=(n_topics, latent))
    z = topics[rng.integers(n_topics, size=n)] + spread * rng.normal(size=(n, latent))
    proj = rng.normal(size=(latent, d)) / np.sqrt(latent)  # random linear map to d dims
    x = z @ proj + noise * rng.normal(size=(n, d))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype("float32")
