import itertools

import torch
import torch.nn.functional as F

torch.manual_seed(0)
# index 0 is the blank, written "_"
ALPHABET = "_ab"


def collapse(path):
    """CTC's many-to-one map: merge repeated symbols, then drop blanks."""
    merged = [s for i, s in enumerate(path) if i == 0 or s != path[i - 1]]
    return tuple(s for s in merged if s != 0)


def brute_force(logp, target):
    """Sum the probability of every frame labelling that collapses to target."""
    T, V = logp.shape
    paths = [p for p in itertools.product(range(V), repeat=T) if collapse(p) == target]
    if not paths:
        return torch.tensor(float("-inf"), dtype=logp.dtype), 0
    idx = torch.tensor(paths)
    # frames are conditionally independent: a path's log-prob is a sum over frames
    path_logp = logp.gather(1, idx.T).sum(dim=0)
    return torch.logsumexp(path_logp, dim=0), len(paths)


def ctc_forward(logp, target):
    """Graves et al. (2006) alpha recursion over the target with blanks around
    and between labels, in log space: O(T * (2U + 1)) instead of V^T paths."""
    ext = [0]
    for label in target:
        ext += [label, 0]
    T, S = logp.shape[0], len(ext)
    alpha = torch.full((S,), float("-inf"), dtype=logp.dtype)
    alpha[0] = logp[0, 0]
    if S > 1:
        alpha[1] = logp[0, ext[1]]
    for t in range(1, T):
        prev = alpha.clone()
        for s in range(S):
            # stay on s, or advance from s - 1 ...
            terms = [prev[s]] + ([prev[s - 1]] if s >= 1 else [])
            # ... or skip a blank, unless that would merge two equal labels
            if s >= 2 and ext[s] != 0 and ext[s] != ext[s - 2]:
                terms.append(prev[s - 2])
            alpha[s] = torch.logsumexp(torch.stack(terms), dim=0) + logp[t, ext[s]]
    # a valid path ends on the last label or on the final blank
    return torch.logsumexp(alpha[-2:], dim=0)


def torch_ctc(logp, target):
    """PyTorch's CTC loss is -log p(target | x); inputs are (T, batch, V)."""
    targets, lengths = torch.tensor([target]), ([logp.shape[0]], [len(target)])
    return -F.ctc_loss(logp[:, None], targets, *lengths, reduction="sum")


T = 6
logp = torch.randn(T, len(ALPHABET), dtype=torch.float64).log_softmax(dim=-1)
print(f"T={T} frames, {len(ALPHABET)} symbols: {len(ALPHABET) ** T} frame labellings")
print("target  alignments  p brute force  p alpha  p torch  agree to 1e-6")
for word in ["ab", "aa"]:
    target = tuple(ALPHABET.index(c) for c in word)
    brute, n = brute_force(logp, target)
    p = [
        v.exp().item()
        for v in (brute, ctc_forward(logp, target), torch_ctc(logp, target))
    ]
    agree = max(p) - min(p) < 1e-6
    print(f"{word:<7} {n:>10} {p[0]:>14.6f} {p[1]:>8.6f} {p[2]:>8.6f}  {agree}")

# How many frames does a target need? U labels plus one blank per repeat.
print("frames  alignments 'ab'  alignments 'aa'  torch loss 'aa'")
for T in range(1, 5):
    lp = torch.randn(T, len(ALPHABET), dtype=torch.float64).log_softmax(dim=-1)
    n_ab, n_aa = brute_force(lp, (1, 2))[1], brute_force(lp, (1, 1))[1]
    print(f"{T:>6} {n_ab:>16} {n_aa:>16} {-torch_ctc(lp, (1, 1)).item():>16.3f}")

# Greedy (best-path) decoding: argmax per frame, then collapse
for frames in ["_hh_e_ll_l_oo_", "hheelllloo"]:
    ids = [0 if c == "_" else ord(c) for c in frames]
    print(f"greedy {frames!r} -> {''.join(chr(i) for i in collapse(ids))!r}")


def prefix_beam_search(probs, beam=4):
    """Keep label prefixes, each with p(ends in blank) and p(ends in a label),
    summing over the alignments that give the same prefix."""
    beams = {(): (1.0, 0.0)}
    for p in probs.tolist():
        new = {}
        for prefix, (p_b, p_nb) in beams.items():
            b, nb = new.get(prefix, (0.0, 0.0))
            new[prefix] = (b + (p_b + p_nb) * p[0], nb)
            for c in range(1, len(p)):
                ext = prefix + (c,)
                b, nb = new.get(ext, (0.0, 0.0))
                if prefix and c == prefix[-1]:
                    # "a a" without a blank in between stays "a"; after a blank
                    # it starts a second "a"
                    new[ext] = (b, nb + p_b * p[c])
                    b0, nb0 = new[prefix]
                    new[prefix] = (b0, nb0 + p_nb * p[c])
                else:
                    new[ext] = (b, nb + (p_b + p_nb) * p[c])
        beams = dict(sorted(new.items(), key=lambda kv: -sum(kv[1]))[:beam])
    best = max(beams, key=lambda k: sum(beams[k]))
    return best, sum(beams[best])


# Two frames, each 60% blank and 40% "a": the best path is "__", an empty output,
# but "a_", "_a" and "aa" all collapse to "a"
probs = torch.tensor([[0.6, 0.4, 0.0], [0.6, 0.4, 0.0]], dtype=torch.float64)
greedy = collapse(probs.argmax(dim=-1).tolist())
best_path_p = probs.max(dim=-1).values.prod().item()
label, p_label = prefix_beam_search(probs)
print(
    f"greedy: {''.join(ALPHABET[i] for i in greedy)!r} (best path p={best_path_p:.2f})"
)
print(f"prefix beam search: {''.join(ALPHABET[i] for i in label)!r} (p={p_label:.2f})")
