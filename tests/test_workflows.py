"""GitHub Actions workflows are linted with actionlint."""

from handbook.pages import ROOT
from tests.conftest import run


def test_workflows_pass_actionlint():
    workflows = sorted(str(p) for p in (ROOT / ".github" / "workflows").glob("*.yml"))
    assert workflows, "no workflow files"
    result = run(["actionlint", "-no-color", *workflows])
    assert result.returncode == 0, result.stdout


def test_actionlint_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  t:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ matrix.nope }}\n"
    )
    result = run(["actionlint", "-no-color", str(broken)])
    assert result.returncode != 0 and "matrix" in result.stdout, result.stdout
