import sys

sys.path.insert(0, "snippets/generative-models")  # the chapter's shared code, genlab.py
import genlab as gl
import numpy as np

# The same GAN (two 128-unit MLPs, non-saturating loss, Adam) from two random starts,
# and a diffusion model on the same data; 2,000 samples each. "good" = share of samples
# within 3 standard deviations of a mode (99% of real data); a mode counts if it gets
# >= 2%.
print("step   " + "   ".join(f"GAN run {seed}: modes good" for seed in (0, 1)))
runs = [gl.gan_ring(seed) for seed in (0, 1)]
for rows in zip(*(history for _, history in runs)):
    cells = "   ".join(f"{m:>14}/8 {good:.2f}" for _, m, good in rows)
    print(f"{rows[0][0]:>4}   {cells}")


def shares(samples):
    """Share of the samples nearest to each of the 8 modes, in percent."""
    d = np.linalg.norm(samples[:, None, :] - gl.CENTRES[None], axis=2)
    return np.bincount(d.argmin(1), minlength=gl.N_MODES) / len(samples) * 100


gan_samples = gl.gan_sample(runs[0][0], 2000)
ddpm_samples = gl.ddim_sample(gl.ddpm_ring(), 2000, steps=100, eta=1.0)
print("\nshare of samples per mode, % (fair share 12.5):")
for name, s in [("GAN run 0", gan_samples), ("DDPM", ddpm_samples)]:
    modes, good = gl.mode_report(s)
    print(
        f"{name:<10}",
        " ".join(f"{v:4.1f}" for v in shares(s)),
        f"| {modes}/8, good {good:.2f}",
    )
