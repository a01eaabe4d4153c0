"""Markdown extension: the All-questions table, built from the page sources at build time.

A page writes `<div id="all-questions"></div>` on a line of its own; the line becomes a table of
every question (with filters that docs/javascripts/questions.js drives). Each link names the page's
source (`rag/pipeline.md#anchor`), and MkDocs turns it into the page's address (handbook/built_block.py).
"""

from __future__ import annotations

import re
from html import escape

from handbook.built_block import BuiltBlockExtension
from handbook.pages import DIFFICULTIES
from handbook.questions import collect

MARKER = re.compile(r'^<div id="all-questions"[^>]*>.*</div>\s*$')


def table(questions: list[dict]) -> str:
    tags = sorted({t for q in questions for t in q["tags"]})
    options = "".join(f'<option value="{escape(t)}">{escape(t)}</option>' for t in tags)
    rows = "".join(
        f'<tr data-difficulty="{q["difficulty"]}" data-tags="{escape(",".join(q["tags"]))}">'
        f'<td><a href="{escape(q["source"])}">{escape(q["question"])}</a></td><td>{escape(q["chapter"])}</td>'
        f"<td>{q['difficulty']}</td><td>{escape(', '.join(q['tags']))}</td></tr>"
        for q in questions
    )
    levels = "".join(f'<option value="{d}">{d}</option>' for d in DIFFICULTIES)
    return (
        '<div class="hb-filters">'
        f'<label>Difficulty <select id="hb-difficulty"><option value="">any</option>{levels}</select></label>'
        f'<label>Topic <select id="hb-tag"><option value="">any</option>{options}</select></label>'
        '<label>Words <input id="hb-text" type="search" placeholder="e.g. attention"/></label>'
        f'<span id="hb-count" aria-live="polite">{len(questions)} questions</span></div>'
        '<table class="hb-questions"><thead><tr><th>Question</th><th>Chapter</th><th>Difficulty</th>'
        f"<th>Topics</th></tr></thead><tbody>{rows}</tbody></table>"
    )


class QuestionsTableExtension(BuiltBlockExtension):
    marker, name = MARKER, "questions_table"

    def build(self) -> str:
        return table(collect())


def makeExtension(**kwargs):
    return QuestionsTableExtension(**kwargs)
