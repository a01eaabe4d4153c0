import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, "snippets/transformers")
import transformers_llm  # SmolLM2-135M-Instruct, loaded once per process

tok, model = transformers_llm.load()
text = """\
The river rose slowly through the night, and by morning the lower streets of the town
were under water. Nobody was surprised: the same thing had happened in 1998 and again
in 2011, and the old people still talked about the flood of 1953.

Shopping list:
- two litres of milk
- a loaf of bread
- six eggs

Revenue was 4.2 million dollars, up 12 percent from 3.75 million a year earlier.

def mean(values):
    total = 0
    for value in values:
        total += value
    return total / len(values)

print(mean([1, 2, 3, 4]))

The capital of France is Paris, the capital of Italy is Rome, and the capital of
Spain is Madrid. The days of the week are Monday, Tuesday, Wednesday, Thursday,
Friday, Saturday and Sunday.
"""
ids = tok(text, return_tensors="pt").input_ids
n_tokens = ids.shape[1]
n_layers = model.config.num_hidden_layers
with torch.no_grad():
    out = model(ids, output_hidden_states=True)
    # hidden_states[0] is the embedding, [i] the residual stream after layer i;
    # the last entry already went through the final norm, so it gets the head only
    streams = out.hidden_states
    last = model.lm_head(streams[-1])
    final = F.log_softmax(last[0], dim=-1)
    p_final = final.exp()
    # The logit lens: every layer's guess, read with the final norm and the LM head.
    # One layer at a time: keep each layer's top-1, its probability and the KL, not
    # all (layers + 1) x tokens x 49,152 log-probabilities at once.
    confidence, top1, kl = [], [], []
    for h in streams[:-1]:
        log_p = F.log_softmax(model.lm_head(model.model.norm(h))[0], dim=-1)
        max_log_p, guess = log_p.max(-1)
        confidence.append(max_log_p.exp())
        top1.append(guess)
        kl.append((p_final * (final - log_p)).sum(-1).mean())  # KL(final || layer)
print(f"{n_tokens} tokens, {n_layers} layers")
same = torch.allclose(last, out.logits, atol=1e-5)
print(f"last layer's lens equals the model's logits: {same}")

final_top1 = final.argmax(-1)
confidence = torch.stack([*confidence, p_final.max(-1).values])  # (layers + 1, tokens)
top1 = torch.stack([*top1, final_top1])
kl = torch.stack([*kl, torch.tensor(0.0)])
agree = (top1 == final_top1).float()
print(f"{'layer':>5}  {'top-1 = final':>13}  {'KL to final':>11}  {'mean max p':>10}")
for layer in [*range(0, n_layers - 1, 3), n_layers - 1, n_layers]:
    print(
        f"{layer:>5}  {agree[layer].mean():>13.3f}  {kl[layer]:>11.2f}"
        f"  {confidence[layer].mean():>10.3f}"
    )

# The exit check itself reads the LM head, which in this small model is larger
# than a whole layer; compute is counted by weights read per token (2 FLOPs each)
head_params = model.lm_head.weight.numel()
layer_params = sum(p.numel() for p in model.model.layers[0].parameters())
ratio = head_params / layer_params
print(f"LM head / one layer, parameters: {ratio:.1f}x")


def cost_vs_full(layers_used, checks):
    """Per-token matrix FLOPs relative to the full model (all layers, one head)."""
    return (layers_used + checks * ratio) / (n_layers + ratio)


# Early exit: stop after the first layer (1..30) whose max probability reaches the
# threshold; read off one full pass, so skipped layers' keys and values still exist
tokens = torch.arange(n_tokens)
print(f"{'exit rule':<22}{'layers':>6}{'differs':>9}{'compute vs full':>17}")
for threshold in (0.9, 0.99, 0.999):
    may_exit = confidence[1:] >= threshold
    may_exit[-1] = True
    exit_layer = may_exit.float().argmax(0) + 1
    differs = (top1[exit_layer, tokens] != final_top1).float().mean()
    used = exit_layer.float().mean()
    cost = cost_vs_full(used, checks=used)
    print(f"{f'max p >= {threshold}':<22}{used:>6.2f}{differs:>9.3f}{cost:>17.2f}")
# Two oracles that know the final answer and check nothing: exit at the first layer
# whose top-1 is already the final one, or at the first from which it stays final
first_match = agree[1:].argmax(0) + 1
settled = agree[1:].flip(0).cumprod(0).flip(0).argmax(0) + 1
for name, oracle_layer in (("first match", first_match), ("settled", settled)):
    used = oracle_layer.float().mean()
    cost = cost_vs_full(used, checks=1)
    print(f"{f'oracle, {name}':<22}{used:>6.2f}{0:>9.3f}{cost:>17.2f}")
for name, oracle_layer in (("first match", first_match), ("settled", settled)):
    shares = " / ".join(
        f"{(oracle_layer <= k).float().mean():.3f}" for k in (10, 20, 29)
    )
    print(f"oracle, {name}: exits by layer 10 / 20 / 29 {shares}")
