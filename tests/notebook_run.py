"""Execute a notebook in a fresh kernel and compare what each code cell printed with what it shows."""

from __future__ import annotations

import copy
import difflib
import re
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from handbook.pages import ROOT

TIMEOUT = 600  # seconds per cell


def execute(nb: nbformat.NotebookNode, cwd: Path = ROOT) -> nbformat.NotebookNode:
    """Run every cell top to bottom in a new python3 kernel; a cell that raises fails the run."""
    ran = copy.deepcopy(nb)
    NotebookClient(
        ran, timeout=TIMEOUT, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}
    ).execute()
    return ran


# A log record in the logging module's default format. A library can end up logging to stdout
# in a kernel (after some cell configures the root logger); log records are not the program's
# output, as on the pages, where pytest captures logging apart from stdout.
LOG_RECORD = re.compile(r"^(DEBUG|INFO|WARNING|ERROR|CRITICAL):[\w.]+:.*\n?", re.MULTILINE)


def printed(cell) -> str:
    """What a code cell wrote to stdout (stderr is for warnings and timings, as on the pages)."""
    text = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("name") == "stdout")
    return LOG_RECORD.sub("", text)


def differences(name: str, shown: nbformat.NotebookNode, ran: nbformat.NotebookNode) -> list[str]:
    """A diff per code cell whose shown output is not what the run printed."""
    problems = []
    for number, (before, after) in enumerate(zip(shown.cells, ran.cells, strict=True), start=1):
        if before.cell_type != "code" or printed(before) == printed(after):
            continue
        diff = difflib.unified_diff(
            printed(before).splitlines(), printed(after).splitlines(), "shown", "this run", lineterm=""
        )
        problems.append(f"{name}: cell {number}: output differs from this run:\n" + "\n".join(diff))
    return problems


def keep_stdout_only(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The run's outputs as stored in the repository: stdout only, no counts or timestamps."""
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.execution_count = None
            text = printed(cell)
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)] if text else []
    return nb
