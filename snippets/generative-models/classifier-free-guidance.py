import sys

import numpy as np
import torch

sys.path.insert(0, "snippets/generative-models")  # the chapter's shared code, genlab.py
import genlab as gl

# Two overlapping classes on the ring: class 0 owns modes 0-2, class 1 owns modes 5-7,
# and modes 3 and 4 belong to both (their points carry either label). One model trained
# with 20% of labels dropped gives eps(x, c) and eps(x); guidance w samples with
# (1 + w) eps(x, c) - w eps(x). 2,000 samples of class 0 per w, DDPM sampler, 100 steps.
net = gl.ddpm_ring_conditional()
label = torch.zeros(2000, dtype=torch.long)
print(
    f"{'w':>4}{'on shared modes':>17}{'ideal tilt':>12}"
    f"{'modes':>7}{'good':>6}{'spread':>8}"
)
for w in [0, 1, 2, 4, 8]:
    x = gl.ddim_sample(net, 2000, 100, eta=1.0, label=label, guidance=w)
    d = np.linalg.norm(x[:, None, :] - gl.CENTRES[None], axis=2)
    nearest, good = d.argmin(1), d.min(1) < 3 * gl.MODE_STD
    shared = np.isin(nearest[good], gl.SHARED_MODES).mean()
    # p(x | c) p(c | x)^w: class 0 puts 1/4 on each of modes 0-2 and 1/8 on each shared
    # mode, where p(c = 0 | x) = 1/2, so the tilted share on shared modes is:
    ideal = 0.25 * 0.5**w / (0.75 + 0.25 * 0.5**w)
    counts = np.bincount(nearest[good], minlength=gl.N_MODES)
    modes = int((counts[:5] >= 0.02 * len(x)).sum())  # of class 0's five modes
    spread = (
        x - gl.CENTRES[nearest]
    ).std() / gl.MODE_STD  # 1.0 = the data's own spread
    print(
        f"{w:>4}{shared:>17.3f}{ideal:>12.3f}"
        f"{modes:>5}/5{good.mean():>6.2f}{spread:>8.2f}"
    )
