"""Markdown extension: the All-questions table, built from the page sources at build time.

A page writes `<div id="all-questions"></div>` on a line of its own; the line becomes a table of
every question (with filters that docs/javascripts/questions.js drives). Links are relative to the
page, which sits `links_from` below the site root (`questions.md` is served at `questions/`).
"""

from __future__ import annotations

import re
from html import escape

from markdown import Extension
from markdown.preprocessors import Preprocessor

from handbook.pages import DIFFICULTIES
from handbook.questions import collect

MARKER = re.compile(r'^<div id="all-questions"[^>]*>.*</div>\s*$')


def table(questions: list[dict], up: str) -> str:
    tags = sorted({t for q in questions for t in q["tags"]})
    options = "".join(f'<option value="{escape(t)}">{escape(t)}</option>' for t in tags)
    rows = "".join(
        f'<tr data-difficulty="{q["difficulty"]}" data-tags="{escape(",".join(q["tags"]))}">'
        f'<td><a href="{up}{q["url"]}">{escape(q["question"])}</a></td><td>{escape(q["chapter"])}</td>'
        f"<td>{q['difficulty']}</td><td>{escape(', '.join(q['tags']))}</td></tr>"
        for q in questions
    )
    levels = "".join(f'<option value="{d}">{d}</option>' for d in DIFFICULTIES)
    return (
        '<div class="hb-filters">'
        f'<label>Difficulty <select id="hb-difficulty"><option value="">any</option>{levels}</select></label>'
        f'<label>Topic <select id="hb-tag"><option value="">any</option>{options}</select></label>'
        '<label>Words <input id="hb-text" type="search" placeholder="e.g. attention"></label>'
        f'<span id="hb-count" aria-live="polite">{len(questions)} questions</span></div>'
        '<table class="hb-questions"><thead><tr><th>Question</th><th>Chapter</th><th>Difficulty</th>'
        f"<th>Topics</th></tr></thead><tbody>{rows}</tbody></table>"
    )


class QuestionsTable(Preprocessor):
    def __init__(self, md, up: str):
        super().__init__(md)
        self.up = up

    def run(self, lines: list[str]) -> list[str]:
        if not any(MARKER.match(line) for line in lines):
            return lines
        html = self.md.htmlStash.store(table(collect(), self.up))
        return [html if MARKER.match(line) else line for line in lines]


class QuestionsTableExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {"links_from": ["questions/", "where the page is served, from the site root"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        up = "../" * self.getConfig("links_from").count("/")
        md.preprocessors.register(QuestionsTable(md, up), "handbook_questions_table", 25)


def makeExtension(**kwargs):
    return QuestionsTableExtension(**kwargs)
