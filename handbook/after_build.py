"""What the handbook adds to a built site, from the page sources (no site generator's API):
questions.json, a notebook per topic page, the flashcards (an Anki deck), the Drill page's data
(drill-data.js), the search-index tuning for Material, a fix to its navigation markup and the
Labs' stylesheets cut to the rules they use.

    python -m handbook.after_build SITE_DIR SITE_URL

The MkDocs hook calls `run` after every build; a generator that runs no MkDocs hooks (Zensical)
runs the command after its build.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

from handbook import drill, flashcards, lab_styles, nav_markup, questions, search_index
from handbook.notebooks import notebook_path, page_notebook
from handbook.pages import ROOT, is_topic_page


def run(site_dir: Path, site_url: str, root: Path = ROOT) -> None:
    found = questions.collect(root)
    questions.write_json(site_dir, found)
    search_index.tune(site_dir / "search" / "search_index.json", found, search_index.cited_by(root, found))
    flashcards.write(site_dir, site_url, root)
    drill.write(site_dir, root, found)
    nav_markup.drop_empty_tabindex(site_dir)
    lab_styles.prune(site_dir, (root / "docs" / "stylesheets" / "handbook.css").read_text(encoding="utf-8"))
    pages = {(q["url"].split("#")[0], q["page"]) for q in found}
    for src in sorted({p.relative_to(root / "docs").as_posix() for p in (root / "docs").rglob("*.md")}):
        if not is_topic_page(src):
            continue
        url = questions.page_url(src)
        title = next((t for u, t in pages if u == url), None)
        if title is None:
            continue  # a page that is not in the navigation holds no published question
        nb = page_notebook(root / "docs" / src, title, site_url.rstrip("/") + "/" + url)
        target = site_dir / notebook_path(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)


if __name__ == "__main__":
    run(Path(sys.argv[1]), sys.argv[2])
