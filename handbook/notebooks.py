"""A topic page's examples as a Jupyter notebook that runs top to bottom in a clone of the repo.

handbook/after_build.py writes one next to each topic page in the built site; tests/test_notebooks.py
checks them. Code cells are the page's executed fences (snippets included); their outputs are the
outputs the page shows, so a reader sees them before running anything.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from handbook.pages import Fence, expand, is_skipped, questions

OUTPUT_MARK = "<!--pytest-codeblocks:expected-output-->"
REASON = re.compile(r"""reason=(["'])(?P<reason>.*?)\1""")

SETUP = """\
# The examples read data/ and snippets/ from the handbook's repository: run this notebook
# from anywhere inside a clone of it.
import os
import pathlib

here = pathlib.Path.cwd()
os.chdir(next(p for p in [here, *here.parents] if (p / "mkdocs.yml").exists()))"""


ASYNCIO_IN_JUPYTER = """\
# Jupyter's kernel already runs an asyncio event loop, and asyncio.run() refuses to start a
# second one in the same thread. The examples below call asyncio.run() as a script would, so
# here each call runs in a worker thread with a loop of its own.
import asyncio
import concurrent.futures

_asyncio_run = asyncio.run


def _run_in_thread(coroutine, **options):
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_asyncio_run, coroutine, **options).result()


asyncio.run = _run_in_thread"""


def notebook_path(src_uri: str) -> str:
    """Where a page's notebook goes in the site: `rag/pipeline.md` -> `rag/pipeline.ipynb`."""
    return src_uri.removesuffix(".md") + ".ipynb"


def page_notebook(page: Path, title: str, page_url: str) -> nbformat.NotebookNode:
    lines, _ = expand(page)
    cells = [
        new_markdown_cell(
            f"# {title}\n\nThe examples of [{title}]({page_url}), one section per question. "
            "Every cell ran in the handbook's CI, and the outputs shown are from that run."
        ),
        new_code_cell(SETUP),
    ]
    for heading, fences in questions(lines):
        cells.append(new_markdown_cell(f"## {heading.text}\n\n[The answer]({page_url}#{heading.anchor})"))
        for i, fence in enumerate(fences):
            if fence.info.strip() != "python":
                continue
            code = unindent(fence).strip("\n")
            if is_skipped(fence):
                reason = next((m.group("reason") for mark in fence.marks if (m := REASON.search(mark))), "")
                cells.append(new_markdown_cell(f"Not run here: {reason}.\n\n```python\n{code}\n```"))
                continue
            cell = new_code_cell(code)
            shown = expected_output(lines, fence, fences[i + 1] if i + 1 < len(fences) else None)
            if shown is not None:
                cell.outputs = [new_output("stream", name="stdout", text=shown)]
            cells.append(cell)
    if any(c.cell_type == "code" and "asyncio.run(" in c.source for c in cells):
        cells.insert(2, new_code_cell(ASYNCIO_IN_JUPYTER))
    for number, cell in enumerate(cells):
        cell.id = f"cell-{number}"  # the same notebook from the same page, build after build
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def expected_output(lines: list[str], fence: Fence, after: Fence | None) -> str | None:
    """The text of the output block the page shows under `fence`, if there is one."""
    if after is None or not after.info.strip().startswith("text"):
        return None
    between = lines[fence.end : after.line - 1]
    if not any(OUTPUT_MARK in line for line in between):
        return None
    return unindent(after).strip("\n") + "\n"


def unindent(fence: Fence) -> str:
    """The fence's text without the indentation of the fence itself (fences in tabs are indented)."""
    return "\n".join(line.removeprefix(fence.indent) for line in fence.body)
