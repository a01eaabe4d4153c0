import random
import sys

import torch
from transformers import DynamicCache

sys.path.insert(0, "snippets/evaluation")
from eval_llm import chat_ids, load  # noqa: E402  SmolLM2-135M-Instruct, loaded once

# Passkey retrieval (Mohtashami and Jaggi, 2023): their instruction, filler and needle.
TASK = (
    "There is an important info hidden inside a lot of irrelevant text. Find it and "
    "memorize them. I will quiz you about the important information there. "
)
FILLER = "The grass is green. The sky is blue. The sun is yellow. Here we go. "
FILLER += "There and back again. "  # 25 tokens with SmolLM2's tokenizer
REPEATS = {"~50": 2, "~200": 8, "~400": 16}  # filler tokens: 25 per repeat
DEPTHS = {"start": 0.0, "middle": 0.5, "end": 1.0}
tok, model = load()
cache, cached = DynamicCache(), []  # KV cache of the last prompt, and its token ids
prompt_tokens, computed = {}, 0  # tokens per distinct prompt; tokens actually run


def replies_with(message, answer_start, key):
    """Would greedy decoding answer `message` with exactly `key`? The reply is started
    with `answer_start`, the key is appended, and one forward pass checks that the
    model's top token at every step is the key's next token and that no digit follows
    (the `is_greedy` check of lm-evaluation-harness). The KV cache of the prefix this
    prompt shares with the previous one is reused (prefix caching)."""
    global cached, computed
    ids = chat_ids(message)[0].tolist()
    ids += tok.encode(answer_start, add_special_tokens=False)
    target = tok.encode(" " + key, add_special_tokens=False)
    ids += target
    # Reuse the cached prefix, but always recompute the prompt's last token: its
    # logits predict the first token of the key.
    n_prompt, keep = len(ids) - len(target), 0
    while keep < min(len(cached), n_prompt - 1) and cached[keep] == ids[keep]:
        keep += 1
    cache.crop(keep - cache.get_seq_length())
    prompt_tokens[message, answer_start] = n_prompt
    computed += len(ids) - keep
    with torch.no_grad():
        logits = model(
            torch.tensor([ids[keep:]]),
            past_key_values=cache,
            logits_to_keep=len(target) + 1,
        ).logits[0]
    cached = ids
    top = logits.argmax(-1).tolist()
    return top[:-1] == target and not tok.decode(top[-1:]).strip().isdigit()


def haystack(repeats, needles):
    """Filler with each (depth, sentence) needle inserted at that depth."""
    parts = [FILLER] * repeats
    for depth, sentence in sorted(needles, reverse=True):
        parts.insert(round(depth * repeats), sentence)
    return "".join(parts)


rng = random.Random(0)
one_key, three_keys, last_door = {}, {}, 0
# Task 1, the classic test: one pass key, one haystack per (depth, length) cell.
for depth_name, depth in DEPTHS.items():
    for length, repeats in REPEATS.items():
        key = str(rng.randrange(10_000, 100_000))
        needle = f"The pass key is {key}. Remember it. {key} is the pass key. "
        text = TASK + haystack(repeats, [(depth, needle)]) + "What is the pass key?"
        one_key[length, depth_name] = replies_with(text, "The pass key is", key)
# Task 2, with distractors: three doors with their own keys in one haystack, at the
# three depths; asking for each door in turn reuses the cached haystack.
for length, repeats in REPEATS.items():
    doors = ["red", "blue", "green"]
    rng.shuffle(doors)
    keys = {door: str(rng.randrange(10_000, 100_000)) for door in doors}
    needles = [
        (depth, f"The pass key for the {d} door is {keys[d]}. Remember it. ")
        for depth, d in zip(DEPTHS.values(), doors)
    ]
    text = TASK + haystack(repeats, needles)
    for depth_name, door in zip(DEPTHS, doors):
        question = text + f"What is the pass key for the {door} door?"
        start = f"The pass key for the {door} door is"
        given = [d for d in doors if replies_with(question, start, keys[d])]
        three_keys[length, depth_name] = given == [door]
        # doors[-1] is the door whose sentence comes last, nearest the question
        last_door += given == [doors[-1]] and door != doors[-1]

print(f"context window: {model.config.max_position_embeddings} tokens")
for title, grid in [("one pass key", one_key), ("three doors, three keys", three_keys)]:
    print(f"{title}: exact match of the greedy answer")
    print(f"{'filler tokens':>14}" + "".join(f"{d:>8}" for d in DEPTHS))
    for length in REPEATS:
        cells = ["found" if grid[length, d] else "missed" for d in DEPTHS]
        print(f"{length:>14}" + "".join(f"{c:>8}" for c in cells))
misses = sum(not v for v in three_keys.values())
print(
    f"three doors: {misses} of {len(three_keys)} missed, "
    f"{last_door} of them with the last door's key"
)
print(
    f"prefix cache: {computed} tokens run through the model for "
    f"{len(prompt_tokens)} prompts of {sum(prompt_tokens.values())} tokens"
)
