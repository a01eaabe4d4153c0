"""Drill mode's data (handbook/drill.py): every question, with an answer, and a link that opens it."""

import re

from handbook import drill
from handbook.pages import DIFFICULTIES
from handbook.questions import collect
from tests.test_bad_input import build, edit, fails, project  # noqa: F401 (project is a fixture)


def test_drill_data_holds_every_question_in_reading_order(site):
    entries = drill.read(site)
    found = collect()
    assert [e["id"] for e in entries] == [q["id"] for q in found]
    for entry, q in zip(entries, found, strict=True):
        assert {k: entry[k] for k in ("question", "url", "chapter", "difficulty", "tags")} == {
            k: q[k] for k in ("question", "url", "chapter", "difficulty", "tags")
        }, q["id"]
        assert entry["difficulty"] in DIFFICULTIES and entry["tags"], q["id"]


def test_every_drill_answer_is_html_and_its_link_opens_the_question(site):
    pages: dict[str, str] = {}
    for entry in drill.read(site):
        answer = re.sub(r"<[^>]+>", "", entry["answer"]).strip()
        assert entry["answer"].startswith("<p>") and answer.strip(" ."), f"{entry['id']}: empty answer"
        # Markdown left as text: a link, bold, or a formula that was not turned into a math span.
        assert "](" not in entry["answer"] and "**" not in entry["answer"], entry["id"]
        assert not re.search(r"\$[^$<]+\$", re.sub(r"<code>.*?</code>", "", entry["answer"])), entry["id"]
        page, anchor = entry["url"].split("#")
        if page not in pages:
            pages[page] = (site / page / "index.html").read_text(encoding="utf-8")
        assert re.search(rf'<h2[^>]*\bid="{re.escape(anchor)}"', pages[page]), entry["url"]
    coding = [e for e in drill.read(site) if e["url"].startswith("coding/")]
    assert coding and all(e["task"].startswith("<p>") for e in coding), "a coding exercise shows its task"


def test_drill_data_in_the_site_is_current(site, tmp_path):
    """The build wrote what the page sources give now (the hook ran handbook/after_build.py)."""
    written = {path.relative_to(tmp_path): path.read_text(encoding="utf-8") for path in drill.write(tmp_path)}
    in_site = [site / drill.FILE, *(site / drill.ANSWERS).rglob("*.js")]
    assert {path.relative_to(site): path.read_text(encoding="utf-8") for path in in_site} == written
    assert drill.read(tmp_path)[0]["answer"]


def test_each_page_answers_file_holds_only_its_page_questions(site):
    """The Drill page loads one page's answers for the question it shows, not every answer."""
    by_file: dict[str, set[str]] = {}
    for entry in drill.read(site):
        by_file.setdefault(entry["answers"], set()).add(entry["url"].split("#")[0])
    assert all(len(pages) == 1 for pages in by_file.values()), by_file
    index = drill.payload(site / drill.FILE, drill.INDEX_START, ";\n")
    assert not [e["id"] for e in index if "answer" in e], "the index carries answers"


def test_formulas_become_math_spans_for_katex():
    html = drill.to_html(r"The loss is $-\log p$, see [the paper](../x.md#y).")
    assert html == r'<p>The loss is <span class="arithmatex">\(-\log p\)</span>, see the paper.</p>'


def test_a_question_without_a_short_answer_fails_the_build_naming_its_line(project):  # noqa: F811
    result = build(project)
    assert result.returncode == 0, result.stdout
    assert [e["id"] for e in drill.read(project / "site")] == ["the-question"]
    edit(project, "docs/ch/topic.md", "**Short answer.** ", "")
    fails(build(project), "docs/ch/topic.md:5: question #the-question has no **Short answer.** paragraph")


def test_a_coding_exercise_without_its_complexity_fails_the_build(project):  # noqa: F811
    edit(project, "docs/ch/topic.md", "**Short answer.** ", "**Task.** ")
    fails(build(project), "docs/ch/topic.md:5: question #the-question has **Task.** but no **Complexity.**")
