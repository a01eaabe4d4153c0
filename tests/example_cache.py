"""Remember which page examples passed, so that `make test` after an edit re-runs only what changed.

A block's key is a hash of everything that can change what it prints: its code (snippets
included) and the output the page shows, every snippets/ file its code names (a helper module it
imports, and what that one names in turn), all of data/, the pinned environment, the Python
version and the harness itself. Only passes are recorded, so a cached block is one that passed
with exactly these inputs; anything else runs. CI (CI=true) and HANDBOOK_CACHE=0 never read the cache.
"""

from __future__ import annotations

import functools
import hashlib
import os
import platform
import re
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


@functools.cache
def _snippet_files() -> dict[str, bytes]:
    """Every file under snippets/, by its path from the repository root."""
    base = ROOT / "snippets"
    return {
        p.relative_to(ROOT).as_posix(): p.read_bytes()
        for p in sorted(base.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


@functools.cache
def _names() -> tuple[re.Pattern, dict[str, list[str]]]:
    """One pattern for every snippet file's stem and folder, and the files behind each name."""
    by_name: dict[str, list[str]] = {}
    for path in _snippet_files():
        by_name.setdefault(Path(path).stem, []).append(path)
        by_name.setdefault(f"snippets/{Path(path).parent.name}", []).append(path)
    words = sorted(by_name, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, words)) + r")(?![\w-])"), by_name


@functools.cache
def _names_in(text: str) -> frozenset[str]:
    pattern, by_name = _names()
    return frozenset(path for name in set(pattern.findall(text)) for path in by_name[name])


def _mentioned(code: str) -> list[str]:
    """Snippet files the code could use: those whose name (or folder) it mentions, and so on for
    what those files mention (a helper module that imports another). Over-matching costs a re-run;
    a file used without being named (a path built at run time) would be missed, so don't."""
    files = _snippet_files()
    found: set[str] = set()
    todo = set(_names_in(code))
    while todo:
        path = todo.pop()
        if path not in found:
            found.add(path)
            todo |= _names_in(files[path].decode("utf-8", "replace")) - found
    return sorted(found)


def key(code: str, expected: str | None) -> str:
    digest = hashlib.sha256(f"{_fixed()}\0{code}\0{expected}".encode())
    for path in _mentioned(code):
        digest.update(path.encode() + b"\0" + _snippet_files()[path] + b"\0")
    return digest.hexdigest()


def passed(block_key: str) -> bool:
    return enabled() and (WHERE / block_key).exists()


def record_pass(block_key: str) -> None:
    if enabled():
        WHERE.mkdir(parents=True, exist_ok=True)
        (WHERE / block_key).touch()
