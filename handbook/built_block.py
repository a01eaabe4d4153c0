"""Markdown extension base: replace a marker line with HTML built from the page sources.

The HTML goes into the document tree, not the raw-HTML stash, so MkDocs rewrites its links like
any Markdown link: an `href` written as `rag/pipeline.md#anchor` (relative to docs/) becomes
`../rag/pipeline/#anchor` on the served site and `rag/pipeline.html#anchor` in the offline copy,
and `mkdocs build --strict` checks that the page and the anchor exist.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor


class BuiltBlockExtension(Extension):
    """Subclasses set `marker` (a regex for the line to replace) and `name`, and define `build()`."""

    marker: re.Pattern
    name: str

    def build(self) -> str:
        raise NotImplementedError

    def extendMarkdown(self, md):
        placeholder = f"handbook-{self.name}-placeholder"
        marker_to_placeholder = _MarkerToPlaceholder(md, self.marker, placeholder)
        md.preprocessors.register(marker_to_placeholder, f"{self.name}_marker", 25)
        # After inline processing (20), so the built text is not read as Markdown; before MkDocs'
        # link rewriting (priority 0).
        md.treeprocessors.register(_PlaceholderToTree(md, placeholder, self.build), f"{self.name}_tree", 10)


class _MarkerToPlaceholder(Preprocessor):
    def __init__(self, md, marker: re.Pattern, placeholder: str):
        super().__init__(md)
        self.marker, self.placeholder = marker, placeholder

    def run(self, lines: list[str]) -> list[str]:
        return [f"\n{self.placeholder}\n" if self.marker.match(line) else line for line in lines]


class _PlaceholderToTree(Treeprocessor):
    def __init__(self, md, placeholder: str, build):
        super().__init__(md)
        self.placeholder, self.build = placeholder, build

    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            for index, child in enumerate(parent):
                if child.tag == "p" and (child.text or "").strip() == self.placeholder:
                    built = list(etree.fromstring(f"<div>{self.build()}</div>"))
                    built[-1].tail = child.tail
                    parent[index : index + 1] = built
                    return
