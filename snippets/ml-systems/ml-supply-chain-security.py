import hashlib
import io
import pickle
import pickletools
import tempfile
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file


class Payload:
    """What a malicious 'model.pkl' contains: __reduce__ names any callable to run."""

    def __reduce__(self):
        # Harmless here; an attacker would call os.system or open a socket.
        return (eval, ("sum(range(10))",))


blob = pickle.dumps({"weights": [0.1, 0.2], "extra": Payload()})
loaded = pickle.loads(blob)
print(f"pickle.loads ran eval() while loading: extra = {loaded['extra']}")

# A static scan reads the opcodes without executing them (what picklescan and
# modelscan do): any import of a global other than an allow-list is suspicious.
imports, strings = [], []
for op, arg, _ in pickletools.genops(blob):
    if isinstance(arg, str):
        strings.append(arg)
    if op.name == "STACK_GLOBAL":  # module and name are the last two strings pushed
        imports.append(f"{strings[-2]}.{strings[-1]}")
    elif op.name == "GLOBAL":
        imports.append(arg.replace(" ", "."))
print(f"globals the pickle imports: {imports}")

# torch.load with weights_only=True (the default since PyTorch 2.6) refuses it.
buffer = io.BytesIO()
torch.save({"extra": Payload()}, buffer)
buffer.seek(0)
try:
    torch.load(buffer, weights_only=True)
except pickle.UnpicklingError as error:
    print(f"torch.load(weights_only=True): refused ({type(error).__name__})")

with tempfile.TemporaryDirectory() as tmp:
    # safetensors: a JSON header and raw tensor bytes, nothing to execute.
    path = Path(tmp, "model.safetensors")
    weights = {
        "linear.weight": torch.randn(4, 3, generator=torch.Generator().manual_seed(0))
    }
    save_file(weights, path)
    header_len = int.from_bytes(path.read_bytes()[:8], "little")
    print(
        f"safetensors header: {path.read_bytes()[8 : 8 + header_len].decode()[:60]}..."
    )
    same = torch.equal(load_file(path)["linear.weight"], weights["linear.weight"])
    print(f"safetensors round trip: {same}")

    # Hash pinning: record the digest when the model is approved, check it before
    # loading.
    pinned = hashlib.sha256(path.read_bytes()).hexdigest()
    data = bytearray(path.read_bytes())
    data[-1] ^= 0x01  # one flipped bit in the last weight
    path.write_bytes(bytes(data))
    ok = hashlib.sha256(path.read_bytes()).hexdigest() == pinned
    print(f"tampered file matches the pinned sha256: {ok} -> refuse to load")
