import copy
import random
import sys
from collections import Counter

import torch

sys.path.insert(0, "snippets/llms")
from llms_llm import load  # noqa: E402  SmolLM2-135M-Instruct, loaded once

tok, model = load()
# SmolLM2's chat template (ChatML) written out, so that shared prefixes run once
SYSTEM = (
    "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, "
    "trained by Hugging Face<|im_end|>\n"
)
ASSISTANT = "<|im_start|>assistant\n"
REVIEW = "Review your answer and correct it if it is wrong."
WRONG = "Your answer is wrong. Try again."
CHECK = "Is your answer correct? Answer yes or no."
N_SAMPLES = 8


def turn(role, text):
    return f"<|im_start|>{role}\n{text}<|im_end|>\n"


chat = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]
rendered = tok.apply_chat_template(chat, tokenize=False)
assert rendered == SYSTEM + turn("user", "Hi") + turn("assistant", "Hello")


@torch.no_grad()
def extend(cache, text):
    """Feed text after a cached prefix: (the longer cache, next-token logits)."""
    cache = copy.deepcopy(cache)  # the prefix stays reusable
    ids = torch.tensor([tok.encode(text)])
    out = model(input_ids=ids, past_key_values=cache, use_cache=True, logits_to_keep=1)
    return out.past_key_values, out.logits[:, -1]


@torch.no_grad()
def read_numbers(cache, logits, generator=None, max_digits=3):
    """Decode digits until a non-digit token, greedily or by sampling (one per row)."""
    rows = logits.shape[0]
    digits, alive = [""] * rows, [True] * rows
    for step in range(max_digits):
        if generator is None:
            tokens = logits.argmax(-1)
        else:
            tokens = torch.multinomial(logits.softmax(-1), 1, generator=generator)[:, 0]
        for row, token in enumerate(tokens.tolist()):
            alive[row] = alive[row] and tok.decode([token]).isdigit()
            digits[row] += tok.decode([token]) if alive[row] else ""
        if not any(alive) or step == max_digits - 1:
            break
        out = model(input_ids=tokens[:, None], past_key_values=cache, use_cache=True)
        cache, logits = out.past_key_values, out.logits[:, -1]
    return [int(d) if d else None for d in digits]


@torch.no_grad()
def answer_after(cache, text, previous):
    """The greedy answer after text. Feeding the previous answer along checks in one
    pass whether the model would write it again, as speculative decoding does."""
    if previous is not None:
        draft = tok.encode(str(previous))
        ids = torch.tensor([tok.encode(text) + draft])
        out = model(
            input_ids=ids,
            past_key_values=copy.deepcopy(cache),
            logits_to_keep=len(draft) + 1,
        )
        greedy = out.logits[0].argmax(-1).tolist()
        if greedy[:-1] == draft and not tok.decode([greedy[-1]]).isdigit():
            return previous
    return read_numbers(*extend(cache, text))[0]


system_cache, _ = extend(None, SYSTEM)
YES, NO = tok.convert_tokens_to_ids(["Yes", "No"])
rng = random.Random(0)
generator = torch.Generator().manual_seed(0)
problems = [(rng.randint(10, 30), rng.randint(10, 30)) for _ in range(20)]
first, review, told_wrong, self_check, samples = [], [], [], [], []
for a, b in problems:
    # Turn 1: the question, and the reply prefilled up to the answer ("26 + 18 = ").
    reply = f"{a} + {b} = "
    prompt = turn("user", f"What is {a} + {b}?") + ASSISTANT + reply
    cache, logits = extend(system_cache, prompt)
    answer = read_numbers(copy.deepcopy(cache), logits)[0]
    first.append(answer)
    # Best-of-n: 8 answers sampled at temperature 1 from the same state, as a batch.
    batch = copy.deepcopy(cache)
    batch.batch_repeat_interleave(N_SAMPLES)
    samples.append(read_numbers(batch, logits.repeat(N_SAMPLES, 1), generator))
    # Turn 2: its own answer stays in the chat, then one more user message.
    history = f"{answer}<|im_end|>\n"
    for message, answers in [(REVIEW, review), (WRONG, told_wrong)]:
        follow = history + turn("user", message) + ASSISTANT + reply
        answers.append(answer_after(cache, follow, answer))
    # The model as its own checker: log-odds of "Yes" against "No".
    _, logits = extend(cache, history + turn("user", CHECK) + ASSISTANT)
    self_check.append((logits[0, YES] - logits[0, NO]).item())

truth = [a + b for a, b in problems]
right_first = [x == t for x, t in zip(first, truth)]
wrong_first = [not r for r in right_first]
self_says_no = [score < 0 for score in self_check]


def where(flags, revised):
    """The revised answer where a flag is raised, the first answer elsewhere."""
    return [r if flag else x for flag, r, x in zip(flags, revised, first)]


def row(label, final):
    right = [x == t for x, t in zip(final, truth)]
    to_wrong = sum(f and not r for f, r in zip(right_first, right))
    to_right = sum(r and not f for f, r in zip(right_first, right))
    same = sum(x == y for x, y in zip(first, final))
    accuracy = sum(right) / len(right)
    print(f"{label:36} {accuracy:8.2f} {to_wrong:5d} {to_right:5d} {same:9d}")


vote = [Counter(s).most_common(1)[0][0] for s in samples]
# The checker recomputes the sum; if no sample passes, the first answer stays.
checker_pick = [t if t in s else x for s, t, x in zip(samples, truth, first)]
print(f"{len(problems)} sums of two numbers from 10 to 30, e.g. 'What is {a} + {b}?'")
print(f"review = '{REVIEW}'")
print(f"wrong  = '{WRONG}'")
print(f"{'answer kept':36} {'accuracy':>8} {'R->W':>5} {'W->R':>5} {'unchanged':>9}")
row("first answer (greedy)", first)
row("after review, every sum", review)
row("after wrong, every sum", told_wrong)
row("after wrong where self-check says no", where(self_says_no, told_wrong))
row("after wrong where checker says wrong", where(wrong_first, told_wrong))
row(f"{N_SAMPLES} samples, majority vote", vote)
row(f"{N_SAMPLES} samples, one the checker accepts", checker_pick)
caught = sum(w and n for w, n in zip(wrong_first, self_says_no))
doubted = sum(r and n for r, n in zip(right_first, self_says_no))
print(
    f"self-check says no to {caught}/{sum(wrong_first)} wrong first answers"
    f" and to {doubted}/{sum(right_first)} right ones"
)
scores_right = [s for s, ok in zip(self_check, right_first) if ok]
scores_wrong = [s for s, bad in zip(self_check, wrong_first) if bad]
ranked = sum(r > w for r in scores_right for w in scores_wrong)
share = ranked / (len(scores_right) * len(scores_wrong))
print(
    f"its yes-score ranks a right answer above a wrong one: {share:.2f} (chance 0.50)"
)
