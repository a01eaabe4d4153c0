"""Published question links: `tests/anchors.txt` lists every `page#anchor` ever published.

    python -m tests.anchors --update   # add the anchors that pages have now (never removes one)

A listed anchor must stay reachable: on its page, or on the page that page redirects to
(`redirects` in mkdocs.yml). tests/test_anchors.py enforces this.
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
    """Listed anchors that are neither on their page nor on the page it redirects to."""
    lost = []
    for entry in listed:
        page, anchor = entry.split("#", 1)
        if entry in now or f"{moved.get(page, page)}#{anchor}" in now:
            continue
        lost.append(entry)
    return lost


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
