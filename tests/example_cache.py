"""Remember which page examples passed, so that `make test` after an edit re-runs only what changed.

A block's key is a hash of everything that can change what it prints: its code and the output the
page shows, every file of its chapter's snippets/ folder (helper modules it imports) and of data/,
any other snippets/ folder its code names, the pinned environment, the Python version and the
harness itself. Only passes are recorded, so a cached block is one that passed with exactly these
inputs; anything else runs. CI (CI=true) and HANDBOOK_CACHE=0 never read the cache.
"""

from __future__ import annotations

import functools
import hashlib
import os
import platform
import sys
from pathlib import Path

from handbook.pages import ROOT

WHERE = ROOT / ".cache" / "examples"
ENVIRONMENT = ("constraints.txt", "requirements.txt", "requirements-docs.txt", "pyproject.toml")
HARNESS = ("tests/codeblocks.py", "tests/example_cache.py", "handbook/pages.py")


def enabled() -> bool:
    in_ci = os.environ.get("CI", "").lower() in {"1", "true"}
    return os.environ.get("HANDBOOK_CACHE", "1") != "0" and not in_ci


@functools.cache
def _tree(folder: str) -> str:
    digest = hashlib.sha256()
    base = ROOT / folder
    for path in sorted(p for p in base.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@functools.cache
def _fixed() -> str:
    digest = hashlib.sha256(f"{sys.version}|{platform.platform()}".encode())
    for name in (*ENVIRONMENT, *HARNESS):
        path = ROOT / name
        digest.update(name.encode() + b"\0" + (path.read_bytes() if path.exists() else b"") + b"\0")
    digest.update(_tree("data").encode())
    return digest.hexdigest()


def key(page: Path, code: str, expected: str | None) -> str:
    chapter = page.relative_to(ROOT / "docs").parts[0]
    # A folder name in the code may be an import or a path into it; over-matching only costs a re-run.
    folders = {chapter} | {p.name for p in (ROOT / "snippets").iterdir() if p.is_dir() and p.name in code}
    digest = hashlib.sha256(f"{_fixed()}\0{code}\0{expected}".encode())
    for folder in sorted(folders):
        if (ROOT / "snippets" / folder).is_dir():
            digest.update(_tree(f"snippets/{folder}").encode())
    return digest.hexdigest()


def passed(block_key: str) -> bool:
    return enabled() and (WHERE / block_key).exists()


def record_pass(block_key: str) -> None:
    if enabled():
        WHERE.mkdir(parents=True, exist_ok=True)
        (WHERE / block_key).touch()
