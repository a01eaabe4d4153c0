"""Every ```mermaid fence has its stored drawing, and every stored drawing belongs to a fence.

(The browser tests check that each drawing is what Mermaid draws and that pages show it.)
"""

import re

from handbook import diagrams
from handbook.pages import ROOT, docs_pages


def test_every_diagram_is_drawn():
    problems = [
        p
        for page in docs_pages()
        for p in diagrams.problems(page.relative_to(ROOT / "docs").as_posix(), page.read_text())
    ]
    assert not problems, "\n".join(problems)


def test_every_stored_drawing_belongs_to_a_diagram():
    sources = diagrams.all_sources()
    unused = [p.name for p in diagrams.STORE.glob("*.svg") if p.stem not in sources]
    assert not unused, f"stored drawings no diagram uses (make diagrams deletes them): {unused}"


def test_each_drawing_is_scoped_to_its_own_id_and_has_dark_colours_for_screens_only():
    """Two drawings on one page must not share an id: Mermaid scopes each drawing's styles by it."""
    for where, source in diagrams.all_sources().values():
        svg = diagrams.stored(source).read_text(encoding="utf-8")
        root = re.match(r'<svg id="([^"]+)"', svg)
        assert root and root.group(1) == diagrams.element_id(source), where
        light, dark = re.findall(r"<style>(.*?)</style>", svg, re.S)
        assert f"#{root.group(1)} " in light, f"{where}: its styles are not scoped to its id"
        assert dark.startswith("@media screen {") and f"{diagrams.DARK} #{root.group(1)} " in dark, where
