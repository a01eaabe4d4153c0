"""The search query sets point at real answers, and the unseen set stays unseen."""

from pathlib import Path

from tests.browser.search import QUERIES, UNSEEN, load_queries

ANCHOR_LINES = Path(__file__).with_name("anchors.txt").read_text().splitlines()
ANCHORS = {line.split("#", 1)[1] for line in ANCHOR_LINES if line and not line.startswith("#")}


def test_every_expected_answer_is_a_question_anchor():
    unknown = [
        f"{path.name}: {query!r} -> {answer}"
        for path in (QUERIES, UNSEEN)
        for query, answers in load_queries(path)
        for answer in answers
        if answer not in ANCHORS
    ]
    assert not unknown, "\n".join(unknown)


def test_no_unseen_query_is_among_the_tuned_ones():
    tuned = {query.lower() for query, _ in load_queries(QUERIES)}
    assert not [query for query, _ in load_queries(UNSEEN) if query.lower() in tuned]
