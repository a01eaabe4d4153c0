"""Mermaid diagrams, drawn once and stored, so that pages carry no diagram library.

A ```mermaid fence becomes an inline SVG. Drawing it in the reader's browser meant 3.5 MB of
Mermaid and a 1.4 s long task on Lighthouse's simulated phone; drawn ahead, a diagram costs its
markup. Each stored SVG is Mermaid's light drawing with the dark theme's colours added as styles
that apply on screen in the dark scheme (the two drawings differ only in their styles; drawing
checks it), so paper gets the light one.

`python -m handbook.diagrams` (make diagrams) draws every fence that has no stored SVG, with the
vendored Mermaid in headless Chromium, and deletes stored SVGs no fence uses. The files are
named by a hash of the diagram's source, so an edited diagram is a missing one: the build fails
and names its page and line until it is drawn. The browser tests draw every diagram again and
compare it with the stored one.

The fence formatter is pymdownx.superfences' custom-fence API (mkdocs.yml), not a MkDocs hook.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
from pathlib import Path

from handbook.pages import ROOT, docs_pages, scan

STORE = ROOT / "docs" / "assets" / "diagrams"
MERMAID_JS = Path(__file__).resolve().parent / "vendor" / "mermaid" / "mermaid.min.js"
STYLE = re.compile(r"<style>(.*?)</style>", re.S)
DARK = '[data-md-color-scheme="slate"]'
# Mermaid writes coordinates to 3-10 decimals; a tenth of a pixel is as fine as a screen shows.
LONG_DECIMAL = re.compile(r"\d+\.\d{2,}")
SIZE = re.compile(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)')

# Arial's metrics (Liberation Sans is metric-compatible and is what Debian's Chromium draws with):
# labels are measured when the diagram is drawn, so the font must be one readers' machines have.
FONT = 'Arial, "Liberation Sans", Helvetica, sans-serif'
# Diagrams are top-to-bottom flowcharts (a left-to-right pipeline is 1,300-2,900 px wide, so a
# column shrinks its labels to 4-9 px); closer ranks keep a ten-step pipeline under a screen.
LAYOUT = {"flowchart": {"rankSpacing": 30, "nodeSpacing": 40}}
# The dark theme's edge labels are #ccc on #585858 (4.43:1); a darker label box passes WCAG AA.
THEMES = {
    "light": {"theme": "default", "themeVariables": {}},
    "dark": {"theme": "dark", "themeVariables": {"edgeLabelBackground": "#404040"}},
}

# Mermaid writes styles, arrowheads, shadows and gradients for every kind of element a diagram
# could hold, and each edge's points again for its own scripts: what this drawing does not use is
# dropped (about 40% of its bytes). Style rules a selector query cannot test are kept.
DRAW_JS = """async ([id, source, config]) => {
    mermaid.initialize(config);
    document.body.innerHTML = (await mermaid.render(id, source)).svg;
    const svg = document.body.firstElementChild;
    const style = svg.querySelector("style");
    const used = ({ selectorText: s }) => {
        try { return !s || svg.matches(s) || svg.querySelector(s) !== null; } catch { return true; }
    };
    style.textContent = [...style.sheet.cssRules]
        .filter((rule) => !(rule instanceof CSSKeyframesRule) && used(rule))
        .map((rule) => rule.cssText).join("");
    const markup = svg.innerHTML;
    for (const def of svg.querySelectorAll("marker, filter, linearGradient, radialGradient"))
        if (!markup.includes(`url(#${def.id})`)) def.remove();
    for (const edge of svg.querySelectorAll("[data-points]")) edge.removeAttribute("data-points");
    return svg.outerHTML;
}"""


class DiagramNotDrawn(Exception):
    """A ```mermaid fence whose SVG is not in the store."""


def key(source: str) -> str:
    return hashlib.sha256(source.strip().encode()).hexdigest()[:16]


def stored(source: str) -> Path:
    return STORE / f"{key(source)}.svg"


def element_id(source: str) -> str:
    return f"hb-diagram-{key(source)}"


def fence(source, language, class_name, options, md, **kwargs) -> str:
    """superfences' custom fence formatter: the stored SVG in a figure."""
    path = stored(source)
    if not path.exists():
        first = source.strip().splitlines()[0] if source.strip() else ""
        raise DiagramNotDrawn(
            f"the diagram '{first} ...' is not drawn ({path.relative_to(ROOT)}): run make diagrams"
        )
    svg = path.read_text(encoding="utf-8").strip()
    width, height = SIZE.search(svg).groups()
    # tabindex: on a phone a wide diagram scrolls sideways (handbook.css), and the keyboard must
    # reach what scrolls. The height is the size the page reserves for a diagram not yet laid out.
    style = f"--width: {width}px; --height: {height}px"
    return f'<figure class="hb-diagram" style="{style}" tabindex="0">{svg}</figure>'


def fences(text: str) -> list[tuple[int, str]]:
    """(line, source) of each ```mermaid fence in a page's Markdown, indentation removed."""
    _, found = scan(text.splitlines())
    return [
        (f.line, "".join(line[len(f.indent) :] + "\n" for line in f.body))
        for f in found
        if f.language == "mermaid"
    ]


def problems(src_uri: str, text: str) -> list[str]:
    """`docs/page:line: ...` for each diagram on a page that is not drawn."""
    return [
        f"docs/{src_uri}:{line}: this diagram is not drawn: run make diagrams"
        for line, source in fences(text)
        if not stored(source).exists()
    ]


def all_sources() -> dict[str, tuple[str, str]]:
    """key -> (where, source) for every diagram under docs/."""
    found = {}
    for page in docs_pages():
        for line, source in fences(page.read_text(encoding="utf-8")):
            found.setdefault(key(source), (f"{page.relative_to(ROOT)}:{line}", source))
    return found


def draw(page, source: str) -> str:
    """The stored form of one diagram, drawn by Mermaid in a Playwright page that has loaded it."""
    svg = {}
    for scheme, theme in THEMES.items():
        config = {"startOnLoad": False, "securityLevel": "strict", "fontFamily": FONT, **LAYOUT, **theme}
        drawn = page.evaluate(DRAW_JS, [element_id(source), source, config])
        svg[scheme] = LONG_DECIMAL.sub(lambda m: f"{float(m.group()):.1f}", drawn)
    if STYLE.sub("", svg["light"]) != STYLE.sub("", svg["dark"]):
        raise ValueError("Mermaid's light and dark drawings differ in more than their styles")
    dark_rules = (
        STYLE.search(svg["dark"]).group(1).replace(f"#{element_id(source)}", f"{DARK} #{element_id(source)}")
    )
    return (
        svg["light"].replace("</style>", f"</style><style>@media screen {{ {dark_rules} }}</style>", 1) + "\n"
    )


def chromium_executable() -> str | None:
    """The browser to draw with, and to test with (tests/browser/conftest.py): HANDBOOK_CHROMIUM's
    path, None for the one Playwright installs (HANDBOOK_CHROMIUM=playwright), else the system's
    Chromium; "" when there is none."""
    chosen = os.environ.get("HANDBOOK_CHROMIUM", "")
    if chosen == "playwright":
        return None
    return chosen or shutil.which("chromium") or shutil.which("chromium-browser") or ""


def open_mermaid(playwright):
    """A headless Chromium page with the vendored Mermaid loaded (close its browser when done)."""
    executable = chromium_executable()
    if executable == "":
        raise SystemExit("chromium is not installed (apt-get install -y chromium)")
    browser = playwright.chromium.launch(executable_path=executable)
    page = browser.new_page()
    load_mermaid(page)
    return browser, page


def load_mermaid(page) -> None:
    page.set_content("<!doctype html><html><body></body></html>")
    page.add_script_tag(path=str(MERMAID_JS))


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    redraw = "--all" in argv
    sources = all_sources()
    todo = [k for k, (_, source) in sources.items() if redraw or not stored(source).exists()]
    STORE.mkdir(parents=True, exist_ok=True)
    if todo:
        with sync_playwright() as p:
            browser, page = open_mermaid(p)
            try:
                for k in todo:
                    where, source = sources[k]
                    try:
                        svg = draw(page, source)
                    except Exception as error:
                        print(f"{where}: this diagram cannot be drawn: {error}", file=sys.stderr)
                        return 1
                    stored(source).write_text(svg, encoding="utf-8")
                    print(f"drew {where}")
            finally:
                browser.close()
    for path in sorted(STORE.glob("*.svg")):
        if path.stem not in sources:
            path.unlink()
            print(f"deleted {path.relative_to(ROOT)}: no diagram uses it")
    print(f"{len(sources)} diagrams, {len(todo)} drawn")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
