import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
V, T, D = 24, 48, 64

# A toy language: 8 "words", fixed token sequences of length 2 to 5, each followed
# by one of two successor words (p = 0.7 / 0.3). Inside a word every token is
# determined; the first token of a word is a choice point.
g = torch.Generator().manual_seed(0)
words = [torch.randperm(V, generator=g)[: 2 + i % 4] for i in range(8)]
succ = [torch.randperm(8, generator=g)[:2].tolist() for _ in range(8)]


def sample(n, gen, with_states=False):
    out, states = [], []
    for _ in range(n):
        w, seq, state = int(torch.randint(8, (1,), generator=gen)), [], []
        while len(seq) < T + 1:
            seq += words[w].tolist()
            state += [(w, i) for i in range(len(words[w]))]
            a, b = succ[w]
            w = a if torch.rand(1, generator=gen).item() < 0.7 else b
        out.append(seq[: T + 1])
        states.append(state[: T + 1])
    return (torch.tensor(out), states) if with_states else torch.tensor(out)


class MTP(nn.Module):
    """A shared causal transformer trunk and n_heads independent output heads."""

    def __init__(self, n_heads):
        super().__init__()
        self.emb, self.pos = nn.Embedding(V, D), nn.Embedding(T + 1, D)
        layer = nn.TransformerEncoderLayer(D, 4, 128, dropout=0.0, batch_first=True)
        self.trunk = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(D)
        # Head k predicts token t+k from the trunk's state at position t.
        self.heads = nn.ModuleList(nn.Linear(D, V) for _ in range(n_heads))

    def hidden(self, x):
        mask = nn.Transformer.generate_square_subsequent_mask(x.shape[1])
        h = self.emb(x) + self.pos(torch.arange(x.shape[1]))
        return self.norm(self.trunk(h, mask=mask, is_causal=True))

    def losses(self, x):
        h = self.hidden(x[:, :-1])
        # Head k: positions 0..T-k are scored against tokens k..T.
        return [
            F.cross_entropy(head(h[:, : T - k + 1]).flatten(0, 1), x[:, k:].flatten())
            for k, head in enumerate(self.heads, start=1)
        ]


def train(n_heads, steps=300):
    torch.manual_seed(0)  # same trunk and head-1 initialisation for both models
    model = MTP(n_heads)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    data_gen = torch.Generator().manual_seed(1)  # the same batches for both models
    for _ in range(steps):
        loss = sum(model.losses(sample(32, data_gen)))  # summed over the heads
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model


test, states = sample(200, torch.Generator().manual_seed(2), with_states=True)


def oracle(k):
    """Knows the grammar and the current word; assumes the likelier successor."""
    hits = []
    for seq, state in zip(test.tolist(), states):
        for t in range(T + 1 - k):
            w, i = state[t]
            for _ in range(k):
                w, i = (w, i + 1) if i + 1 < len(words[w]) else (succ[w][0], 0)
            hits.append(int(words[w][i]) == seq[t + k])
    return sum(hits) / len(hits)


@torch.no_grad()
def accuracy(model, k):
    h = model.hidden(test[:, :-1])
    pred = model.heads[k - 1](h[:, : T - k + 1]).argmax(-1)
    return (pred == test[:, k:]).float().mean().item()


ntp, mtp = train(1), train(2)
print(f"next-token accuracy, 1 head (NTP):  {accuracy(ntp, 1):.3f}")
print(f"next-token accuracy, 2 heads (MTP): {accuracy(mtp, 1):.3f}")
print(f"  grammar oracle:                   {oracle(1):.3f}")
print(f"head 2 accuracy on token t+2:       {accuracy(mtp, 2):.3f}")
print(f"  grammar oracle:                   {oracle(2):.3f}")

# Memory-efficient backward (Gloeckle et al., Fig. 2): backpropagate one head at a
# time into a detached copy of the trunk output, then once through the trunk.
x = sample(8, torch.Generator().manual_seed(3))
mtp.zero_grad()
sum(mtp.losses(x)).backward()
summed = [p.grad.clone() for p in mtp.parameters()]
mtp.zero_grad()
h = mtp.hidden(x[:, :-1])
h_d = h.detach().requires_grad_()
for k, head in enumerate(mtp.heads, start=1):
    logits = head(h_d[:, : T - k + 1])  # only one head's logits alive at a time
    F.cross_entropy(logits.flatten(0, 1), x[:, k:].flatten()).backward()
h.backward(h_d.grad)
same = all(
    torch.allclose(a, p.grad, atol=1e-6) for a, p in zip(summed, mtp.parameters())
)
print(f"one head at a time gives the same gradients as the summed loss: {same}")


# Self-speculative greedy decoding: head 2 drafts token t+2, head 1 verifies it
# in the next forward pass (which also scores the token after the draft).
@torch.no_grad()
def greedy(model, prompt, n):
    seq, passes = prompt.tolist(), 0
    while len(seq) < len(prompt) + n:
        h = model.hidden(torch.tensor([seq]))
        seq.append(int(model.heads[0](h[0, -1]).argmax()))
        passes += 1
    return seq[: len(prompt) + n], passes


@torch.no_grad()
def self_speculative(model, prompt, n):
    seq, passes, accepted, drafted = prompt.tolist(), 0, 0, 0
    draft = None
    while len(seq) < len(prompt) + n:
        h = model.hidden(torch.tensor([seq + ([draft] if draft is not None else [])]))
        h, passes = h[0], passes + 1
        last = len(seq) - 1
        # Head 1 at the last verified token gives the true greedy next token.
        seq.append(int(model.heads[0](h[last]).argmax()))
        if draft is not None:
            drafted += 1
            if seq[-1] == draft:
                # Accepted: the same pass already scored the position after it.
                accepted += 1
                last += 1
                seq.append(int(model.heads[0](h[last]).argmax()))
        # Head 2 at the token before the newest one drafts the next token.
        draft = int(model.heads[1](h[last]).argmax())
    return seq[: len(prompt) + n], passes, accepted, drafted


prompt = test[0, :8]
plain, plain_passes = greedy(mtp, prompt, 40)
spec, spec_passes, accepted, drafted = self_speculative(mtp, prompt, 40)
print(f"self-speculative output == plain greedy: {spec == plain}")
print(f"forward passes for 40 tokens: greedy {plain_passes}, MTP {spec_passes}")
print(f"drafts accepted: {accepted}/{drafted} = {accepted / drafted:.2f}")
