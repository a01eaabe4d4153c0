"""`make bench`: how long the site and the examples take, and how big the handbook is.

Targets on a 2-core machine: site build under 10 s; a clean-clone `make test` under 45 minutes at
1,000 questions (projected from the measured per-question example time: the content is
doubling); after editing one page, `make page` re-checks it in under 60 s (measured on the slowest
page, every block re-run); no single example over 60 s. The figures are printed, and the targets
are reported, not asserted: performance is measured here, not in timed tests.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from handbook.pages import ROOT, docs_pages
from tests import bench_pages

BIN = Path(sys.executable).parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true", "PYTHONPATH": str(ROOT)}
ENV["PATH"] = f"{BIN}:{ENV.get('PATH', '/usr/bin:/bin')}"


def timed(args: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    result = subprocess.run(args, cwd=ROOT, env=ENV, capture_output=True, text=True)
    return time.perf_counter() - start, result


def target(ok: bool) -> str:
    return "meets target" if ok else "MISSES target"


QUESTIONS_TARGET = 1000


def junit_times(report: Path) -> list[tuple[float, str, bool]]:
    """(seconds, test id, failed) of every test case that ran."""
    cases = [c for c in ET.parse(report).getroot().iter("testcase") if c.find("skipped") is None]
    return sorted(
        (
            (
                float(c.get("time", 0)),
                f"{c.get('classname')} {c.get('name')}",
                c.find("failure") is not None or c.find("error") is not None,
            )
            for c in cases
        ),
        reverse=True,
    )


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        build_s, built = timed([str(BIN / "mkdocs"), "build", "--strict", "--site-dir", str(site)])
        if built.returncode:
            print(built.stdout + built.stderr)
            return 1
        questions = json.loads((site / "questions.json").read_text())
        bench_pages.main(site)

        # The whole pytest run of `make test`, every example run (no cache), on every core.
        report = Path(tmp) / "all.xml"
        ENV["HANDBOOK_CACHE"] = "0"
        suite_s, ran = timed(
            [str(BIN / "pytest"), "-n", "auto", "-q", "-p", "no:cacheprovider", f"--junitxml={report}"]
        )
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        times = junit_times(report)
        examples = [t for t in times if t[1].startswith("docs.")]
        pages: dict[str, float] = {}
        for seconds, name, _ in examples:
            pages[name.split(" ")[0]] = pages.get(name.split(" ")[0], 0.0) + seconds

        slowest_page = max(pages, key=pages.get) if pages else ""
        page_path = slowest_page.replace(".", "/").replace("/md", ".md") if slowest_page else ""
        page_s, _ = timed(["make", "-s", "page", f"PAGE={page_path}", "WORKERS=2"] if page_path else ["true"])

    workers = os.cpu_count() or 1
    example_s = sum(t[0] for t in examples)
    per_question = example_s / max(len(questions), 1)
    projected = suite_s + per_question * max(QUESTIONS_TARGET - len(questions), 0) / workers
    slowest = times[0][0] if times else 0.0
    print(f"site build (--strict, site stack): {build_s:6.1f} s   {target(build_s < 10)} (< 10 s)")
    print(
        f"pytest of make test, {workers} workers:  {suite_s:6.1f} s   (examples: {example_s:.0f} s of work)"
    )
    print(
        f"projected at {QUESTIONS_TARGET} questions:        {projected:6.1f} s   "
        f"{target(projected < 45 * 60 - 300)} (< 45 min with ~5 min of installs)"
    )
    print(f"one-page re-check (make page {page_path}): {page_s:.1f} s   {target(page_s < 60)} (< 60 s)")
    print(f"slowest test:                      {slowest:6.1f} s   {target(slowest < 60)} (< 60 s)")
    print(f"peak memory of one child process:  {peak_mb:6.0f} MB")
    print(f"pages: {len(docs_pages())}, questions: {len(questions)}, executed code blocks: {len(examples)}")
    print(f"suite result: {'passed' if ran.returncode == 0 else 'FAILED'}")
    for _, name, failed in times:
        if failed:
            print(f"  failed: {name}")
    print("ten slowest tests:")
    for seconds, name, _ in times[:10]:
        print(f"  {seconds:6.1f} s  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
