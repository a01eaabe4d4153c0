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

from handbook.pages import ROOT, PageError
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


def sides(root: Path = ROOT, found: list[dict] | None = None) -> dict[str, tuple[str, str]]:
    """anchor -> (Markdown shown under the question, Markdown of the answer) for every question:
    a coding exercise's task and complexity, any other question's short answer (and no task).
    A question with neither fails, naming its page and line. Shared with handbook/drill.py."""
    answers, tasks = paragraphs(SHORT_ANSWER, root), paragraphs(TASK, root)
    complexity = paragraphs(COMPLEXITY, root)
    result = {}
    for q in collect(root) if found is None else found:
        anchor = q["id"]
        if anchor in tasks:  # a coding exercise
            if anchor not in complexity:
                raise _missing(anchor, f"{TASK} but no {COMPLEXITY} paragraph", root)
            result[anchor] = (tasks[anchor], complexity[anchor])
        elif anchor in answers:
            result[anchor] = ("", answers[anchor])
        else:
            raise _missing(anchor, f"no {SHORT_ANSWER} paragraph (a coding exercise: {TASK})", root)
        if not result[anchor][1]:
            # A lead-in alone on its line (a table or list below it) would give an empty card.
            lead = COMPLEXITY if anchor in tasks else SHORT_ANSWER
            raise _missing(anchor, f"an empty {lead} paragraph: start its text on the same line", root)
    return result


def _missing(anchor: str, what: str, root: Path) -> PageError:
    for page in sorted((root / "docs").rglob("*.md")):
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            if (match := HEADING.match(line)) and match.group(1) == anchor:
                return PageError(page, number, f"question #{anchor} has {what}")
    return PageError(root / "docs", 0, f"question #{anchor} has {what}")


def card_html(short_answer: str) -> str:
    """Markdown to HTML for Anki: links as plain text (they are relative to the page), and
    formulas in the \\( \\) and \\[ \\] delimiters Anki's MathJax reads."""
    text = LINK.sub(r"\1", short_answer)
    text = DISPLAY_MATH.sub(lambda m: r"\\[" + m.group(1) + r"\\]", text)
    text = INLINE_MATH.sub(lambda m: r"\\(" + m.group(1) + r"\\)", text)
    return markdown.markdown(text)


def deck(site_url: str, root: Path = ROOT) -> genanki.Deck:
    found = collect(root)
    parts = sides(root, found)
    result = genanki.Deck(DECK_ID, "ML interview handbook")
    for q in found:
        task, answer = parts[q["id"]]
        front = q["question"] + (card_html(task) if task else "")  # a coding exercise: its task
        back = card_html(answer)
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
