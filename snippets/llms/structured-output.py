# --8<-- [start:tiny]
import json

import torch
from transformers import GPT2Config, GPT2LMHeadModel

n_threads = torch.get_num_threads()
torch.set_num_threads(1)
torch.manual_seed(0)
chars = ["\n"] + [chr(c) for c in range(32, 127)]  # printable ASCII; "\n" ends output
stoi = {c: i for i, c in enumerate(chars)}
EOS = stoi["\n"]
# An untrained model: it knows nothing, which makes the point about guarantees sharper.
config = GPT2Config(
    vocab_size=len(chars), n_positions=128, n_embd=64, n_layer=2, n_head=4,
    bos_token_id=EOS, eos_token_id=EOS, pad_token_id=EOS,
)  # fmt: skip
model = GPT2LMHeadModel(config).eval()

# The schema {"sentiment": one of 3 labels, "stars": 1-5}, as the set of valid strings.
labels = ("positive", "negative", "neutral")
valid = [f'{{"sentiment": "{s}", "stars": {n}}}' for s in labels for n in range(1, 6)]
prompt = "Review: the battery is great\nJSON: "
prompt_ids = torch.tensor([[stoi[c] for c in prompt]])


def allowed(batch_id, ids):
    """Characters that keep the output a prefix of some valid string (a trie walk)."""
    out = "".join(chars[i] for i in ids[prompt_ids.shape[1] :].tolist())
    if "\n" in out:  # finished: generate() pads with EOS from here on
        return [EOS]
    nxt = {v[len(out)] for v in valid if v.startswith(out) and len(v) > len(out)}
    return [stoi[c] for c in sorted(nxt)] + ([EOS] if out in valid else [])


def schema_ok(text):
    try:
        obj = json.loads(text)
    except json.JSONDecodeError:
        return False
    if not isinstance(obj, dict):
        return False
    return obj.get("sentiment") in labels and obj.get("stars") in range(1, 6)


runs = {"free sampling": {}, "constrained": {"prefix_allowed_tokens_fn": allowed}}
for name, kwargs in runs.items():
    torch.manual_seed(0)
    out = model.generate(
        prompt_ids.repeat(100, 1), do_sample=True, max_new_tokens=40, top_k=0, **kwargs
    )
    n = prompt_ids.shape[1]
    texts = ["".join(chars[i] for i in row[n:]).split("\n")[0] for row in out.tolist()]
    ok = sum(schema_ok(t) for t in texts)
    positive = sum('"positive"' in t for t in texts)
    print(f"{name:13}: {ok}/100 valid, {positive}/100 positive, e.g. {texts[0]!r}")

# Most steps have one legal character: a decoder can emit those without a forward pass.
text = valid[0]
prefixes = [prompt + text[:i] for i in range(len(text) + 1)]
choices = [len(allowed(0, torch.tensor([stoi[c] for c in p]))) for p in prefixes]
print(f"{text!r}: {len(choices)} steps, {sum(c > 1 for c in choices)} real choices")
torch.set_num_threads(n_threads)
# --8<-- [end:tiny]

# --8<-- [start:smollm2]
import json
import sys

sys.path.insert(0, "snippets/llms")
import llms_llm  # SmolLM2-135M-Instruct, loaded once per process

tok, model = llms_llm.load()
labels = ("positive", "negative")
valid = [f'{{"sentiment": "{s}", "stars": {n}}}' for s in labels for n in range(1, 6)]
end = tok.convert_tokens_to_ids("<|im_end|>")
# The schema as token sequences: a trie the decoder walks, one token per step.
paths = [tok(v, add_special_tokens=False)["input_ids"] + [end] for v in valid]


def schema_ok(text):
    try:
        obj = json.loads(text)
    except json.JSONDecodeError:
        return False
    return isinstance(obj, dict) and obj.keys() == {"sentiment", "stars"}


for review in ["the battery is great", "the screen broke after a week, awful"]:
    ask = (
        "Reply with JSON only, with keys sentiment (positive or negative) and "
        f"stars (1 to 5), for this review: {review}"
    )
    ids = llms_llm.chat_ids([{"role": "user", "content": ask}])
    n = ids.shape[1]

    def allowed(batch_id, seq, n=n):  # n: this prompt's length
        done = seq[n:].tolist()
        nxt = {
            p[len(done)] for p in paths if p[: len(done)] == done and len(p) > len(done)
        }
        return sorted(nxt) or [end]

    free = llms_llm.generate(ids, 30, do_sample=False)[0].strip()
    forced = llms_llm.generate(
        ids, 30, do_sample=False, prefix_allowed_tokens_fn=allowed
    )[0].strip()
    print(f"review: {review!r}")
    print(f"  free       ({schema_ok(free)!s:5}): {free[:60]!r}")
    print(f"  constrained ({schema_ok(forced)!s:5}): {forced!r}")
# --8<-- [end:smollm2]
