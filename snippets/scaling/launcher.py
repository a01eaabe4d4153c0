"""Start a small torch.distributed job on this machine, as torchrun would.

Each rank is a fresh Python process (`sys.executable`) that imports a worker module from
this folder, joins a gloo process group on 127.0.0.1 and calls the module's
`run(rank, world)`. What `run` returns (a dict of plain numbers and lists) comes back to
the caller, one dict per rank. Subprocesses rather than multiprocessing.spawn, so that a
snippet can call this at top level when run as a script (spawn would re-run the script
in every child).
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path("snippets/scaling").resolve()  # examples run from the repository root

CHILD = """
import json, os, sys
sys.path.insert(0, os.environ["WORKER_DIR"])
import importlib
import torch
import torch.distributed as dist

torch.set_num_threads(1)
rank, world = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
dist.init_process_group("gloo", rank=rank, world_size=world)
module = importlib.import_module(os.environ["WORKER_MODULE"])
result = module.run(rank, world, **json.loads(os.environ["WORKER_KWARGS"]))
dist.barrier()
dist.destroy_process_group()
with open(os.environ["WORKER_OUT"], "w") as f:
    json.dump(result, f)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(module: str, world: int = 2, timeout: float = 120, **kwargs) -> list[dict]:
    """Run `module.run(rank, world, **kwargs)` on `world` processes; return results."""
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        procs = []
        for rank in range(world):
            env = {
                **os.environ,
                "MASTER_ADDR": "127.0.0.1",
                "MASTER_PORT": str(port),
                "RANK": str(rank),
                "WORLD_SIZE": str(world),
                "LOCAL_RANK": str(rank),
                "OMP_NUM_THREADS": "1",
                "WORKER_DIR": str(HERE),
                "WORKER_MODULE": module,
                "WORKER_KWARGS": json.dumps(kwargs),
                "WORKER_OUT": str(Path(tmp) / f"rank{rank}.json"),
            }
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-c", CHILD],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
        errors = []
        for rank, p in enumerate(procs):
            _, err = p.communicate(timeout=timeout)
            if p.returncode != 0:
                errors.append(f"rank {rank} exited with {p.returncode}:\n{err[-3000:]}")
        if errors:
            raise RuntimeError("\n".join(errors))
        return [
            json.loads((Path(tmp) / f"rank{r}.json").read_text()) for r in range(world)
        ]
