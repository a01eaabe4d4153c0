import numpy as np

# A teacher's next-token distribution over 60 tokens with two modes (two good ways
# to continue), and a student too small to represent both: a single discretised
# Gaussian bump. Every (centre, width) on a fine grid is tried, so each objective
# gets its global optimum (no optimiser luck involved).
x = np.arange(60)
teacher = 0.6 * np.exp(-0.5 * ((x - 15) / 3) ** 2)
teacher += 0.4 * np.exp(-0.5 * ((x - 42) / 3) ** 2)
teacher = (teacher + 1e-6) / (teacher + 1e-6).sum()

centres = np.arange(0, 60, 0.25)
widths = np.arange(1, 30, 0.25)
c, w = np.meshgrid(centres, widths, indexing="ij")
logits = -0.5 * ((x - c[..., None]) / w[..., None]) ** 2
shifted = logits - logits.max(-1, keepdims=True)
log_q = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))  # log-softmax
students = np.exp(log_q)  # shape (centres, widths, tokens)
forward = (teacher * (np.log(teacher) - log_q)).sum(-1)
reverse = (students * (log_q - np.log(teacher))).sum(-1)

mode_a, mode_b = (x >= 9) & (x <= 21), (x >= 36) & (x <= 48)
low = teacher < 1e-3  # tokens the teacher almost never produces
print("objective        centre  width  KL     mass on A  mass on B  mass where p<1e-3")
for name, obj in (("forward KL(p||q)", forward), ("reverse KL(q||p)", reverse)):
    i, j = np.unravel_index(obj.argmin(), obj.shape)
    q = students[i, j]
    print(
        f"{name:16} {centres[i]:6.2f} {widths[j]:6.2f}  {obj[i, j]:.3f}"
        f"  {q[mode_a].sum():9.3f}  {q[mode_b].sum():9.3f}  {q[low].sum():17.3f}"
    )
print(
    f"{'teacher':16} {'':6} {'':6}  {'':5}  {teacher[mode_a].sum():9.3f}"
    f"  {teacher[mode_b].sum():9.3f}  {teacher[low].sum():17.3f}"
)

# Sequence-level KD trains on teacher samples: the student's cross-entropy on them
# estimates the forward KL plus the teacher's entropy, so it is mode-covering too.
rng = np.random.default_rng(0)
samples = rng.choice(60, 20_000, p=teacher)
i, j = np.unravel_index(forward.argmin(), forward.shape)
ce = -log_q[i, j][samples].mean()
entropy = -(teacher * np.log(teacher)).sum()
print(f"CE on 20,000 teacher samples - teacher entropy = {ce - entropy:.3f}", end="")
print(f" (forward KL {forward[i, j]:.3f})")
