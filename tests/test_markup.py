"""The markup the project writes is valid HTML where a validator would object to it.

The Nu Html Checker needs Java, which CI does not install; these are the two errors it found in
the project's own output (December 2026 audit), checked on every built page:
- a `</p>` with no open paragraph (an indented output marker inside a tab or admonition made
  Python-Markdown wrap a block in `<p>…</p>`; browsers turn the stray end tag into an empty
  paragraph);
- an id used twice on one page (a second heading with the same id cannot be linked to);
and one in Material's navigation, which the build removes (handbook/nav_markup.py):
- `tabindex=""` (the attribute must hold an integer).
"""

import re
from collections import Counter
from html.parser import HTMLParser

# Start tags that close an open paragraph (HTML Living Standard, "in body" insertion mode).
CLOSES_P = set(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "details",
        "dialog",
        "div",
        "dl",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "pre",
        "search",
        "section",
        "table",
        "ul",
    ]
)


class Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open_p = 0  # paragraphs cannot nest, but scope resets inside these
        self.stack: list[int] = []
        self.errors: list[str] = []
        self.ids: Counter = Counter()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids[value] += 1
            if name == "tabindex" and not re.fullmatch(r"-?\d+", value or ""):
                self.errors.append(f"line {self.getpos()[0]}: tabindex={value!r} is not an integer")
        if tag in CLOSES_P:
            self.open_p = 0
        if tag == "p":
            self.open_p = 1
        elif tag in {"button", "td", "th", "caption", "li", "dd", "dt"}:
            self.stack.append(self.open_p)  # a new scope for p
            self.open_p = 0

    def handle_endtag(self, tag):
        if tag == "p":
            if not self.open_p:
                self.errors.append(f"line {self.getpos()[0]}: </p> with no open paragraph")
            self.open_p = 0
        elif tag in {"button", "td", "th", "caption", "li", "dd", "dt"} and self.stack:
            self.open_p = self.stack.pop()


def check(html: str) -> list[str]:
    checker = Checker()
    checker.feed(html)
    checker.close()
    duplicates = [f"id {i!r} used {n} times" for i, n in checker.ids.items() if n > 1]
    return checker.errors + duplicates


def test_checker_finds_a_stray_end_tag_and_a_duplicate_id():
    assert check("<p>text</p><ul><li><p>a</p></li></ul>") == []
    assert check("<p><!-- marker -->\n<div>output</div></p>") == ["line 2: </p> with no open paragraph"]
    assert check('<h2 id="a">x</h2><h2 id="a">y</h2>') == ["id 'a' used 2 times"]
    empty_tabindex = ["line 1: tabindex='' is not an integer"]
    assert check('<label tabindex="">x</label><a tabindex="0">y</a>') == empty_tabindex


def test_every_page_has_no_stray_paragraph_end_no_duplicate_id_and_no_empty_tabindex(site):
    problems = []
    for page in sorted(site.rglob("*.html")):
        if "assets" in page.parts:
            continue
        problems += [f"{page.relative_to(site)}: {e}" for e in check(page.read_text(encoding="utf-8"))]
    assert not problems, "\n".join(problems[:20])


PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
# A bullet, or a numbered step with a bold lead-in ("3. **Data and labels.**"); a bare "3. " can
# be a sentence that wrapped after a number.
LIST_MARKER_LINE = re.compile(r"^\s*(?:[-*] \S|\d{1,2}\. <strong>).*", re.M)


def swallowed_list_items(html: str) -> list[str]:
    """Lines of a paragraph that start with a list marker: a list item Python-Markdown read as
    text, because an earlier item held a second block (a display formula, a table, a nested list)
    and the next item did not start after a blank line."""
    return [line.strip()[:60] for p in PARAGRAPH.findall(html) for line in LIST_MARKER_LINE.findall(p)]


def test_swallowed_list_items_are_found():
    assert swallowed_list_items("<p>the formula\n- <strong>Next.</strong> item</p>") == [
        "- <strong>Next.</strong> item"
    ]
    assert swallowed_list_items("<p>a table\n3. <strong>Data.</strong> Logs</p>") == [
        "3. <strong>Data.</strong> Logs"
    ]
    assert swallowed_list_items("<ul><li>a</li></ul><p>x - y, and\nmore</p>") == []
    assert swallowed_list_items("<p>the coarse answer,\n3. On the single Gaussian</p>") == []


def test_no_page_shows_a_list_item_as_text(site):
    problems = []
    for page in sorted(site.rglob("*.html")):
        if "assets" in page.parts:
            continue
        problems += [
            f"{page.relative_to(site)}: {line}"
            for line in swallowed_list_items(page.read_text(encoding="utf-8"))
        ]
    assert not problems, "\n".join(problems[:20])


HEADER_ROW = re.compile(r"<thead>(.*?)</thead>", re.S)
HEADER_CELL = re.compile(r"<th(?:\s[^>]*)?>(.*?)</th>", re.S)


def empty_header_cells(html: str) -> int:
    """Header cells with no text. A comparison table whose corner cell is empty leaves the row
    labels under it without a header: screen readers announce those cells without one, and
    Lighthouse and axe's td-has-header fail the page (December 2026: 27 tables)."""
    return sum(not cell.strip() for row in HEADER_ROW.findall(html) for cell in HEADER_CELL.findall(row))


def test_empty_header_cells_are_found():
    assert empty_header_cells("<table><thead><tr><th></th><th>A</th></tr></thead></table>") == 1
    assert empty_header_cells('<thead><tr><th align="left">Aspect</th><th>A</th></tr></thead>') == 0


def test_every_table_header_cell_names_its_column(site):
    problems = []
    for page in sorted(site.rglob("*.html")):
        if "assets" in page.parts:
            continue
        if found := empty_header_cells(page.read_text(encoding="utf-8")):
            problems.append(f"{page.relative_to(site)}: {found} empty header cell(s)")
    assert not problems, "\n".join(problems)
