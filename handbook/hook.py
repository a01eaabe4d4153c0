"""MkDocs hook: the glue between MkDocs and the handbook's own modules, which need no MkDocs.

- Each page's question headings are checked (handbook/pages.py), and its diagrams are drawn
  (handbook/diagrams.py); a bad heading or an undrawn diagram fails the build with its file and
  line. The page's tags go to Material's tags plugin.
- Under a topic page's title: a link to the page's examples as a notebook.
- Material's search index leaves out code, intros and chapter indexes (handbook/search_exclude.py).
- After the build: questions.json, the page notebooks, the flashcards, the Drill page's data and
  the search-index tuning (handbook/after_build.py, which is also a command for generators that
  run no hooks). A page problem found there fails the build with its file and line.

The meta line under each question and the All-questions table are Markdown extensions
(handbook/meta_line.py, handbook/questions_table.py), listed in mkdocs.yml.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

# `handbook` is importable because the build runs with the repository on PYTHONPATH (the Makefile
# and the tests set it): mkdocs.yml's Markdown extensions load from it before any hook does.
from handbook import after_build, diagrams, search_exclude
from handbook.notebooks import notebook_path
from handbook.pages import PageError, heading_problems, tags_of

_seen: dict[str, str] = {}  # anchor -> "docs/page:line" where it is first defined
_has_questions: set[str] = set()  # pages (source paths) that hold questions

# nbconvert's page template imports mermaid from cdnjs when a notebook holds a diagram; ours hold
# none, and the site requests nothing from other hosts.
MERMAID_LOADER = re.compile(r'<script type="module">(?:(?!</script>).)*jp-Mermaid.*?</script>', re.S)


PRACTICE_TOGGLE = (
    '<label class="hb-practice-toggle" data-search-exclude><input type="checkbox"> '
    "Practice mode: hide the answers</label>"
)


def on_pre_build(config):
    _seen.clear()
    _has_questions.clear()


def on_page_markdown(markdown, page, config, files):
    problems, found = heading_problems(page.file.src_uri, markdown.splitlines(), _seen)
    problems += diagrams.problems(page.file.src_uri, markdown)
    if problems:
        raise PluginError("\n".join(problems))
    if found:
        _has_questions.add(page.file.src_uri)
        page.meta["tags"] = sorted({t for heading, _ in found.values() for t in tags_of(heading.attrs)})
    return markdown


def on_page_content(html, page, config, files):
    src = page.file.src_uri
    if src in _has_questions:
        href = get_relative_url(notebook_path(src), page.url)
        # Practice mode's switch is written here, not inserted by practice.js after load, so that
        # it does not push the page down under the reader (a layout shift).
        link = (
            PRACTICE_TOGGLE + f'<p class="hb-notebook"><a href="{href}" download>Download this '
            "page's examples as a Jupyter notebook</a> (run it inside a clone of the handbook)</p>"
        )
        html = re.sub(r"(</h1>)", lambda m: m.group(1) + link, html, count=1)
    if src.endswith(".ipynb"):
        html = MERMAID_LOADER.sub("", html)
    whole_page = src.endswith(("/index.md", ".ipynb"))
    return search_exclude.exclude(html, src in _has_questions, whole_page)


def on_post_build(config):
    try:
        after_build.run(Path(config["site_dir"]), config["site_url"], Path(config["docs_dir"]).parent)
    except PageError as error:
        raise PluginError(str(error)) from error
