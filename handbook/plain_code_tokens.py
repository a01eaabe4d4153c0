"""Markdown extension: code tokens drawn in the code's own colour are plain text, not spans.

Pygments wraps every token in a span named after its type. Names (`n`) take Material's
`--md-code-hl-name-color`, which is the code's own colour, and whitespace (`w`) has no style,
so their spans change nothing a reader sees. On a long topic page they were a quarter of the
elements: dropping them cut the Attention page from 351 to 291 KB of HTML and 24,197 to 19,804
DOM nodes. (Main-thread time barely moved: off-screen code is already skipped by
`content-visibility` in handbook.css.)
"""

from __future__ import annotations

import re

from markdown import Extension
from markdown.postprocessors import Postprocessor

# A name or whitespace token: its text is escaped HTML, so it holds no tag.
UNSTYLED_TOKEN = re.compile(r'<span class="[nw]">([^<]*)</span>')


class UnwrapUnstyledTokens(Postprocessor):
    def run(self, text: str) -> str:
        return UNSTYLED_TOKEN.sub(r"\1", text)


class PlainCodeTokensExtension(Extension):
    def extendMarkdown(self, md):
        # After the raw-HTML postprocessor (30) puts the highlighted code blocks back in the page.
        md.postprocessors.register(UnwrapUnstyledTokens(md), "handbook_plain_code_tokens", 25)


def makeExtension(**kwargs):
    return PlainCodeTokensExtension(**kwargs)
