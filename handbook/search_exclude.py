"""Keep what is not an answer out of Material's search index (`data-search-exclude` on elements).

- Code, output and diagram blocks: they are half the index, and their identifiers and numbers match
  queries by accident (prose names the identifiers that matter).
- A topic page's intro (the text before its first question): Material ranks a page's own entry up
  to 2.5 times above its sections, so an intro that mentions a word would put its page first for
  questions that live on other pages.
- All of a chapter index or a Lab: their sections would crowd out the questions.
"""

from __future__ import annotations

import re

CODE_BLOCK = re.compile(r'<div class="language-[\w-]+ highlight"|<figure class="hb-diagram"')
INTRO_BLOCK = re.compile(r"<(p|ul|ol|table|div|blockquote)\b")
SECTION_OR_BLOCK = re.compile(r"<(h[2-6]|p|ul|ol|table|div|blockquote)\b")


def exclude(html: str, has_questions: bool, whole_page: bool) -> str:
    def mark(pattern: re.Pattern, text: str) -> str:
        return pattern.sub(lambda m: m.group(0) + " data-search-exclude", text)

    if has_questions:
        first = html.find("<h2")
        first = len(html) if first < 0 else first
        html = mark(INTRO_BLOCK, html[:first]) + html[first:]
    elif whole_page:
        html = mark(SECTION_OR_BLOCK, html)
    return mark(CODE_BLOCK, html)
