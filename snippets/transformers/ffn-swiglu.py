# --8<-- [start:swiglu]
import sys

import numpy as np
import torch

sys.path.insert(0, "snippets/transformers")
import transformers_llm  # SmolLM2-135M-Instruct, loaded once per process

tok, model = transformers_llm.load()
mlp = model.model.layers[0].mlp  # Llama-style: gate_proj, up_proj, down_proj
W_gate = mlp.gate_proj.weight.detach().numpy().T  # (d, d_ff)
W_up = mlp.up_proj.weight.detach().numpy().T
W_down = mlp.down_proj.weight.detach().numpy().T  # (d_ff, d)
d, d_ff = W_gate.shape


def swiglu_ffn(x):
    """down( silu(x W_gate) * (x W_up) ): a gated FFN, applied to each token alone."""
    g = x @ W_gate
    return (g / (1 + np.exp(-g)) * (x @ W_up)) @ W_down


x = np.random.default_rng(0).normal(size=(5, d)).astype(np.float32)
with torch.no_grad():
    ref = mlp(torch.from_numpy(x)).numpy()
same = np.allclose(swiglu_ffn(x), ref, rtol=1e-4, atol=1e-3)  # float32 rounding
print(f"NumPy SwiGLU matches SmolLM2's MLP: {same}")
print(f"d = {d}, d_ff = {d_ff} = {d_ff / d:.3f} d")
print(f"SwiGLU weights 3 d d_ff = {3 * d * d_ff:,}; ReLU FFN with 4d: {8 * d * d:,}")
# --8<-- [end:swiglu]

# --8<-- [start:memory]
import sys

import torch

sys.path.insert(0, "snippets/transformers")
import transformers_llm

tok, model = transformers_llm.load()
layers = model.model.layers
n_layers, d_ff = len(layers), layers[0].mlp.down_proj.in_features


def run(prompt, ablate=()):
    """Next-token probabilities, with some FFN neurons (layer, index) set to 0."""
    captured, hooks = {}, []
    for layer, mlp in enumerate(m.mlp for m in layers):

        def pre_hook(module, args, layer=layer):
            a = args[0].clone()  # the neuron activations silu(g) * u
            a[..., [n for lay, n in ablate if lay == layer]] = 0.0
            captured[layer] = a[0, -1]
            return (a,)

        hooks.append(mlp.down_proj.register_forward_pre_hook(pre_hook))
    hooks.append(
        model.model.norm.register_forward_hook(
            lambda mod, args, out: captured.update(final=args[0][0, -1])
        )
    )
    ids = tok(prompt, return_tensors="pt").input_ids
    # The model is shared by every example in this process: remove the hooks even if the
    # forward pass is interrupted (a timeout).
    try:
        with torch.no_grad():
            probs = model(ids).logits[0, -1].softmax(-1)
    finally:
        for h in hooks:
            h.remove()
    return probs, captured


def token(word):
    return tok(word).input_ids[-1]


paris, rome = token(" Paris"), token(" Rome")
probs, acts = run("The capital of France is")
# Each neuron writes activation x its column of W_down into the residual stream.
# Its direct effect on the " Paris" logit goes through the final RMSNorm (scale
# frozen at this input) and the unembedding row of " Paris".
x = acts["final"]
direction = model.lm_head.weight[paris] * model.model.norm.weight
direction = direction / x.pow(2).mean().add(1e-5).sqrt()
effect = torch.stack(
    [acts[lay] * (layers[lay].mlp.down_proj.weight.T @ direction) for lay in range(30)]
)  # (layers, d_ff)
top = [divmod(int(i), d_ff) for i in effect.flatten().topk(10).indices]
gen = torch.Generator().manual_seed(0)
rand = [divmod(int(i), d_ff) for i in torch.randperm(n_layers * d_ff, generator=gen)]
print(f"FFN neurons in the model: {n_layers * d_ff:,}")
print("the 10 neurons with the largest direct effect on ' Paris':")
print(f"  layers {[lay for lay, _ in top]}")
print(f"{'ablated':<24}{'p(Paris | France)':>19}{'p(Rome | Italy)':>17}")
for name, chosen in (("none", ()), ("top 10", top), ("10 random", rand[:10])):
    p_paris = run("The capital of France is", chosen)[0][paris]
    p_rome = run("The capital of Italy is", chosen)[0][rome]
    print(f"{name:<24}{p_paris:>19.3f}{p_rome:>17.3f}")
# --8<-- [end:memory]
