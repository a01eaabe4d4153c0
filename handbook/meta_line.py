"""Markdown extension: the line under each question's heading (difficulty, tags, other wordings).

A question is an h2 with `data-difficulty` (see STYLE.md). The line is page text, not CSS, so the
search index holds each question's own tags and keywords. Any generator that runs Python-Markdown
extensions from mkdocs.yml writes it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from markdown import Extension
from markdown.treeprocessors import Treeprocessor


class MetaLine(Treeprocessor):
    def run(self, root: ET.Element) -> None:
        for parent in root.iter():
            for index, child in reversed(list(enumerate(parent))):
                if child.tag == "h2" and child.get("data-difficulty"):
                    parent.insert(index + 1, meta_line(child.attrib))


def meta_line(attrs: dict) -> ET.Element:
    level = attrs["data-difficulty"]
    line = ET.Element("p", {"class": "hb-meta"})
    badge = ET.SubElement(line, "span", {"class": "hb-level", "data-level": level})
    badge.text = level
    parts = [attrs.get("data-tags", "")]
    if attrs.get("data-keywords"):
        parts.append(f"also asked as: {attrs['data-keywords']}")
    badge.tail = " · " + " · ".join(parts)
    line.tail = "\n"
    return line


class MetaLineExtension(Extension):
    def extendMarkdown(self, md):
        # After attr_list (priority 8), which moves `{ #id data-... }` onto the heading.
        md.treeprocessors.register(MetaLine(md), "handbook_meta_line", 7)


def makeExtension(**kwargs):
    return MetaLineExtension(**kwargs)
