"""Flashcards: an Anki deck of every question, built from the page sources with genanki.

Front: the question, its chapter and difficulty. Back: the short answer and a link to the full
answer. A coding exercise shows its task on the front and its complexity on the back. Notes
keep their anchor as identity, so importing a newer deck updates the cards (and keeps the
reader's review history) instead of adding copies.

    python -m handbook.flashcards SITE_DIR SITE_URL   # writes SITE_DIR/flashcards.apkg
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import genanki
import markdown

from handbook.pages import ROOT
from handbook.questions import collect

FILE = "flashcards.apkg"
# Fixed ids: Anki recognises the same deck and note type on every import.
DECK_ID = 1_733_160_000
MODEL_ID = 1_733_160_001
HEADING = re.compile(r"^## .*\{ #([a-z][a-z0-9-]*)\b")
SHORT_ANSWER, TASK, COMPLEXITY = "**Short answer.**", "**Task.**", "**Complexity.**"
LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")
DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.S)
INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\s)([^$\n]+?)(?<!\s)\$")

CARD = genanki.Model(
    MODEL_ID,
    "ML interview handbook question",
    fields=[{"name": "Question"}, {"name": "Where"}, {"name": "Answer"}, {"name": "Link"}],
    templates=[
        {
            "name": "Question → short answer",
            "qfmt": '<div class="q">{{Question}}</div><div class="where">{{Where}}</div>',
            "afmt": '{{FrontSide}}<hr id="answer">{{Answer}}'
            '<p class="link"><a href="{{Link}}">The full answer, with its example</a></p>',
        }
    ],
    css=".card { font-family: sans-serif; font-size: 18px; text-align: left; }"
    " .q { font-weight: bold; } .where { color: #666; font-size: 14px; }"
    " .link { font-size: 14px; }",
)


def paragraphs(lead: str, root: Path = ROOT) -> dict[str, str]:
    """anchor -> the Markdown of the paragraph that starts with `lead` (without it), for every
    question that has one."""
    found = {}
    for page in sorted((root / "docs").rglob("*.md")):
        anchor = None
        lines = page.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            if match := HEADING.match(line):
                anchor = match.group(1)
            elif anchor and line.startswith(lead):
                paragraph = []
                for text in lines[number:]:
                    if not text.strip():
                        break
                    paragraph.append(text)
                found[anchor] = " ".join(paragraph).removeprefix(lead).strip()
                anchor = None
    return found


def card_html(short_answer: str) -> str:
    """Markdown to HTML for Anki: links as plain text (they are relative to the page), and
    formulas in the \\( \\) and \\[ \\] delimiters Anki's MathJax reads."""
    text = LINK.sub(r"\1", short_answer)
    text = DISPLAY_MATH.sub(lambda m: r"\\[" + m.group(1) + r"\\]", text)
    text = INLINE_MATH.sub(lambda m: r"\\(" + m.group(1) + r"\\)", text)
    return markdown.markdown(text)


def deck(site_url: str, root: Path = ROOT) -> genanki.Deck:
    answers, tasks = paragraphs(SHORT_ANSWER, root), paragraphs(TASK, root)
    complexity = paragraphs(COMPLEXITY, root)
    result = genanki.Deck(DECK_ID, "ML interview handbook")
    for q in collect(root):
        front = q["question"]
        if q["id"] in tasks:  # a coding exercise
            front += card_html(tasks[q["id"]])
            back = card_html(complexity[q["id"]])
        else:
            back = card_html(answers[q["id"]])
        where = f"{q['chapter']} · {q['difficulty']}"
        fields = [front, where, back, site_url + q["url"]]
        tags = [t.replace(" ", "-") for t in q["tags"]]
        result.add_note(genanki.Note(CARD, fields, tags=tags, guid=genanki.guid_for(q["id"])))
    return result


def write(site_dir: Path, site_url: str, root: Path = ROOT) -> Path:
    target = site_dir / FILE
    # A fixed timestamp for the notes' modification times; only the content tells decks apart.
    genanki.Package(deck(site_url.rstrip("/") + "/", root)).write_to_file(target, timestamp=0)
    return target


if __name__ == "__main__":
    print(write(Path(sys.argv[1]), sys.argv[2]))
