import os
import subprocess
import sys
from pathlib import Path

import pytest

from handbook.pages import ROOT

BIN = Path(sys.executable).parent
QUIET = {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}


def run(args: list[str], cwd: Path = ROOT, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run a tool from this virtual environment; stdout and stderr come back together as .stdout."""
    env = {**os.environ, **QUIET}
    tool = [str(BIN / args[0]), *args[1:]]
    return subprocess.run(
        tool, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout
    )


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The site, built once with --strict from the real pages.

    HANDBOOK_SITE=<dir> reuses a site you built yourself (for iterating on browser tests only).
    """
    if os.environ.get("HANDBOOK_SITE"):
        return Path(os.environ["HANDBOOK_SITE"])
    out = tmp_path_factory.mktemp("site")
    result = run(["mkdocs", "build", "--strict", "--site-dir", str(out)])
    assert result.returncode == 0, result.stdout
    return out


def _repo_changes() -> set[str]:
    """`git status` lines: files the run created or changed in the repository (ignored ones aside)."""
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT, capture_output=True, text=True
    )
    return set(status.stdout.splitlines()) if status.returncode == 0 else set()


def pytest_sessionstart(session):
    if not hasattr(session.config, "workerinput"):  # the controller, or a run without xdist
        session.config._repo_before = _repo_changes()


def pytest_sessionfinish(session, exitstatus):
    """Examples are hermetic: a run that leaves a file behind in the repository fails."""
    before = getattr(session.config, "_repo_before", None)
    if before is None or session.config.getoption("update_outputs", False):
        return
    left = sorted(_repo_changes() - before)
    if left:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.write_line("\nthe run left files behind in the repository (use a tempfile):", red=True)
        for line in left:
            reporter.write_line(f"  {line}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
