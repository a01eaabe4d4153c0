import math
import sys

import torch

sys.path.insert(0, "snippets/transformers")
import transformers_llm  # SmolLM2-135M-Instruct, eager attention, loaded once

tok, model = transformers_llm.load()
n_layers = model.config.num_hidden_layers
n_heads = model.config.num_attention_heads
head_dim = model.config.hidden_size // n_heads

# Random token ids, each sequence repeated once: [x_0 .. x_49][x_0 .. x_49].
gen = torch.Generator().manual_seed(0)
B, L = 4, 50
first = torch.randint(1000, 49000, (B, L), generator=gen)
ids = torch.cat([first, first], dim=1)


def run(zeroed=()):
    """Per-token losses and attention weights, with some heads' outputs set to 0."""
    hooks = []
    for layer in {layer for layer, _ in zeroed}:
        heads = [h for lay, h in zeroed if lay == layer]

        def zero_heads(module, args, heads=heads):
            x = args[0].clone()  # (B, T, n_heads * head_dim), the heads' outputs
            for h in heads:
                x[..., h * head_dim : (h + 1) * head_dim] = 0
            return (x,)

        o_proj = model.model.layers[layer].self_attn.o_proj
        hooks.append(o_proj.register_forward_pre_hook(zero_heads))
    # The model is shared by every example in this process: remove the hooks even
    # if the forward pass is interrupted (a timeout), or later examples run with
    # heads zeroed.
    try:
        with torch.no_grad():
            out = model(ids, output_attentions=True)
    finally:
        for hook in hooks:
            hook.remove()
    # losses[:, t] is the loss of predicting token t + 1 from tokens 0..t
    logp = torch.log_softmax(out.logits[:, :-1], dim=-1)
    losses = -logp.gather(-1, ids[:, 1:, None])[..., 0]
    att = torch.stack(out.attentions)  # (layers, B, heads, queries, keys)
    return losses, att


def second_copy_loss(losses):
    # predictions of tokens L+1 .. 2L-1, each already seen in the first copy
    return losses[:, L:].mean().item()


def name(i):
    return f"{i // n_heads}.{i % n_heads}"


losses, att = run()
print(f"{B} sequences of {L} random tokens, each repeated once")
print(f"uniform guess over {len(tok)} tokens: {math.log(len(tok)):.2f} nats")
print(f"mean loss, first copy:  {losses[:, : L - 1].mean():.2f} nats")
print(f"mean loss, second copy: {second_copy_loss(losses):.2f} nats")

# Induction score: attention from position i in the second copy to i - L + 1,
# the token that followed the earlier occurrence of token i.
q = torch.arange(L, 2 * L)
induction = att[:, :, :, q, q - L + 1].mean(dim=(1, 3)).flatten()
# Previous-token score: attention from position i to i - 1.
p = torch.arange(1, 2 * L)
previous = att[:, :, :, p, p - 1].mean(dim=(1, 3)).flatten()
uniform = (1.0 / (q + 1)).mean()
print(f"induction score, mean of all {induction.numel()} heads: {induction.mean():.3f}")
print(f"induction score of uniform attention: {uniform:.3f}")
top_ind = torch.topk(induction, 5).indices
top_prev = torch.topk(previous, 3).indices
print("top induction heads (layer.head):")
print("  " + ", ".join(f"{name(i)} {induction[i]:.2f}" for i in top_ind))
print("top previous-token heads (layer.head):")
print("  " + ", ".join(f"{name(i)} {previous[i]:.2f}" for i in top_prev))

# Knock heads out: set their outputs to zero and rerun.
as_pairs = [(i // n_heads, i % n_heads) for i in top_ind.tolist()]
chosen = torch.randperm(n_layers * n_heads, generator=gen)[:5].tolist()
random_pairs = [(i // n_heads, i % n_heads) for i in chosen]
prev_head = top_prev[0].item()
prev_pair = [(prev_head // n_heads, prev_head % n_heads)]
print("second-copy loss with heads zeroed (first-copy loss in brackets):")
rows = [
    ("none", []),
    ("the 5 top induction heads", as_pairs),
    ("5 random heads " + " ".join(name(i) for i in chosen), random_pairs),
    (f"previous-token head {name(prev_head)}", prev_pair),
]
for label, pairs in rows:
    z_losses, z_att = run(pairs)
    first_loss = z_losses[:, : L - 1].mean()
    print(f"  {label:<38}{second_copy_loss(z_losses):>6.2f}  ({first_loss:.2f})")
# z_att is from the last row: does the induction head still find its target?
z_ind = z_att[:, :, :, q, q - L + 1].mean(dim=(1, 3)).flatten()
best = top_ind[0].item()
print(
    f"with {name(prev_head)} zeroed, induction score of {name(best)}: "
    f"{induction[best]:.2f} -> {z_ind[best]:.2f}"
)
