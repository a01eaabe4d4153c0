"""Markdown extension: the Topics page, every tag of handbook/tags.yml with its questions.

A page writes `<div id="topics"></div>` on a line of its own; the line becomes one section per tag
(alphabetical): the tag, what it covers, and a link to each question that carries it. Section ids
are `tag:<tag>`, the addresses Material's tag chips have always linked to, so old links still land.
"""

from __future__ import annotations

import re
from collections import defaultdict
from html import escape

from markdown import Extension
from markdown.preprocessors import Preprocessor

from handbook.pages import tag_vocabulary
from handbook.questions import collect

MARKER = re.compile(r'^<div id="topics"[^>]*>.*</div>\s*$')


def questions_by_tag(questions: list[dict]) -> dict[str, list[dict]]:
    by_tag = defaultdict(list)
    for question in questions:
        for tag in question["tags"]:
            by_tag[tag].append(question)
    return by_tag


def topics(questions: list[dict], vocabulary: dict[str, str], up: str) -> str:
    by_tag = questions_by_tag(questions)
    used = sorted(tag for tag in vocabulary if by_tag[tag])
    index = " · ".join(f'<a href="#tag:{t}">{escape(t)}</a>' for t in used)
    sections = []
    for tag in used:
        items = "".join(
            f'<li><a href="{up}{q["url"]}">{escape(q["question"])}</a> '
            f'<span class="hb-topic-chapter">{escape(q["chapter"])}</span></li>'
            for q in by_tag[tag]
        )
        sections.append(
            f'<h2 id="tag:{tag}">{escape(tag)}</h2>'
            f'<p class="hb-topic-about">{escape(vocabulary[tag])} · '
            f"{len(by_tag[tag])} questions</p><ul>{items}</ul>"
        )
    return f'<p class="hb-topic-index">{index}</p>' + "".join(sections)


class TopicsList(Preprocessor):
    def __init__(self, md, up: str):
        super().__init__(md)
        self.up = up

    def run(self, lines: list[str]) -> list[str]:
        if not any(MARKER.match(line) for line in lines):
            return lines
        html = self.md.htmlStash.store(topics(collect(), tag_vocabulary(), self.up))
        return [html if MARKER.match(line) else line for line in lines]


class TopicsListExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {"links_from": ["tags/", "where the page is served, from the site root"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        up = "../" * self.getConfig("links_from").count("/")
        md.preprocessors.register(TopicsList(md, up), "handbook_topics_list", 25)


def makeExtension(**kwargs):
    return TopicsListExtension(**kwargs)
