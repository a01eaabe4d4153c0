import numpy as np

# A family of models whose per-token loss on a task's answer falls as a smooth power
# law in parameters N. Nothing about the models changes abruptly.
N = np.array([1e7, 3e7, 1e8, 3e8, 1e9, 3e9, 1e10, 3e10, 1e11])
loss = 2.5 * (N / 1e7) ** -0.4  # nats per answer token
p = np.exp(-loss)  # probability of getting one answer token right
L = 8  # the answer has 8 tokens; exact match needs all of them
exact = p**L
edit = L * (1 - p)  # expected number of wrong tokens (a continuous metric)
print("params   per-token p  exact match (8 tokens)  expected wrong tokens")
for n, pt, em, ed in zip(N, p, exact, edit):
    print(f"{n:7.0e}  {pt:11.3f}  {em:22.3f}  {ed:21.2f}")

# Predicting the large model: extrapolate exact match directly from the four
# smallest models, or extrapolate the smooth per-token loss and convert.
# The small models' losses are measured with 2% noise.
rng = np.random.default_rng(0)
small = slice(0, 4)
measured = loss[small] * np.exp(rng.normal(0, 0.02, 4))
slope, icpt = np.polyfit(np.log(N[small]), np.log(measured), 1)
pred_loss = np.exp(icpt + slope * np.log(N[-1]))
naive = np.polyval(np.polyfit(np.log(N[small]), exact[small], 1), np.log(N[-1]))
print(f"exact match at 1e11: true {exact[-1]:.3f}, from per-token loss fit", end=" ")
print(
    f"{np.exp(-pred_loss) ** L:.3f}, from a linear fit of small models' EM {naive:.3f}"
)
