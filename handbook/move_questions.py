"""Move questions from one page to another, keeping every link to them working.

    python -m handbook.move_questions docs/a/old.md docs/a/new.md anchor [anchor ...]

The questions (each from its `## ` heading to the next one) are appended to the destination page
in the order given; write the destination's title and opening paragraph first. Links to a moved
question are rewritten in every page under docs/, in both directions between the two pages.
Links published before the move keep working on the site: `docs/javascripts/links.js` sends an
`old-page/#anchor` it cannot find on the page to the page that now has that anchor, and
`tests/anchors.py` accepts a published anchor that moved only if that redirect can find it.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from handbook.pages import ROOT, PageError, scan

DOCS = ROOT / "docs"
LINK = re.compile(r"\]\((?P<path>[^)\s#]*)#(?P<anchor>[\w-]+)\)")
ID = re.compile(r"\{[^{}\n]*#(?P<id>[\w-]+)[^{}\n]*\}")


def sections(path: Path) -> tuple[list[str], dict[str, list[str]]]:
    """The page's lines before its first question, and each question's lines by anchor."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    headings, _ = scan([line.rstrip("\n") for line in lines])
    starts = [h for h in headings if h.level == 2]
    if not starts:
        return lines, {}
    for h in starts:
        if not h.anchor:
            raise PageError(path, h.line, "question heading has no { #anchor }")
    bounds = [h.line - 1 for h in starts] + [len(lines)]
    found = {h.anchor: lines[a:b] for h, a, b in zip(starts, bounds[:-1], bounds[1:], strict=True)}
    return lines[: bounds[0]], found


def relink(text: str, page: Path, retarget) -> str:
    """Rewrite `](path#anchor)` links in `page` with `retarget(target_page, anchor)`."""

    def swap(m: re.Match) -> str:
        target = (page.parent / m["path"]).resolve() if m["path"] else page.resolve()
        new = retarget(target, m["anchor"])
        if new is None or new == target:
            return m[0]
        path = "" if new == page.resolve() else os.path.relpath(new, page.parent).replace(os.sep, "/")
        return f"]({path}#{m['anchor']})"

    return LINK.sub(swap, text)


def move(source: Path, dest: Path, anchors: list[str]) -> list[Path]:
    """Move the questions; return every page whose text changed."""
    source, dest = source.resolve(), dest.resolve()
    head, found = sections(source)
    missing = [a for a in anchors if a not in found]
    if missing:
        raise SystemExit(f"{source.relative_to(ROOT)}: no question with anchor {', '.join(missing)}")
    if not dest.exists():
        raise SystemExit(f"{dest.relative_to(ROOT)}: write its title and opening paragraph first")
    moved_text = "".join(line for a in anchors for line in found[a])
    moved_ids = set(ID.findall(moved_text))

    def retarget(target: Path, anchor: str) -> Path | None:
        return dest if target == source and anchor in moved_ids else None

    kept = "".join(head) + "".join(line for a, lines in found.items() if a not in anchors for line in lines)
    dest_text = dest.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + moved_text
    # A moved question's links to questions that stayed behind now cross pages.
    stayed_ids = set(ID.findall(kept))

    def back(target: Path, anchor: str) -> Path | None:
        return source if target == dest and anchor in stayed_ids else retarget(target, anchor)

    changed = {
        source: relink(kept.rstrip("\n") + "\n", source, retarget),
        dest: relink(dest_text, dest, back),
    }
    for page in sorted(DOCS.rglob("*.md")) + sorted(DOCS.rglob("*.ipynb")):
        page = page.resolve()
        if page not in changed:
            text = page.read_text(encoding="utf-8")
            new = relink(text, page, retarget)
            if new != text:
                changed[page] = new
    for page, text in changed.items():
        page.write_text(text, encoding="utf-8")
    return sorted(changed)


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    for page in move(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]):
        print(page.relative_to(ROOT))
