# --8<-- [start:flops]
import torch
from torch.utils.flop_counter import FlopCounterMode
from transformers import GPT2Config, GPT2LMHeadModel

n_threads = torch.get_num_threads()
torch.set_num_threads(1)
torch.manual_seed(0)
d, layers, T, V = 256, 4, 128, 512
config = GPT2Config(vocab_size=V, n_positions=T, n_embd=d, n_layer=layers, n_head=4)
model = GPT2LMHeadModel(config)
# N = the weights each token is multiplied by: every block plus the LM head (V x d, tied
# to the input embedding). Embedding lookups do no multiplications.
blocks = sum(p.numel() for name, p in model.named_parameters() if ".h." in name)
N = blocks + V * d
x = torch.randint(0, V, (8, T))
D = x.numel()  # tokens in the batch
with FlopCounterMode(display=False) as counter:
    model(input_ids=x, labels=x).loss.backward()  # one training step's forward+backward
measured = counter.get_total_flops()
# Attention scores QK^T and the weighted sum AV add 2 * 2 * T * d FLOPs per token and
# layer in the forward pass (the full T x T matrix), times 3 for forward + backward.
attention = 12 * layers * T * d * D
print(f"N = {N:,} parameters, D = {D:,} tokens")
print(f"measured FLOPs / 6ND = {measured / (6 * N * D):.3f}")
print(f"measured FLOPs / (6ND + attention) = {measured / (6 * N * D + attention):.3f}")
torch.set_num_threads(n_threads)
# --8<-- [end:flops]

# --8<-- [start:budgets]
import numpy as np
from scipy.optimize import minimize_scalar

# Hoffmann et al. (2022), eq. 10, approach 3: L(N, D) = E + A / N^alpha + B / D^beta
E, A, B, alpha, beta = 1.69, 406.4, 410.7, 0.34, 0.28


def loss(N, D):
    return E + A / N**alpha + B / D**beta


print("budget C  | 20 tokens/param: N      D | min of fitted L: N      D   D/N")
for C in [1e21, 5.76e23, 1e24, 1e25]:
    n20 = np.sqrt(C / 120)  # C = 6 N D with D = 20 N  =>  C = 120 N^2
    res = minimize_scalar(  # minimise L along the compute budget C = 6 N D
        lambda logn, C=C: loss(np.exp(logn), C / (6 * np.exp(logn))),
        bounds=(10, 35),
        method="bounded",
    )
    nf = np.exp(res.x)
    df = C / (6 * nf)
    print(
        f"{C:9.2e} | {n20 / 1e9:16.1f}B {20 * n20 / 1e12:5.2f}T |"
        f" {nf / 1e9:16.1f}B {df / 1e12:5.2f}T {df / nf:5.0f}"
    )

# Famous runs: (parameters, training tokens). C = 6 N D.
runs = {
    "GPT-3 175B": (175e9, 300e9),
    "Gopher 280B": (280e9, 300e9),
    "Chinchilla 70B": (70e9, 1.4e12),
    "Llama 2 7B": (7e9, 2e12),
    "Llama 3 8B": (8e9, 15e12),
}
print("run             compute C  tokens/param  20-tokens/param N for this C")
for name, (n, t) in runs.items():
    C = 6 * n * t
    print(f"{name:15} {C:9.2e}  {t / n:12.0f}  {np.sqrt(C / 120) / 1e9:27.1f}B")

# Kaplan et al. (2020) vs Hoffmann et al. (2022): how to spend a 10x larger budget.
for who, a in [("Kaplan   N ~ C^0.73", 0.73), ("Hoffmann N ~ C^0.50", 0.50)]:
    print(f"{who}: 10x compute -> {10**a:.1f}x parameters, {10 ** (1 - a):.1f}x tokens")
# --8<-- [end:budgets]
