import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
torch.manual_seed(0)
# 400 prompts, 8 candidate responses each: a true quality and a length in tokens
P, K = 400, 8
quality = torch.randn(P, K)
length = (200 + 60 * (0.3 * quality + 0.95 * torch.randn(P, K))).clamp(min=20)
# the SFT model (reference) is only weakly quality-aware; "another model" prefers
# different responses, as a stronger or older model's samples would
ref_logits = torch.randn(P, K) + 0.3 * quality
other_logits = 1.5 * torch.randn(P, K) + 0.3 * quality
BETA, PAIRS_PER_PROMPT = 0.1, 4


def sample_pairs(logits, gen):
    """Two samples per pair from softmax(logits); pairs of one response dropped."""
    probs = F.softmax(logits, 1).repeat_interleave(PAIRS_PER_PROMPT, 0)
    prompt = torch.arange(P).repeat_interleave(PAIRS_PER_PROMPT)
    a = torch.multinomial(probs, 1, generator=gen).squeeze(1)
    b = torch.multinomial(probs, 1, generator=gen).squeeze(1)
    keep = a != b
    return prompt[keep], a[keep], b[keep]


def label(prompt, a, b, flip=0.0, length_bonus=0.0, gen=None):
    """Chosen/rejected from a judge score; optional label flips."""
    z_len = (length - length.mean()) / length.std()
    score = quality + length_bonus * z_len
    a_wins = score[prompt, a] > score[prompt, b]
    if flip > 0:
        a_wins ^= torch.rand(len(a), generator=gen) < flip
    return torch.where(a_wins, a, b), torch.where(a_wins, b, a)


def train(prompt, chosen, rejected, loss="dpo", smooth=0.0, sft_weight=0.0):
    logits = ref_logits.clone().requires_grad_()
    ref_logp = F.log_softmax(ref_logits, 1)
    opt = torch.optim.Adam([logits], lr=0.05)
    for _ in range(300):
        logp = F.log_softmax(logits, 1)
        ratio = logp - ref_logp
        h = ratio[prompt, chosen] - ratio[prompt, rejected]
        if loss == "ipo":
            per_pair = (h - 1 / (2 * BETA)) ** 2
        else:
            # smooth > 0 is conservative DPO (cDPO): labels assumed flipped w.p. smooth
            per_pair = -(1 - smooth) * F.logsigmoid(BETA * h)
            per_pair = per_pair - smooth * F.logsigmoid(-BETA * h)
        total = per_pair.mean() - sft_weight * logp[prompt, chosen].mean()
        opt.zero_grad()
        total.backward()
        opt.step()
    return logits.detach()


def report(name, logits, pairs=None):
    probs = F.softmax(logits, 1)
    cells = [(probs * quality).sum(1).mean(), (probs * length).sum(1).mean()]
    if pairs is not None:
        prompt, chosen, rejected = pairs
        truly_better = quality[prompt, chosen] > quality[prompt, rejected]
        p_ref, p_new = F.softmax(ref_logits, 1)[prompt, chosen], probs[prompt, chosen]
        cells += [truly_better.double().mean(), p_ref.mean(), p_new.mean()]
        cells += [p_ref.log().mean(), p_new.log().mean()]
        cells += [(p_new < p_ref).double().mean(), probs[prompt, rejected].mean()]
    formats = [".3f", ".0f", ".2f", ".3f", ".3f", ".2f", ".2f", ".2f", ".3f"]
    print(f"{name:<26}" + "".join(f"{c.item():8{f}}" for c, f in zip(cells, formats)))


gen = torch.Generator().manual_seed(1)
on_policy = sample_pairs(ref_logits, gen)
off_policy = sample_pairs(other_logits, gen)
clean = (on_policy[0], *label(*on_policy))
flipped = (on_policy[0], *label(*on_policy, flip=0.25, gen=gen))
long_judge = (on_policy[0], *label(*on_policy, length_bonus=1.0))
off_clean = (off_policy[0], *label(*off_policy))

print(f"pairs: on-policy {len(on_policy[0])}, off-policy {len(off_policy[0])}")
print(f"best possible E[quality] {quality.max(1).values.mean():.3f}")
print("acc: share of labels that agree with true quality; p_w, lgp: mean probability")
print("and log-probability of the chosen responses (p_l: rejected), under the")
print("reference and after training; fell: share of chosen whose probability fell")
columns = ["E[q]", "E[len]", "acc", "p_w ref", "p_w new", "lgp ref", "lgp new"]
columns += ["fell", "p_l new"]
print(f"{'data, loss':<26}" + "".join(f"{c:>8}" for c in columns))
report("reference (SFT)", ref_logits)
report("(a) clean, DPO", train(*clean), clean)
report("(a) clean, DPO + SFT", train(*clean, sft_weight=1.0), clean)
report("(b) 25% flipped, DPO", train(*flipped), flipped)
report("(b) 25% flipped, cDPO", train(*flipped, smooth=0.25), flipped)
report("(b) 25% flipped, IPO", train(*flipped, loss="ipo"), flipped)
report("(c) long-loving judge, DPO", train(*long_judge), long_judge)
report("(d) off-policy, DPO", train(*off_clean), off_clean)
