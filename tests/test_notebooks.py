"""Each topic page's notebook (written by the build) runs top to bottom and prints what the page shows."""

import nbformat
import pytest

from handbook.pages import ROOT, docs_pages, is_topic_page
from tests.notebook_run import differences, execute

TOPIC_PAGES = [
    p.relative_to(ROOT / "docs").as_posix()
    for p in docs_pages()
    if is_topic_page(p.relative_to(ROOT / "docs").as_posix())
]


@pytest.mark.timeout(1800)
@pytest.mark.parametrize("src", TOPIC_PAGES)
def test_page_notebook_runs_top_to_bottom(site, src):
    path = site / src.replace(".md", ".ipynb")
    assert path.is_file(), f"the build wrote no notebook for docs/{src}"
    shown = nbformat.read(path, as_version=4)
    nbformat.validate(shown)
    assert any(c.cell_type == "code" and c.outputs for c in shown.cells), f"{path.name} shows no output"
    problems = differences(f"notebook of docs/{src}", shown, execute(shown))
    assert not problems, "\n\n".join(problems)
