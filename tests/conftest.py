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
    env = {**os.environ, **QUIET, "PYTHONPATH": str(cwd)}  # the project's `handbook` package
    # A tool run on another project (the bad-input copies) must build that project's site, not
    # read the one `make test` built for this project.
    env.pop("HANDBOOK_SITE", None)
    tool = [str(BIN / args[0]), *args[1:]]
    return subprocess.run(
        tool, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout
    )


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The site, built once with --strict from the real pages.

    HANDBOOK_SITE=<dir> reuses a site already built from these sources: `make test` passes the
    one it has just built, so the xdist workers do not each build it again.
    """
    if os.environ.get("HANDBOOK_SITE"):
        return Path(os.environ["HANDBOOK_SITE"])
    out = tmp_path_factory.mktemp("site")
    result = run(["mkdocs", "build", "--strict", "--site-dir", str(out)])
    assert result.returncode == 0, result.stdout
    return out
