import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def log_softmax(logits):
    shifted = logits - logits.max(-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))


# (a) Deterministic preferences: answers a > b > c, and every label agrees with
# that order. The policy is a free logit per answer, started at the reference.
# The margin h = log-ratio(winner) - log-ratio(loser) is linear in the logits,
# so the gradient of any loss l(h) is l'(h) on the winner and -l'(h) on the loser.
ref_p = np.array([0.2, 0.3, 0.5])
winner, loser = np.array([0, 1, 0]), np.array([1, 2, 2])
runs = [("DPO", 0.1), ("DPO", 1.0), ("IPO", 0.1), ("IPO", 1.0)]
beta = np.array([[b] for _, b in runs])
is_dpo = np.array([[name == "DPO"] for name, _ in runs])
logits = np.tile(np.log(ref_p), (len(runs), 1))
incidence = np.zeros((3, 3))
incidence[np.arange(3), winner], incidence[np.arange(3), loser] = 1.0, -1.0


def margins(logits):
    ratio = log_softmax(logits) - np.log(ref_p)
    return ratio[:, winner] - ratio[:, loser]


def p_worst_and_kl(logits):
    logp = log_softmax(logits)
    kl = (np.exp(logp) * (logp - np.log(ref_p))).sum(1)
    return np.exp(logp[:, 2]), kl


print("(a) answers a > b > c, every pair labelled in that order; reference")
print("p(a, b, c) = 0.20 0.30 0.50; plain gradient descent, learning rate 0.1")
print(" " * 10 + "".join(f"{f'{name} beta {b:g}':>16}" for name, b in runs))
print("step      " + "     p(c)     KL" * len(runs))
for step in range(1, 100_001):
    h = margins(logits)
    # d loss / d h: DPO -log sigmoid(beta h); IPO (h - 1 / (2 beta))^2
    dl_dh = np.where(is_dpo, -beta / (1 + np.exp(beta * h)), 2 * (h - 0.5 / beta))
    logits -= 0.1 * (dl_dh @ incidence) / len(winner)
    if step in (10, 100, 1_000, 10_000, 100_000):
        p_c, kl = p_worst_and_kl(logits)
        cells = "".join(f"{p:9.2e}{k:7.3f}" for p, k in zip(p_c, kl))
        print(f"{step:<10d}{cells}")
# IPO's optimum: pi(y) proportional to pi_ref(y) exp(P(y beats mu) / tau), tau being
# the beta above, mu uniform over the three answers and a tie counted as one half
beats_mu = np.array([5 / 6, 1 / 2, 1 / 6])
closed = ""
for b in (0.1, 1.0):
    exact = ref_p * np.exp(beats_mu / b)
    exact /= exact.sum()
    closed += f"{exact[2]:9.2e}{(exact * np.log(exact / ref_p)).sum():7.3f}"
print(f"{'IPO closed form':<42}{closed}")
print(f"KL cap when p(a) -> 1: log(1 / 0.2) = {np.log(5):.3f}")
h = margins(logits)
print("margins a-b, b-c, a-c after 100000 steps:")
print(f"  DPO beta 0.1  {h[0, 0]:6.2f} {h[0, 1]:6.2f} {h[0, 2]:6.2f}")
print(
    f"  IPO beta 0.1  {h[2, 0]:6.2f} {h[2, 1]:6.2f} {h[2, 2]:6.2f}"
    "   (each pair's target 1 / (2 beta) = 5.00)"
)

# (b) Unpaired labels. Answers are bags of 6 tokens from 30 token types; a
# prompt has 4 candidate answers and the policy is log-linear over them:
# pi(y|x) proportional to exp(theta . counts(y)). True quality is linear in the counts.
gen = torch.Generator().manual_seed(0)
V, K, BETA = 30, 4, 0.1
true_weights = torch.randn(V, generator=gen)
theta_ref = 0.5 * torch.randn(V, generator=gen)


def prompts(n):
    tokens = torch.randint(0, V, (n, K, 6), generator=gen)
    return F.one_hot(tokens, V).sum(2).double()


def log_ratio(theta, counts):
    return F.log_softmax(counts @ theta, -1) - F.log_softmax(counts @ theta_ref, -1)


pair_prompts = prompts(40)
quality = pair_prompts @ true_weights
first_wins = torch.rand(40, generator=gen) < torch.sigmoid(
    quality[:, 0] - quality[:, 1]
)
chosen = torch.where(first_wins, 0, 1)
thumb_prompts = prompts(800)
thumbs_up = torch.rand(800, generator=gen) < torch.sigmoid(
    thumb_prompts[:, 0] @ true_weights
)
test_prompts = prompts(2000)
test_quality = test_prompts @ true_weights


def held_out_accuracy(theta):
    r = log_ratio(theta, test_prompts)
    truth = test_quality[:, 0] > test_quality[:, 1]
    return ((r[:, 0] > r[:, 1]) == truth).double().mean().item()


def train(loss_fn, steps=500):
    theta = theta_ref.clone().requires_grad_()
    opt = torch.optim.Adam([theta], lr=0.05)
    for _ in range(steps):
        loss = loss_fn(theta)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return theta.detach()


def dpo(theta):
    r = log_ratio(theta, pair_prompts)
    rows = torch.arange(40)
    return -F.logsigmoid(BETA * (r[rows, chosen] - r[rows, 1 - chosen])).mean()


def kto_loss(counts, answer, desirable, lambda_d=1.0, lambda_u=1.0):
    def loss(theta):
        r_all = log_ratio(theta, counts)
        r = r_all[torch.arange(len(answer)), answer]
        # reference point z0 = KL(pi || pi_ref), exact over the candidates here,
        # clamped at 0 and not back-propagated (the paper estimates it in-batch)
        with torch.no_grad():
            z0 = (F.softmax(counts @ theta, -1) * r_all).sum(-1).mean().clamp(min=0)
        value = torch.where(
            desirable,
            lambda_d * torch.sigmoid(BETA * (r - z0)),
            lambda_u * torch.sigmoid(BETA * (z0 - r)),
        )
        return (torch.where(desirable, lambda_d, lambda_u) - value).mean()

    return loss


# KTO sees a pair as two labels: chosen desirable, rejected undesirable
pairs_as_labels = (
    torch.cat([pair_prompts, pair_prompts]),
    torch.cat([chosen, 1 - chosen]),
    torch.cat([torch.ones(40, dtype=torch.bool), torch.zeros(40, dtype=torch.bool)]),
)
all_labels = [
    torch.cat([pair_prompts, pair_prompts, thumb_prompts]),
    torch.cat([chosen, 1 - chosen, torch.zeros(800, dtype=torch.long)]),
    torch.cat([pairs_as_labels[2], thumbs_up]),
]
n_up = int(thumbs_up.sum())
n_desirable, n_undesirable = 40 + n_up, 40 + 800 - n_up
lambda_d = n_undesirable / n_desirable
print()
print(f"(b) 40 preference pairs and 800 thumbs ({n_up} up, {800 - n_up} down)")
print("held-out accuracy of the learned ordering on 2000 new pairs")
results = [
    ("reference (SFT) model", theta_ref),
    ("DPO, the 40 pairs", train(dpo)),
    ("KTO, the same 40 pairs as 80 labels", train(kto_loss(*pairs_as_labels))),
    ("KTO, 40 pairs + 800 thumbs", train(kto_loss(*all_labels))),
    (
        f"  same, desirable weighted {lambda_d:.2f} (balanced)",
        train(kto_loss(*all_labels, lambda_d=lambda_d)),
    ),
]
for name, theta in results:
    print(f"{name:<44}{held_out_accuracy(theta):.3f}")

# (c) Length. Answers of 4 to 40 tokens from 20 token types; an answer's true
# quality is its mean token quality, so length alone is worth nothing. The
# policy is a unigram model: log pi(y) = sum of its tokens' log-probabilities,
# with one extra logit for the rest of the vocabulary, so every token in the
# data can gain probability at once, as in an LLM with a large vocabulary.
V = 20
token_quality = torch.randn(V, generator=gen)
ref_logits = torch.cat([0.5 * torch.randn(V, generator=gen), torch.tensor([3.0])])


def answers(n):
    lengths = torch.randint(4, 41, (n,), generator=gen)
    probs = F.softmax(ref_logits[:V], 0)
    counts = [
        torch.multinomial(probs, int(n_tok), replacement=True, generator=gen)
        for n_tok in lengths
    ]
    counts = torch.stack([torch.bincount(c, minlength=V) for c in counts]).double()
    return counts, lengths.double()


def seq_logp(logits, counts):
    return counts @ F.log_softmax(logits, 0)[:V]


count_a, len_a = answers(4000)
count_b, len_b = answers(4000)
a_wins = count_a @ token_quality / len_a > count_b @ token_quality / len_b
count_w = torch.where(a_wins[:, None], count_a, count_b)
count_l = torch.where(a_wins[:, None], count_b, count_a)
len_w, len_l = torch.where(a_wins, len_a, len_b), torch.where(a_wins, len_b, len_a)
test_counts, test_len = answers(4000)
test_counts, test_len = test_counts.view(1000, 4, V), test_len.view(1000, 4)
test_quality = test_counts @ token_quality / test_len


def pairs_with_longer_winner(share, n=500):
    longer = torch.nonzero(len_w > len_l).squeeze(1)
    shorter = torch.nonzero(len_w < len_l).squeeze(1)
    k = round(share * n)
    idx = torch.cat([longer[:k], shorter[: n - k]])
    return count_w[idx], len_w[idx], count_l[idx], len_l[idx]


def train_length(data, method, steps=300):
    cw, lw, cl, ll = data
    logits = ref_logits.clone().requires_grad_()
    opt = torch.optim.Adam([logits], lr=0.05)
    for _ in range(steps):
        logp_w, logp_l = seq_logp(logits, cw), seq_logp(logits, cl)
        if method == "DPO":
            h = (logp_w - seq_logp(ref_logits, cw)) - (
                logp_l - seq_logp(ref_logits, cl)
            )
            loss = -F.logsigmoid(0.1 * h).mean()
        else:
            # SimPO: beta 2.0, target margin gamma 1.0, no reference model
            loss = -F.logsigmoid(2.0 * (logp_w / lw - logp_l / ll) - 1.0).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    # each method's implicit reward for the held-out candidates
    logp = seq_logp(logits.detach(), test_counts)
    if method == "DPO":
        return logp - seq_logp(ref_logits, test_counts)
    return logp / test_len


def top_ranked(score):
    best = score.argmax(1)
    rows = torch.arange(1000)
    return f"{test_len[rows, best].mean():6.1f}{test_quality[rows, best].mean():9.3f}"


print()
print("(c) answers of 4-40 tokens, quality = mean token quality; 1000 held-out")
print(f"prompts with 4 candidates (mean length {test_len.mean():.1f}); the candidate")
print("each model's implicit reward ranks first:      length  quality")
print(f"{'truly best candidate':<46}{top_ranked(test_quality)}")
print(f"{'longest candidate':<46}{top_ranked(test_len)}")
for share in (0.5, 0.8):
    data = pairs_with_longer_winner(share)
    print(f"winner longer in {share:.0%} of 500 training pairs")
    for method, reward in [("DPO", "sum of log-ratios"), ("SimPO", "average log-prob")]:
        name = f"  {method} ({reward})"
        print(f"{name:<46}{top_ranked(train_length(data, method))}")
