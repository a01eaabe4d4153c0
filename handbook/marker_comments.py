"""Markdown extension: the comments that steer the example tests never reach the page.

`<!--pytest-codeblocks:expected-output-->` and `<!-- pytest.mark.skip(...) -->` sit on their own
line before a fence, for the tests that read the page source. Indented inside a tab, an
admonition or a collapsed solution, Python-Markdown wrapped such a comment and the block after
it in one paragraph (`<p><!--…--><div>…</div></p>`), which is invalid HTML: browsers add an
empty paragraph. Removed before anything else reads the page, they leave the blank line above.
"""

from __future__ import annotations

import re

from markdown import Extension
from markdown.preprocessors import Preprocessor

MARKER = re.compile(r"^\s*<!--\s*(pytest-codeblocks:[a-z-]+|pytest\.mark\.\w+(\(.*\))?)\s*-->\s*$")


class DropTestMarkers(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        return [line for line in lines if not MARKER.match(line)]


class MarkerCommentsExtension(Extension):
    def extendMarkdown(self, md):
        # Before pymdownx.snippets (32) and the fence processors: they see no marker at all.
        md.preprocessors.register(DropTestMarkers(md), "handbook_marker_comments", 40)


def makeExtension(**kwargs):
    return MarkerCommentsExtension(**kwargs)
