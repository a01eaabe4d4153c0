import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# actionlint is a single Go binary; here it is installed in the virtualenv.
actionlint = shutil.which("actionlint") or str(
    Path(sys.executable).parent / "actionlint"
)
workflow = Path("data/ml-systems/ml-pipeline.yml").read_text()


def lint(text: str) -> list[str]:
    """Write the workflow where GitHub expects it and return actionlint's findings."""
    with tempfile.TemporaryDirectory() as repo:
        path = Path(repo, ".github", "workflows", "ml-pipeline.yml")
        path.parent.mkdir(parents=True)
        path.write_text(text)
        # -shellcheck= and -pyflakes= switch off the optional external linters, so the
        # findings do not depend on what else is installed on the machine.
        result = subprocess.run(
            [
                actionlint,
                "-no-color",
                "-oneline",
                "-shellcheck=",
                "-pyflakes=",
                str(path),
            ],
            capture_output=True,
            text=True,
            cwd=repo,
        )
    # Exit 0: no findings; 1: findings; 2 and 3: actionlint itself failed.
    if result.returncode not in (0, 1):
        raise RuntimeError(f"actionlint failed: {result.stderr}")
    # Keep "line:col: message [rule]", drop the temporary path.
    lines = result.stdout.splitlines()
    return [re.sub(r"^.*?ml-pipeline\.yml:", "", line) for line in lines]


findings = lint(workflow)
print(
    f"workflow as shown: {len(findings)} findings -> "
    f"{'PASS' if not findings else 'FAIL'}"
)

# Two mistakes that break real pipelines: the train job no longer declares its outputs,
# and the deploy job reads another job's step output directly.
broken = workflow.replace(
    "    outputs:\n      model_version: ${{ steps.train.outputs.model_version }}\n", ""
).replace(
    "name: model-${{ needs.train.outputs.model_version }}",
    "name: model-${{ steps.train.outputs.model_version }}",
)
assert broken != workflow, "the mutations must change the workflow"
findings = lint(broken)
print(
    f"broken workflow: {len(findings)} findings -> {'PASS' if not findings else 'FAIL'}"
)
for line in findings:
    print(" ", line[:110])
