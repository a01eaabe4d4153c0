"""Published question links: `tests/anchors.txt` lists every `page#anchor` ever published.

    python -m tests.anchors --update   # add the anchors that pages have now (never removes one)

A listed anchor must stay reachable: on its page, on the page that page redirects to
(`redirects` in mkdocs.yml), or, for a question moved to another page
(handbook/move_questions.py), through docs/javascripts/moved-answers.js.
tests/test_pages.py enforces this; tests/browser/test_moved_answers.py follows the moved links.
"""

from __future__ import annotations

import sys
from pathlib import Path

from handbook.pages import ROOT, docs_pages, mkdocs_config, scan

LIST = ROOT / "tests" / "anchors.txt"
HEADER = "# Published question anchors (page#anchor). Append-only: `make anchors`. Never edit by hand.\n"


def current(docs: Path | None = None) -> dict[str, int]:
    """Every `page#anchor` of an h2 now, with its source line."""
    docs = docs or ROOT / "docs"
    found = {}
    for page in docs_pages(docs):
        headings, _ = scan(page.read_text(encoding="utf-8").splitlines())
        for h in headings:
            if h.level == 2 and h.anchor:
                found[f"{page.relative_to(docs).as_posix()}#{h.anchor}"] = h.line
    return found


def published(path: Path = LIST) -> list[str]:
    if not path.exists():
        return []
    return [
        line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")
    ]


def redirects(root: Path | None = None) -> dict[str, str]:
    for plugin in mkdocs_config(root).get("plugins", []):
        if isinstance(plugin, dict) and "redirects" in plugin:
            return dict((plugin["redirects"] or {}).get("redirect_maps") or {})
    return {}


def unreachable(listed: list[str], now: dict[str, int], moved: dict[str, str]) -> list[str]:
    """Listed anchors that an old link `page#anchor` can no longer reach.

    It reaches its answer when the anchor is on its page, on the page that page redirects to
    (`moved`), or, when its page still exists, on the one page the question moved to:
    docs/javascripts/moved-answers.js forwards the link there.
    """
    pages = {entry.split("#", 1)[0] for entry in now}
    homes: dict[str, list[str]] = {}
    for entry in now:
        page, anchor = entry.split("#", 1)
        homes.setdefault(anchor, []).append(page)
    lost = []
    for entry in listed:
        page, anchor = entry.split("#", 1)
        if entry in now or f"{moved.get(page, page)}#{anchor}" in now:
            continue
        if page in pages and len(homes.get(anchor, [])) == 1:
            continue
        lost.append(entry)
    return lost


def moved_answers(listed: list[str], now: dict[str, int]) -> dict[str, str]:
    """Published `page#anchor` -> the page it moved to, for anchors no longer on their page."""
    homes = {entry.split("#", 1)[1]: entry.split("#", 1)[0] for entry in now}
    return {
        entry: homes[entry.split("#", 1)[1]]
        for entry in listed
        if entry not in now and entry.split("#", 1)[1] in homes
    }


def update(path: Path = LIST) -> list[str]:
    listed = published(path)
    new = sorted(set(current()) - set(listed))
    path.write_text(HEADER + "".join(f"{e}\n" for e in [*listed, *new]))
    return new


if __name__ == "__main__":
    if "--update" not in sys.argv:
        sys.exit(__doc__)
    added = update()
    print(f"{len(added)} anchor(s) added to {LIST.relative_to(ROOT)}")
    for entry in added:
        print(f"  {entry}")
