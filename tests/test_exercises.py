"""The coding chapter's practice files (`docs/coding/exercises/<page>.py`), one per topic page.

For every page: the committed file is what `handbook/exercises.py` generates from the snippets;
with the reference solutions in place of the stubs, every test in it passes; and as shipped, with
stubs that raise NotImplementedError, every test fails, so no test passes without an
implementation. pytest runs as a reader would run it: in a subprocess, on copies in a temporary
folder, with no plugins and no cache. One run covers all the solution files and one all the stub
files (started together), so numpy, scikit-learn and torch are imported twice, not once per page.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from handbook import exercises
from handbook.pages import questions

PAGES = exercises.topic_pages()
IDS = [page.stem for page in PAGES]


class PytestRun:
    """pytest on {file name: text}, started in a temporary folder; `result()` waits for it.

    The two runs (solutions, stubs) are started together, so they overlap on a multi-core
    machine. `result()` returns {module: {test name: "passed" or the failure}} and the output.
    """

    def __init__(self, files: dict[str, str]):
        self.tmp = tempfile.TemporaryDirectory()
        for name, text in files.items():
            (Path(self.tmp.name) / name).write_text(text, encoding="utf-8")
        env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "OMP_NUM_THREADS": "1"}
        command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--tb=line"]
        self.process = subprocess.Popen(
            [*command, "--junitxml=out.xml", *sorted(files)],
            cwd=self.tmp.name,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._result = None

    def result(self) -> tuple[dict[str, dict[str, str]], str]:
        if self._result is None:
            try:
                log, _ = self.process.communicate(timeout=240)
                report = ET.parse(Path(self.tmp.name) / "out.xml")
            finally:
                self.tmp.cleanup()
            outcomes: dict[str, dict[str, str]] = {}
            for case in report.iter("testcase"):
                problem = next((c for c in case if c.tag in ("failure", "error", "skipped")), None)
                outcome = "passed" if problem is None else f"{problem.tag}: {problem.get('message', '')}"
                outcomes.setdefault(case.get("classname", ""), {})[case.get("name", "")] = outcome
            self._result = (outcomes, log)
        return self._result

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()
        self.tmp.cleanup()


@pytest.fixture(scope="module")
def runs():
    started = {
        "solutions": PytestRun({f"{p.stem}.py": exercises.practice_file(p, part="solution") for p in PAGES}),
        "shipped": PytestRun(
            {f"{p.stem}.py": exercises.output_path(p).read_text(encoding="utf-8") for p in PAGES}
        ),
    }
    yield started
    for run in started.values():
        run.stop()


def expected_tests(page: Path) -> list[str]:
    return [name for ex in exercises.exercises(page) for name in ex.tests()]


def test_the_chapter_has_practice_files():
    assert PAGES, "no topic pages in docs/coding/"
    stale = sorted(set(exercises.OUT.glob("*.py")) - {exercises.output_path(p) for p in PAGES})
    assert not stale, f"practice files with no page (run `python -m handbook.exercises`): {stale}"


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_practice_file_is_current(page: Path):
    path = exercises.output_path(page)
    assert path.is_file(), f"{path.name} is missing: run `python -m handbook.exercises`"
    assert path.read_text(encoding="utf-8") == exercises.practice_file(page), (
        f"{path.relative_to(exercises.ROOT)} is not what the snippets generate: "
        "run `python -m handbook.exercises`"
    )


@pytest.mark.timeout(300)
@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_reference_solutions_pass(page: Path, runs):
    outcomes, log = runs["solutions"].result()
    ran = outcomes.get(page.stem, {})
    expected = expected_tests(page)
    assert sorted(ran) == sorted(expected), f"pytest did not run the page's tests:\n{log}"
    failed = {name: outcome for name, outcome in ran.items() if outcome != "passed"}
    assert not failed, f"tests failing with the reference solutions: {failed}\n{log}"


@pytest.mark.timeout(300)
@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_stubs_fail_every_test(page: Path, runs):
    outcomes, log = runs["shipped"].result()
    ran = outcomes.get(page.stem, {})
    expected = expected_tests(page)
    assert sorted(ran) == sorted(expected), f"pytest did not run the page's tests:\n{log}"
    passing = sorted(name for name, outcome in ran.items() if "NotImplementedError" not in outcome)
    assert not passing, f"tests that do not fail on the stubs with NotImplementedError: {passing}"


def test_chapter_index_counts_the_exercises():
    index = exercises.DOCS / "index.md"
    said = re.search(r"This\s+chapter\s+has\s+(\d+)\s+such\s+exercises", index.read_text(encoding="utf-8"))
    assert said, f"{index.relative_to(exercises.ROOT)} no longer says how many exercises the chapter has"
    total = sum(len(questions(page.read_text(encoding="utf-8").splitlines())) for page in PAGES)
    assert int(said.group(1)) == total, (
        f"{index.relative_to(exercises.ROOT)} says {said.group(1)} exercises; the coding pages hold {total}"
    )
