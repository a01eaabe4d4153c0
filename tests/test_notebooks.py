"""Each topic page's notebook (written by the build) holds the page's examples and outputs.

The notebook's code cells are the page's executed fences, which the page tests run already, so
running every notebook again would run every example twice. What a notebook adds is a Jupyter
kernel, with an asyncio loop already running. So every notebook is checked cell by cell against
its page (same code, same shown output, valid nbformat), and the cells whose code behaves
differently in a kernel (asyncio.run needs the shim) run in a real kernel, after the notebook's
set-up cells, in notebook order. Every example is a whole script (the page tests run each block
on its own), so a cell needs no earlier example to run; running the page's other examples again
cost more than a minute per page.
"""

import re

import nbformat
import pytest

from handbook.notebooks import ASYNCIO_IN_JUPYTER, expected_output, unindent
from handbook.pages import ROOT, docs_pages, expand, is_skipped, is_topic_page, questions
from tests.notebook_run import differences, execute, printed

TOPIC_PAGES = [
    p.relative_to(ROOT / "docs").as_posix()
    for p in docs_pages()
    if is_topic_page(p.relative_to(ROOT / "docs").as_posix())
]
NEEDS_A_KERNEL_RUN = re.compile(r"\basyncio\.run\(")


def page_examples(src: str) -> list[tuple[str, str | None]]:
    """(code, shown output) of every executed fence of a page, in order."""
    lines, _ = expand(ROOT / "docs" / src)
    found = []
    for _, fences in questions(lines):
        runs = [f for f in fences if f.info.strip() == "python" and not is_skipped(f)]
        for fence in runs:
            after = fences[fences.index(fence) + 1] if fence is not fences[-1] else None
            found.append((unindent(fence).strip("\n"), expected_output(lines, fence, after)))
    return found


def notebook(site, src: str) -> nbformat.NotebookNode:
    path = site / src.replace(".md", ".ipynb")
    assert path.is_file(), f"the build wrote no notebook for docs/{src}"
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    return nb


@pytest.mark.parametrize("src", TOPIC_PAGES)
def test_page_notebook_holds_the_page_examples_and_outputs(site, src):
    nb = notebook(site, src)
    cells = [c for c in nb.cells if c.cell_type == "code"][1:]  # the first one finds the repository
    if cells and cells[0].source == ASYNCIO_IN_JUPYTER:
        cells = cells[1:]
    assert [c.source for c in cells] == [code for code, _ in page_examples(src)], (
        f"notebook of docs/{src}: its code cells are not the page's executed examples"
    )
    for cell, (_, shown) in zip(cells, page_examples(src), strict=True):
        assert printed(cell) == (shown or ""), f"notebook of docs/{src}: a cell shows another output"
    uses_asyncio = any(NEEDS_A_KERNEL_RUN.search(c.source) for c in cells)
    has_shim = any(c.source == ASYNCIO_IN_JUPYTER for c in nb.cells)
    assert uses_asyncio == has_shim, f"notebook of docs/{src}: asyncio.run() without the kernel shim"


KERNEL_PAGES = [
    src for src in TOPIC_PAGES if any(NEEDS_A_KERNEL_RUN.search(c) for c, _ in page_examples(src))
]


def kernel_cells(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook cut to its set-up cells (the repository finder, the asyncio shim) and the
    cells that need a kernel."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    keep = [
        code[0],
        *(c for c in code[1:] if c.source == ASYNCIO_IN_JUPYTER or NEEDS_A_KERNEL_RUN.search(c.source)),
    ]
    cut = nbformat.v4.new_notebook(cells=keep, metadata=nb.metadata)
    assert len(keep) > 2, "no cell needs a kernel: the page is not a kernel page"
    return cut


@pytest.mark.timeout(900)
@pytest.mark.parametrize("src", KERNEL_PAGES)
def test_page_notebook_cells_that_need_a_kernel_run_in_one(site, src):
    shown = kernel_cells(notebook(site, src))
    problems = differences(f"notebook of docs/{src}", shown, execute(shown))
    assert not problems, "\n\n".join(problems)
