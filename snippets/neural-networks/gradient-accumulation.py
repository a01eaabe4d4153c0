# --8<-- [start:tokens]
import torch
from torch import nn

torch.manual_seed(0)
vocab, dim = 50, 16
model = nn.Sequential(nn.Embedding(vocab, dim), nn.Linear(dim, vocab))
# 8 sequences of very different lengths (padding is masked out with -100).
lengths = [3, 40, 5, 60, 2, 8, 30, 4]
T = max(lengths)
inputs = torch.randint(0, vocab, (8, T))
targets = torch.randint(0, vocab, (8, T))
for i, n in enumerate(lengths):
    targets[i, n:] = -100  # ignored by cross_entropy


def token_losses(x, t):  # summed loss and number of real tokens
    logits = model(x)
    loss = nn.functional.cross_entropy(
        logits.reshape(-1, vocab), t.reshape(-1), reduction="sum", ignore_index=-100
    )
    return loss, (t != -100).sum()


def grad_of(step):
    model.zero_grad()
    step()
    return torch.cat([p.grad.flatten() for p in model.parameters()])


def full_batch():  # the reference: mean over all real tokens of the 8 sequences
    loss, n = token_losses(inputs, targets)
    (loss / n).backward()


micro = [slice(0, 2), slice(2, 4), slice(4, 6), slice(6, 8)]  # 4 micro-batches of 2


def accumulate_mean_of_means():  # each micro-batch's own token mean, divided by 4
    for s in micro:
        loss, n = token_losses(inputs[s], targets[s])
        (loss / n / len(micro)).backward()


def accumulate_by_total_tokens():  # divide every micro-batch by the global count
    total = sum(int((targets[s] != -100).sum()) for s in micro)
    for s in micro:
        loss, _ = token_losses(inputs[s], targets[s])
        (loss / total).backward()


ref = grad_of(full_batch)
for name, step in [
    ("mean of micro-batch means", accumulate_mean_of_means),
    ("sum / total tokens", accumulate_by_total_tokens),
]:
    g = grad_of(step)
    rel = ((g - ref).norm() / ref.norm()).item()
    print(
        f"{name:26s} equals the full batch: {torch.allclose(g, ref, atol=1e-6)}"
        f", relative error {rel:.3f}"
    )
tokens = [sum(lengths[s]) for s in micro]
print("tokens per micro-batch:", tokens)
ratio = max(tokens) / min(tokens)
print(f"mean of means: a token in the shortest micro-batch counts {ratio:.1f}x")
# --8<-- [end:tokens]

# --8<-- [start:batchnorm]
import torch
from torch import nn

torch.manual_seed(0)
x, y = torch.randn(32, 10), torch.randn(32, 1)


def grads(accumulate):
    torch.manual_seed(1)
    model = nn.Sequential(
        nn.Linear(10, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 1)
    )
    if accumulate:  # 4 micro-batches of 8: BatchNorm normalises each with its own stats
        for i in range(4):
            part = slice(8 * i, 8 * i + 8)
            (nn.functional.mse_loss(model(x[part]), y[part]) / 4).backward()
    else:  # one batch of 32
        nn.functional.mse_loss(model(x), y).backward()
    return torch.cat([p.grad.flatten() for p in model.parameters()])


g_big, g_acc = grads(False), grads(True)
rel = ((g_acc - g_big).norm() / g_big.norm()).item()
print(
    f"BatchNorm, 4 x 8 accumulated vs 32: same gradient "
    f"{torch.allclose(g_acc, g_big, atol=1e-6)}, relative error {rel:.3f}"
)
# --8<-- [end:batchnorm]
