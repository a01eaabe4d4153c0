"""`make bench`: how long the site and the examples take, and how big the handbook is.

Targets on a 2-core machine: site build under 10 s; whole example suite under 10 minutes;
no single example over 60 s. The figures are printed, and the targets are reported, not asserted:
performance is measured here, not in timed tests.
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


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        build_s, built = timed([str(BIN / "mkdocs"), "build", "--strict", "--site-dir", str(site)])
        if built.returncode:
            print(built.stdout + built.stderr)
            return 1
        questions = json.loads((site / "questions.json").read_text())
        bench_pages.main(site)

        report = Path(tmp) / "examples.xml"
        suite_s, ran = timed(
            [str(BIN / "pytest"), "docs", "-q", "-p", "no:cacheprovider", f"--junitxml={report}"]
        )
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        cases = [c for c in ET.parse(report).getroot().iter("testcase") if c.find("skipped") is None]
        failed = [
            f"{c.get('classname')} {c.get('name')}"
            for c in cases
            if c.find("failure") is not None or c.find("error") is not None
        ]
        times = sorted(
            ((float(c.get("time", 0)), f"{c.get('classname')} {c.get('name')}") for c in cases), reverse=True
        )

    executed = len(times)
    print(f"site build (--strict, site stack): {build_s:6.1f} s   {target(build_s < 10)} (< 10 s)")
    print(f"example suite wall time:           {suite_s:6.1f} s   {target(suite_s < 600)} (< 600 s)")
    slowest = times[0][0] if times else 0.0
    print(f"slowest example:                   {slowest:6.1f} s   {target(slowest < 60)} (< 60 s)")
    print(f"peak memory of one child process:  {peak_mb:6.0f} MB")
    print(f"pages: {len(docs_pages())}, questions: {len(questions)}, executed code blocks: {executed}")
    print(f"example suite result: {'passed' if ran.returncode == 0 else 'FAILED'}")
    for name in failed:
        print(f"  failed: {name}")
    print("ten slowest examples:")
    for seconds, name in times[:10]:
        print(f"  {seconds:6.1f} s  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
