"""Every formula a reader sees renders: the pages' math (as the build wrote it) and the Labs'.

Each formula is rendered with the KaTeX the site ships, in Node, with errors turned on; a formula
KaTeX cannot parse fails the test, named by its file and line (or notebook cell).
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from handbook.pages import ROOT, docs_pages

RENDER = Path(__file__).parent / "math" / "render.js"
ARITHMATEX = re.compile(r'<(span|div) class="arithmatex">(?P<tex>.*?)</\1>', re.S)
# Math in a notebook's Markdown, as docs/javascripts/katex.js finds it on a Lab page.
NOTEBOOK_MATH = re.compile(r"\$\$(?P<block>.+?)\$\$|(?<![\\$])\$(?P<inline>[^$\n]+?)\$", re.S)
CODE_SPAN = re.compile(r"`[^`]*`")


def built_html(site: Path, src: str) -> Path:
    stem = src.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return site / f"{stem}.html"
    directory_url = site / stem / "index.html"
    return directory_url if directory_url.exists() else site / f"{stem}.html"


def page_formulas(site: Path, docs: Path) -> list[dict]:
    found = []
    for page in docs_pages(docs):
        src = page.relative_to(docs).as_posix()
        out = built_html(site, src)
        if not out.is_file():
            continue
        lines = page.read_text(encoding="utf-8").splitlines()
        for m in ARITHMATEX.finditer(out.read_text(encoding="utf-8")):
            wrapped = html.unescape(m.group("tex")).strip()
            tex, display = wrapped[2:-2], wrapped.startswith("\\[")
            probe = tex.strip()[:30]
            line = next((n for n, text in enumerate(lines, 1) if probe and probe in text), 0)
            where = f"{page.relative_to(docs.parent).as_posix()}:{line}"
            found.append({"where": where, "tex": tex, "display": display})
    return found


def notebook_formulas(docs: Path) -> list[dict]:
    found = []
    for path in sorted(docs.rglob("*.ipynb")):
        for number, cell in enumerate(nbformat.read(path, as_version=4).cells, start=1):
            if cell.cell_type != "markdown":
                continue
            text = CODE_SPAN.sub("", cell.source)
            for m in NOTEBOOK_MATH.finditer(text):
                tex = m.group("block") or m.group("inline")
                where = f"{path.relative_to(docs.parent).as_posix()}: cell {number}"
                found.append({"where": where, "tex": tex, "display": bool(m.group("block"))})
    return found


def render_failures(formulas: list[dict]) -> list[dict]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed to render the formulas with KaTeX (apt-get install nodejs)")
    done = subprocess.run([node, str(RENDER)], input=json.dumps(formulas), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_every_formula_renders(site):
    docs = ROOT / "docs"
    formulas = page_formulas(site, docs) + notebook_formulas(docs)
    written = sum(p.read_text(encoding="utf-8").count("$") for p in docs_pages(docs))
    assert formulas or not written, "pages hold $...$ but no formula was found: has the markup changed?"
    failures = render_failures(formulas)
    assert not failures, "formulas KaTeX cannot render:\n" + "\n".join(
        f"  {f['where']}: {f['tex'][:80]!r}: {f['error']}" for f in failures
    )


# TeX left as text in a built page: a display block that Markdown did not hand to arithmatex
# (for instance `$$` indented by 2 spaces inside a list item ends the list and prints as is).
LEFT_AS_TEXT = re.compile(r"\$\$|\\\(|\\\[|(?<![\w$])\$[^$\s][^$<]*?\$(?!\w)")
NOT_PROSE = re.compile(
    r'<(pre|code|script|style|textarea)\b.*?</\1>|<(span|div) class="arithmatex">.*?</\2>', re.S
)


def test_no_page_shows_tex_as_text(site):
    docs = ROOT / "docs"
    shown = []
    for page in docs_pages(docs):
        src = page.relative_to(docs).as_posix()
        out = built_html(site, src)
        if src.startswith("labs/") or not out.is_file():
            continue  # Labs: notebook Markdown, typeset in the browser by katex.js
        prose = NOT_PROSE.sub("", out.read_text(encoding="utf-8"))
        shown += [f"{src}: {m.group()[:40]!r}" for m in LEFT_AS_TEXT.finditer(prose)]
    assert not shown, "TeX shown as text:\n  " + "\n  ".join(shown)
