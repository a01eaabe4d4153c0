"""MkDocs hook: checks question headings and writes `questions.json` from the rendered pages.

A question is an `h2` with an explicit anchor, a difficulty and tags (see STYLE.md). Topic pages
hold only questions at `h2`; a chapter's `index.md` and the home page may have other `h2`s.
"""

from __future__ import annotations

import json
import os
import re
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import nbformat
from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

# MkDocs puts this folder on sys.path while it loads a hook, so the sibling module imports directly.
from notebooks import notebook_path, page_notebook
from pages import DIFFICULTIES, heading_problems

_examples: dict[str, dict[str, list[str]]] = {}  # page src -> anchor -> executed snippet includes
_seen: dict[str, str] = {}  # anchor -> "docs/page:line" where it is first defined
_found: list[dict] = []


_nav_order: dict[str, int] = {}  # page src -> position in the navigation
_notebooks: list[tuple[Path, str, str, str]] = []  # (page source, title, absolute url, notebook path)


def on_pre_build(config):
    _examples.clear()
    _seen.clear()
    _found.clear()
    _notebooks.clear()


def on_nav(nav, config, files):
    _nav_order.clear()
    _nav_order.update({page.file.src_uri: i for i, page in enumerate(nav.pages)})


def on_page_markdown(markdown, page, config, files):
    problems, found = heading_problems(page.file.src_uri, markdown.splitlines(), _seen)
    if problems:
        raise PluginError("\n".join(problems))
    _examples[page.file.src_uri] = {anchor: examples for anchor, (_, examples) in found.items()}
    # The page's tags for Material's tags plugin (which reads them later): its questions' tags.
    tags = {t.strip() for heading, _ in found.values() for t in heading.attrs["data-tags"].split(",")}
    if tags:
        page.meta["tags"] = sorted(t for t in tags if t)
    return markdown


class _H2Reader(HTMLParser):
    """Collects (id, attrs, text) of every h2, leaving out the permalink."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[dict, str]] = []
        self._attrs: dict | None = None
        self._text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag == "h2":
            self._attrs, self._text = dict(attrs), []
        elif self._attrs is not None and tag == "a" and "headerlink" in (dict(attrs).get("class") or ""):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag == "a" and self._skip:
            self._skip -= 1
        elif tag == "h2" and self._attrs is not None:
            self.found.append((self._attrs, "".join(self._text).strip()))
            self._attrs = None

    def handle_data(self, data):
        if self._attrs is not None and not self._skip:
            self._text.append(data)


QUESTION_H2 = re.compile(r'<h2\b[^>]*\bid="(?P<id>[^"]+)"[^>]*>.*?</h2>', re.S)


def meta_line(attrs: dict) -> str:
    """The line under a question: difficulty, topics, and other words readers search for.

    It is page text (not CSS), so the search index holds each question's own tags and keywords.
    """
    level = attrs["data-difficulty"]
    parts = [f'<span class="hb-level" data-level="{level}">{level}</span>', escape(attrs["data-tags"])]
    if attrs.get("data-keywords"):
        parts.append(f"also asked as: {escape(attrs['data-keywords'])}")
    return f'<p class="hb-meta">{" · ".join(parts)}</p>'


def on_page_content(html, page, config, files):
    wanted = _examples.get(page.file.src_uri, {})
    reader = _H2Reader()
    reader.feed(html)
    chapter = page.ancestors[-1].title if page.ancestors else page.title
    for attrs, text in reader.found:
        anchor = attrs.get("id")
        if anchor not in wanted:
            continue
        _found.append(
            {
                "_order": (_nav_order.get(page.file.src_uri, len(_nav_order)), len(_found)),
                "id": anchor,
                "question": text,
                "url": f"{page.url}#{anchor}",
                "page": page.title,
                "chapter": chapter,
                "difficulty": attrs.get("data-difficulty"),
                "tags": [t.strip() for t in attrs.get("data-tags", "").split(",") if t.strip()],
                "keywords": [k.strip() for k in attrs.get("data-keywords", "").split(",") if k.strip()],
                "examples": wanted[anchor],
            }
        )
    by_id = {attrs.get("id"): attrs for attrs, _ in reader.found}

    def add_meta(m: re.Match) -> str:
        anchor = m.group("id")
        return m.group(0) + meta_line(by_id[anchor]) if anchor in wanted else m.group(0)

    html = QUESTION_H2.sub(add_meta, html)
    if wanted:
        html = add_notebook_link(html, page, config)
    if page.file.src_uri.endswith(".ipynb"):
        html = MERMAID_LOADER.sub("", html)
    if wanted:
        html = exclude_intro_from_search(html)
    elif page.file.src_uri.endswith(("/index.md", ".ipynb")):
        html = SECTION_OR_BLOCK.sub(lambda m: m.group(0) + " data-search-exclude", html)
    return CODE_BLOCK.sub(lambda m: m.group(0) + " data-search-exclude", html)


# nbconvert's page template imports mermaid from cdnjs when a notebook holds a diagram; ours hold
# none, and the site requests nothing from other hosts.
MERMAID_LOADER = re.compile(r'<script type="module">(?:(?!</script>).)*jp-Mermaid.*?</script>', re.S)

# Code and output blocks stay out of the search index: they are half its size, and their
# identifiers and numbers match queries by accident (prose names the identifiers that matter).
CODE_BLOCK = re.compile(r'<div class="language-[\w-]+ highlight"')


def add_notebook_link(html: str, page, config) -> str:
    """Offer the page's examples as a notebook, under the page title."""
    target = notebook_path(page.file.src_uri)
    _notebooks.append((Path(page.file.abs_src_path), page.title, config["site_url"] + page.url, target))
    href = get_relative_url(target, page.url)
    link = (
        f'<p class="hb-notebook"><a href="{href}" download>Download this page\'s examples as a '
        "Jupyter notebook</a> (run it inside a clone of the handbook)</p>"
    )
    return re.sub(r"(</h1>)", lambda m: m.group(1) + link, html, count=1)


INTRO_BLOCK = re.compile(r"<(p|ul|ol|table|div|blockquote)\b")
# A chapter index or a lab is found by its title: its sections would crowd out the questions.
SECTION_OR_BLOCK = re.compile(r"<(h[2-6]|p|ul|ol|table|div|blockquote)\b")


def exclude_intro_from_search(html: str) -> str:
    """Keep the text before a page's first question out of the search index (a chapter's index
    page is all intro), so that questions are the results and pages are found by their titles.

    Material ranks a page's own entry up to 2.5 times above its sections, so an intro that
    mentions a word would put its page first for questions that live on other pages.
    """
    first = html.find("<h2")
    first = len(html) if first < 0 else first
    intro = INTRO_BLOCK.sub(lambda m: m.group(0) + " data-search-exclude", html[:first])
    return intro + html[first:]


def on_env(env, config, files):
    """All pages are rendered: put the questions in reading (navigation) order."""
    _found.sort(key=lambda q: q.pop("_order"))


def on_post_page(output, page, config):
    """Fill the all-questions page; every other page's questions are known by now."""
    if page.file.src_uri != "questions.md":
        return output
    table = questions_table(page.url)
    return re.sub(r'<div id="all-questions"[^>]*>.*?</div>', lambda _: table, output, count=1, flags=re.S)


def questions_table(from_url: str) -> str:
    up = "../" * from_url.count("/")
    tags = sorted({t for q in _found for t in q["tags"]})
    options = "".join(f'<option value="{escape(t)}">{escape(t)}</option>' for t in tags)
    rows = "".join(
        f'<tr data-difficulty="{q["difficulty"]}" data-tags="{escape(",".join(q["tags"]))}">'
        f'<td><a href="{up}{q["url"]}">{escape(q["question"])}</a></td><td>{escape(q["chapter"])}</td>'
        f"<td>{q['difficulty']}</td><td>{escape(', '.join(q['tags']))}</td></tr>"
        for q in _found
    )
    levels = "".join(f'<option value="{d}">{d}</option>' for d in DIFFICULTIES)
    return (
        '<div class="hb-filters">'
        f'<label>Difficulty <select id="hb-difficulty"><option value="">any</option>{levels}</select></label>'
        f'<label>Topic <select id="hb-tag"><option value="">any</option>{options}</select></label>'
        '<label>Words <input id="hb-text" type="search" placeholder="e.g. attention"></label>'
        f'<span id="hb-count" aria-live="polite">{len(_found)} questions</span></div>'
        '<table class="hb-questions"><thead><tr><th>Question</th><th>Chapter</th><th>Difficulty</th>'
        f"<th>Topics</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def on_post_build(config):
    out = Path(config["site_dir"]) / "questions.json"
    out.write_text(json.dumps(_found, indent=1, ensure_ascii=False) + os.linesep, encoding="utf-8")
    tune_search_index(Path(config["site_dir"]) / "search" / "search_index.json")
    for source, title, url, target in _notebooks:
        nbformat.write(page_notebook(source, title, url), Path(config["site_dir"]) / target)


# Tune Material's search index for questions, after its plugin has written it (hooks run after
# plugins):
# - Every question is its own result. Material groups a page's sections under the page (by the
#   part of a location before "#") and folds all but the best under "N more on this page", so the
#   second-best question of a page would be hidden. Each question gets a group of its own: its
#   location gains a query string (`rag/pipeline/?q=rag-chunking#rag-chunking` opens the same page
#   at the same answer), under a header entry that carries the page title and almost no weight.
# - A topic page's own entry (its title) would otherwise outrank its questions: it is demoted.
# - Material gives every section the tags of its whole page, with a boost of a million: every
#   question would rank by its neighbours' tags, and each result would list them all. Each
#   question's own tags are in its text (the line under its heading) instead.
TOPIC_PAGE_BOOST = 0.1
GROUP_HEADER_BOOST = 0.001


def tune_search_index(index_file: Path) -> None:
    if not index_file.is_file():
        return
    index = json.loads(index_file.read_text(encoding="utf-8"))
    questions = {q["url"] for q in _found}
    titles = {q["url"].split("#")[0]: q["page"] for q in _found}
    docs = []
    for doc in index["docs"]:
        doc.pop("tags", None)
        if doc["location"] in titles:
            doc["boost"] = TOPIC_PAGE_BOOST
        elif doc["location"] in questions:
            page, anchor = doc["location"].split("#")
            header = f"{page}?q={anchor}"
            docs.append({"location": header, "title": titles[page], "text": "", "boost": GROUP_HEADER_BOOST})
            doc["location"] = f"{header}#{anchor}"
        docs.append(doc)
    index["docs"] = docs
    index_file.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
