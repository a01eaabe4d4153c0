"""Markdown extension: the Topics page, every tag of handbook/tags.yml as one row of a table.

A page writes `<div id="topics"></div>` on a line of its own; the line becomes a table with a row
per tag (alphabetical): the tag, what it covers and how many questions carry it. The tag links to
the All-questions list filtered to it (`questions.md?tag=<tag>`), where the reader can narrow it
by difficulty and words and sees their drill progress. Each row's id is `tag:<tag>`, the address
Material's tag chips have always linked to, so old links land on the tag's row.

The page once listed every question under each of its tags: about 2,400 links, 113 KB of gzipped
HTML and 8,700 elements, which kept it the slowest page on Lighthouse's phone (issue #14).
"""

from __future__ import annotations

import re
from collections import Counter
from html import escape

from handbook.built_block import BuiltBlockExtension
from handbook.pages import tag_vocabulary
from handbook.questions import collect

MARKER = re.compile(r'^<div id="topics"[^>]*>.*</div>\s*$')


def topics(questions: list[dict], vocabulary: dict[str, str]) -> str:
    counts = Counter(tag for question in questions for tag in question["tags"])
    rows = "".join(
        f'<tr id="tag:{tag}"><td><a href="questions.md?tag={escape(tag)}">{escape(tag)}</a></td>'
        f"<td>{escape(vocabulary[tag])}</td><td>{counts[tag]}</td></tr>"
        for tag in sorted(tag for tag in vocabulary if counts[tag])
    )
    head = "<thead><tr><th>Topic</th><th>What it covers</th><th>Questions</th></tr></thead>"
    return f'<table class="hb-topics">{head}<tbody>{rows}</tbody></table>'


class TopicsListExtension(BuiltBlockExtension):
    marker, name = MARKER, "topics_list"

    def build(self) -> str:
        return topics(collect(), tag_vocabulary())


def makeExtension(**kwargs):
    return TopicsListExtension(**kwargs)
