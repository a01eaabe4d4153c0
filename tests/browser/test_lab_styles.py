"""The Labs carry only the JupyterLab styles that apply to them (handbook/lab_styles.py). Putting
JupyterLab's whole stylesheet back, as mkdocs-jupyter writes it, must change nothing a reader
sees: no computed style of any element of the notebook, in either colour scheme."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import mkdocs_jupyter
import pytest
from jupyterlab_pygments import JupyterStyle
from pygments.formatters import HtmlFormatter

ASSETS = Path(mkdocs_jupyter.__file__).parent / "templates" / "mkdocs_html" / "assets"

# Every standard property of one element of each kind (its tag, classes and place among its
# siblings, and its ancestors'), and of its ::before and ::after where they exist. Custom
# properties (--jp-...) are left out: a dropped one is one that nothing reads.
COMPUTED_STYLES = """() => {
  const kind = e => e.tagName + '.' + [...e.classList].sort().join('.')
    + (e.previousElementSibling ? '' : '^') + (e.nextElementSibling ? '' : '$');
  const kinds = new Map();
  for (const e of document.querySelectorAll('.jupyter-wrapper, .jupyter-wrapper *')) {
    let key = '';
    for (let a = e; a !== document.body; a = a.parentElement) key += kind(a) + ' ';
    if (!kinds.has(key)) kinds.set(key, e);
  }
  const styles = (e, pseudo) => {
    const style = getComputedStyle(e, pseudo);
    if (pseudo && style.content === 'none') return 'none';
    let text = '';
    for (const name of style) {
      if (!name.startsWith('--')) text += name + ':' + style.getPropertyValue(name) + ';';
    }
    return text;
  };
  return [...kinds.entries()].flatMap(([key, e]) =>
    [null, '::before', '::after'].map(pseudo => [key + (pseudo || ''), styles(e, pseudo)]));
}"""

PUT_BACK = """css => { document.querySelector('article style').textContent += css; }"""


def whole_stylesheet() -> str:
    pygments = HtmlFormatter(style=JupyterStyle).get_style_defs(".highlight-ipynb")
    jupyterlab = [(ASSETS / name).read_text(encoding="utf-8") for name in ("index.css", "theme-light.css")]
    return "\n".join([pygments, *jupyterlab])


def lab_pages(site: Path) -> list[str]:
    pages = [
        p.parent.relative_to(site).as_posix() + "/"
        for p in site.rglob("index.html")
        if 'class="jupyter-wrapper"' in p.read_text(encoding="utf-8")
    ]
    assert pages, "no Lab page in the site"
    return sorted(pages)


def settled_styles(page) -> list:
    """The styles once the page's scripts have finished adding to it (two readings agree)."""
    page.wait_for_load_state("load")
    last = page.evaluate(COMPUTED_STYLES)
    for _ in range(20):
        page.wait_for_timeout(250)
        styles = page.evaluate(COMPUTED_STYLES)
        if styles == last:
            return styles
        last = styles
    pytest.fail(f"{page.url}: the page kept changing")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_putting_jupyterlabs_whole_stylesheet_back_changes_nothing(browser, site, base_url, scheme):
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    css = whole_stylesheet()
    for path in lab_pages(site):
        page.goto(urljoin(base_url, path))
        pruned = settled_styles(page)
        page.evaluate(PUT_BACK, css)
        whole = page.evaluate(COMPUTED_STYLES)
        changed = [(key, a, b) for (key, a), (_, b) in zip(pruned, whole, strict=True) if a != b]
        if changed:
            key, a, b = changed[0][0], *(set(text.split(";")) for text in changed[0][1:])
            first = f"{key.split()[0]}: {sorted(a - b)[:4]} became {sorted(b - a)[:4]}"
            pytest.fail(f"{path} ({scheme}): {len(changed)} styles of {len(pruned)} change; first: {first}")
    context.close()
