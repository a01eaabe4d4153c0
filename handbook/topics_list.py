"""Markdown extension: the Topics page, every tag of handbook/tags.yml with its questions.

A page writes `<div id="topics"></div>` on a line of its own; the line becomes one section per tag
(alphabetical): the tag, what it covers, and a link to each question that carries it, grouped under
its chapter's name. Section ids are `tag:<tag>`, the addresses Material's tag chips have always
linked to, so old links still land. Each list carries its length (`--items`), from which the
stylesheet estimates its height until it is laid out (handbook.css, `.hb-topic-questions`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from html import escape

from handbook.built_block import BuiltBlockExtension
from handbook.pages import tag_vocabulary
from handbook.questions import collect

MARKER = re.compile(r'^<div id="topics"[^>]*>.*</div>\s*$')


def questions_by_tag(questions: list[dict]) -> dict[str, list[dict]]:
    by_tag = defaultdict(list)
    for question in questions:
        for tag in question["tags"]:
            by_tag[tag].append(question)
    return by_tag


def chapter_groups(questions: list[dict]) -> list[tuple[str, list[dict]]]:
    """A tag's questions by chapter, chapters in the order the questions come (the navigation's)."""
    groups: dict[str, list[dict]] = {}
    for question in questions:
        groups.setdefault(question["chapter"], []).append(question)
    return list(groups.items())


def topics(questions: list[dict], vocabulary: dict[str, str]) -> str:
    by_tag = questions_by_tag(questions)
    used = sorted(tag for tag in vocabulary if by_tag[tag])
    index = " · ".join(f'<a href="#tag:{t}">{escape(t)}</a>' for t in used)
    sections = []
    for tag in used:
        # One chapter label per group rather than per question: the page lists about 2,400
        # questions, and every element less shortens the phone's layout work (issue #14).
        groups = "".join(
            f'<p class="hb-topic-chapter">{escape(chapter)}</p>'
            f'<ul class="hb-topic-questions" style="--items: {len(group)}">'
            + "".join(f'<li><a href="{escape(q["source"])}">{escape(q["question"])}</a></li>' for q in group)
            + "</ul>"
            for chapter, group in chapter_groups(by_tag[tag])
        )
        sections.append(
            f'<h2 id="tag:{tag}">{escape(tag)}</h2>'
            f'<p class="hb-topic-about">{escape(vocabulary[tag])} · {len(by_tag[tag])} questions</p>'
            f"{groups}"
        )
    return f'<p class="hb-topic-index">{index}</p>' + "".join(sections)


class TopicsListExtension(BuiltBlockExtension):
    marker, name = MARKER, "topics_list"

    def build(self) -> str:
        return topics(collect(), tag_vocabulary())


def makeExtension(**kwargs):
    return TopicsListExtension(**kwargs)
