"""Material's navigation writes `tabindex=""` on section labels, which the Nu Html Checker
rejects (the attribute must hold an integer). Browsers ignore the empty value, so dropping the
attribute changes nothing a reader or a screen reader meets; it only makes the pages valid.
Material 9's template (partials/nav-item.html) sets it empty for every section label."""

from __future__ import annotations

from pathlib import Path

EMPTY_TABINDEX = ' tabindex=""'


def drop_empty_tabindex(site_dir: Path) -> None:
    for page in site_dir.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        if EMPTY_TABINDEX in html:
            page.write_text(html.replace(EMPTY_TABINDEX, ""), encoding="utf-8")
