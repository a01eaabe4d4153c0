import sys

sys.path.insert(0, "snippets/generative-models")  # the chapter's shared code, genlab.py
import genlab as gl
import torch

# VAEs on the 8x8 digits (16-D latent, Gaussian decoder with noise scale 0.3), the KL
# term weighted by beta; free bits = no penalty on the first 0.5 nats of each latent
# dimension.
x_test = torch.tensor(gl.digits()[2])
print(f"pixel variance of the test digits: {x_test.var(0).mean():.3f}")
print(
    f"{'beta':>5}{'free bits':>10}{'KL (nats)':>11}{'active dims':>13}{'recon MSE':>11}"
)
for beta, free_bits in [(1, 0), (8, 0), (64, 0), (64, 0.5)]:
    vae = gl.digits_vae(beta=beta, free_bits=free_bits)
    with torch.no_grad():
        mu, log_var = vae.encode(x_test)
        kl = gl.gaussian_kl(mu, log_var).sum(1).mean()
        # active: the posterior mean moves with the input
        # (Burda et al.: Cov_x E_q[z] > 0.01)
        active = int((mu.var(0) > 0.01).sum())
        mse = ((vae.decoder(mu) - x_test) ** 2).mean()
    print(f"{beta:>5}{free_bits:>10}{kl:>11.2f}{active:>9} / 16{mse:>11.3f}")
