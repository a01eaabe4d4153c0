# --8<-- [start:arithmetic]
# Where the compute goes for one 512x512 RGB image: pixels against the f = 8, 4-channel
# latent of Stable Diffusion's autoencoder, and the tokens a DiT with 2x2 patches sees.
pixels, latent = 512 * 512 * 3, 64 * 64 * 4
tok_pixels, tok_latent = (512 // 2) ** 2, (64 // 2) ** 2
print(
    f"values per image: pixels {pixels:,}, latent {latent:,} "
    f"({pixels // latent}x fewer)"
)
print(f"tokens at patch 2: pixels {tok_pixels:,}, latent {tok_latent:,}")
print(f"self-attention cost ratio (tokens^2): {(tok_pixels / tok_latent) ** 2:,.0f}x")
# --8<-- [end:arithmetic]

# --8<-- [start:toy]
import sys

import torch

sys.path.insert(0, "snippets/generative-models")  # the chapter's shared code, genlab.py
import genlab as gl

# 8x8 digits. The autoencoder is the beta = 1 VAE of the posterior-collapse question
# (16-D latent); the same diffusion MLP (width 128, 1,200 steps) is trained on the 64
# pixels and on the 16 latents. 397 samples each against the 397 held-out test digits,
# in the feature space of a digit classifier (its 10 logits).
x_train, _, x_test, _ = gl.digits()
clf = gl.digits_classifier()


def report(name, x):
    fd = gl.frechet_distance(clf.decision_function(x), clf.decision_function(x_test))
    confidence = clf.predict_proba(x).max(1).mean()
    # FD to two significant figures: the classifier's L-BFGS fit stops at its tolerance
    # after a CPU-dependent number of iterations, which moves the third figure.
    print(f"{name:<34}{fd:>6.2g}{confidence:>12.3f}")


n = len(x_test)
print(f"{'':<34}{'FD':>6}{'confidence':>12}")
report("real training digits", x_train[:n])
vae = gl.digits_vae()
with torch.no_grad():
    recon = vae.decoder(vae.encode(torch.tensor(x_test))[0]).clamp(-1, 1).numpy()
report("autoencoder reconstructions", recon)
report("diffusion on pixels (64-D)", gl.digits_generate("pixels", n))
report("diffusion on VAE latents (16-D)", gl.digits_generate("latent", n))
# --8<-- [end:toy]
