"""Structure of the pages: anchors, question metadata, fences and snippets."""

import re
from pathlib import Path

import pytest

from handbook.pages import ROOT, PageError, docs_pages, expand, heading_problems, includes, scan
from tests import anchors
from tests.codeblocks import check_fences

PAGES = docs_pages()


def test_there_are_pages_and_questions():
    assert len(PAGES) >= 3
    assert anchors.current(), "no h2 anchors found in docs/"


def test_headings_anchors_and_question_metadata():
    seen: dict[str, str] = {}
    problems = []
    for page in PAGES:
        src = page.relative_to(ROOT / "docs").as_posix()
        found, _ = heading_problems(src, page.read_text(encoding="utf-8").splitlines(), seen)
        problems += found
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_fences_run_or_say_why_not(page: Path):
    lines, origin = expand(page)
    check_fences(page, lines, origin)


def test_published_anchors_still_reachable():
    lost = anchors.unreachable(anchors.published(), anchors.current(), anchors.redirects())
    assert not lost, (
        "published anchors no longer exist (restore them, or redirect their page in mkdocs.yml):\n"
        + "\n".join(f"  docs/{entry}" for entry in lost)
    )


def test_an_anchor_counts_as_reachable_only_if_it_is_on_its_page_or_moved_from_a_live_page():
    now = {"a/new.md#moved": 1, "a/old.md#kept": 1}
    assert anchors.unreachable(["a/old.md#kept", "a/old.md#moved"], now, {}) == []
    assert anchors.unreachable(["a/old.md#removed"], now, {}) == ["a/old.md#removed"]
    # The forwarding script runs on the old page, so the old page must still exist.
    assert anchors.unreachable(["a/deleted.md#moved"], now, {}) == ["a/deleted.md#moved"]
    assert anchors.unreachable(["a/deleted.md#moved"], now, {"a/deleted.md": "a/new.md"}) == []
    assert anchors.moved_answers(["a/old.md#kept", "a/old.md#moved"], now) == {"a/old.md#moved": "a/new.md"}


def test_new_anchors_are_recorded():
    new = sorted(set(anchors.current()) - set(anchors.published()))
    assert not new, "anchors not yet in tests/anchors.txt; run `make anchors`:\n" + "\n".join(
        f"  docs/{entry.split('#')[0]}:{anchors.current()[entry]} #{entry.split('#')[1]}" for entry in new
    )


def test_every_snippet_is_shown_on_a_page():
    used = set()
    for page in PAGES:
        _, fences = scan(page.read_text(encoding="utf-8").splitlines())
        used |= {target.split(":")[0] for fence in fences for target in includes(fence)}
    files = {p.relative_to(ROOT).as_posix() for p in (ROOT / "snippets").rglob("*.py")}
    orphans = sorted(files - used)
    assert not orphans, "snippet files no page includes (include them or delete them):\n" + "\n".join(orphans)


def test_snippets_live_beside_their_chapter():
    chapters = {p.name for p in (ROOT / "docs").iterdir() if p.is_dir()}
    folders = [p for p in (ROOT / "snippets").iterdir() if p.is_dir() and not p.name.startswith(".")]
    stray = [p for p in folders if p.name not in chapters]
    assert not stray, f"snippets/ folders with no docs/ chapter of the same name: {stray}"


def test_expand_names_the_page_line_of_a_missing_snippet(tmp_path):
    page = tmp_path / "page.md"
    page.write_text('# T\n\n```python\n--8<-- "snippets/does-not-exist.py"\n```\n')
    with pytest.raises(PageError, match=r"page.md:4: .*could not be found"):
        expand(page)


# The handbook grew from two source documents the reader never sees; a page must not talk about
# them ("the seed answer", "the seed's code", "Seed condition"). "Seed" also means a random seed
# and an advertiser's seed list of customers, so only phrasings that treat "the seed" as a text
# someone wrote are caught.
SOURCE_DOCUMENT_TALK = re.compile(
    r"\bseed's\b"
    r"|\bseed (?:answers?|questions?|conditions?|documents?|code|snippets?|text)\b"
    r"|\b(?:in|from|according to|as) the seed\b(?!s\b|-| (?:set|values?|users?|audiences?|customers?|lists?))"
    r"|\bthe seed (?:says|said|puts|lists|asks|gives|has|mentions|wants)\b",
    re.IGNORECASE,
)


def source_document_talk(path: Path) -> list[str]:
    return [
        f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{number}: {line.strip()[:100]}"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SOURCE_DOCUMENT_TALK.search(line)
    ]


def test_pages_never_refer_to_the_source_documents():
    paths = [*PAGES, *(ROOT / "docs").rglob("*.ipynb"), *(ROOT / "snippets").rglob("*.py")]
    found = [hit for path in sorted(set(paths)) for hit in source_document_talk(path)]
    assert not found, (
        "a reader never saw the source documents: quote the common answer instead "
        "(see STYLE.md):\n" + "\n".join(found)
    )


def test_source_document_talk_is_caught_but_random_seeds_are_not(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "The seed answer lists three tools.\nfixed the seeds\n`torch.manual_seed(0)`\n"
        "| Seed condition | x |\nunder the same seed\nusers similar to the seed list\n"
        "as the seed puts it\nthe seed says so\nrecall of the seed users held out\n",
        encoding="utf-8",
    )
    found = [hit.split(": ", 1)[0].rsplit(":", 1)[1] for hit in source_document_talk(page)]
    assert found == ["1", "4", "7", "8"]
