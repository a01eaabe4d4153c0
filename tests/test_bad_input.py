"""Each kind of bad input fails the build or the tests with a message naming the file and line.

Every case runs on a small temporary copy of the project (the real engine and configuration,
a one-question page), never by breaking the real pages.
"""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from handbook.pages import ROOT, mkdocs_config
from tests.conftest import run

PAGE = """\
# Topic

A topic page.

## What does the example print? { #the-question data-difficulty="easy" data-tags="numpy" }

**Short answer.** It prints a number. See [the home page](../index.md#intro).

```python
--8<-- "snippets/ch/the-question.py"
```

<!--pytest-codeblocks:expected-output-->
```text title="Output"
answer: 42
```
"""
SNIPPET = """\
# --8<-- [start:core]
print(f"answer: {6 * 7}")
# --8<-- [end:core]
"""


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the engine with one chapter, one page and one question; it passes as it is."""
    for name in ("handbook", "overrides", "pyproject.toml"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, tmp_path / name)
    (tmp_path / "tests").mkdir()
    for name in (
        "__init__.py",
        "codeblocks.py",
        "notebook_run.py",
        "anchors.py",
        "conftest.py",
        "test_pages.py",
        "test_math.py",
        "test_fence_code.py",
        "test_site.py",
        "example_cache.py",
    ):
        shutil.copy(ROOT / "tests" / name, tmp_path / "tests" / name)
    shutil.copytree(ROOT / "docs" / "stylesheets", tmp_path / "docs" / "stylesheets")
    shutil.copytree(ROOT / "docs" / "javascripts", tmp_path / "docs" / "javascripts")
    shutil.copytree(ROOT / "docs" / "assets", tmp_path / "docs" / "assets")
    shutil.copytree(ROOT / "tests" / "math", tmp_path / "tests" / "math")

    config = mkdocs_config()
    config["nav"] = [{"Home": "index.md"}, {"Chapter": ["ch/index.md", {"Topic": "ch/topic.md"}]}]
    config["site_url"] = "http://127.0.0.1:8000/"
    # mkdocs_config() reads `!!python/name:x` as the string "name:x"; write the tag back.
    text = yaml.safe_dump(config, sort_keys=False).replace("format: name:", "format: !!python/name:")
    (tmp_path / "mkdocs.yml").write_text(text)

    write(tmp_path, "docs/index.md", "# Home\n\n## Intro { #intro }\n\n[The chapter](ch/index.md).\n")
    write(tmp_path, "docs/ch/index.md", "# Chapter\n\n- [Topic](topic.md)\n")
    write(tmp_path, "docs/ch/topic.md", PAGE)
    write(tmp_path, "snippets/ch/the-question.py", SNIPPET)
    shutil.copy(ROOT / "snippets" / "ruff.toml", tmp_path / "snippets" / "ruff.toml")
    write(tmp_path, "tests/anchors.txt", "index.md#intro\nch/topic.md#the-question\n")
    return tmp_path


def write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text()
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1))


def build(root: Path):
    return run(["mkdocs", "build", "--strict", "--site-dir", str(root / "site")], cwd=root)


def examples(root: Path, *extra: str):
    return run(["pytest", "docs", "-p", "no:cacheprovider", *extra], cwd=root)


def structure(root: Path):
    return run(["pytest", "tests/test_pages.py", "-p", "no:cacheprovider"], cwd=root)


def fails(result, *expected: str) -> None:
    assert result.returncode != 0, f"expected a failure, got success:\n{result.stdout}"
    for text in expected:
        assert text in result.stdout, f"{text!r} not in the output:\n{result.stdout}"


def test_the_unbroken_copy_passes(project):
    assert build(project).returncode == 0, build(project).stdout
    result = examples(project)
    assert result.returncode == 0 and "1 passed" in result.stdout, result.stdout
    result = structure(project)
    assert result.returncode == 0, result.stdout


def test_missing_snippet_file(project):
    (project / "snippets/ch/the-question.py").unlink()
    fails(build(project), "ch/topic.md", "snippets/ch/the-question.py", "could not be found")
    fails(examples(project), "docs/ch/topic.md:10:", "could not be found")


def test_missing_snippet_section(project):
    edit(project, "docs/ch/topic.md", 'the-question.py"', 'the-question.py:nosuch"')
    fails(build(project), "ch/topic.md", "Snippet section 'nosuch' could not be located")
    fails(examples(project), "docs/ch/topic.md:10:", "nosuch")


def test_stale_output(project):
    edit(project, "snippets/ch/the-question.py", "6 * 7", "6 * 8")
    fails(examples(project), "docs/ch/topic.md:9: stale output", "-answer: 42", "+answer: 48")


def test_outputs_refresh_from_a_real_run(project):
    edit(project, "snippets/ch/the-question.py", "6 * 7", "6 * 8")
    assert examples(project, "--update-outputs").returncode == 0
    assert "answer: 48" in (project / "docs/ch/topic.md").read_text()
    assert examples(project).returncode == 0


def test_printed_output_missing_from_page(project):
    edit(project, "docs/ch/topic.md", "<!--pytest-codeblocks:expected-output-->\n", "")
    edit(project, "docs/ch/topic.md", '```text title="Output"\nanswer: 42\n```\n', "")
    fails(examples(project), "docs/ch/topic.md:9:", "prints output that the page does not show")


def test_duplicate_anchor(project):
    edit(project, "docs/ch/index.md", "# Chapter\n", "# Chapter\n\n## Again { #the-question }\n")
    fails(build(project), "docs/ch/topic.md:5: anchor #the-question is already used at docs/ch/index.md:3")
    fails(structure(project), "anchor #the-question is already used")


def test_heading_without_anchor_or_metadata(project):
    edit(project, "docs/ch/topic.md", ' { #the-question data-difficulty="easy" data-tags="numpy" }', "")
    fails(build(project), "docs/ch/topic.md:5: h2 'What does the example print?' has no explicit anchor")
    edit(project, "docs/ch/topic.md", "print?\n", 'print? { #the-question data-difficulty="trivial" }\n')
    fails(build(project), "docs/ch/topic.md:5: data-difficulty must be one of", "has no data-tags")


def test_anchor_that_is_not_lowercase_words(project):
    edit(project, "docs/ch/topic.md", "#the-question ", "#3-Questions ")
    fails(build(project), "docs/ch/topic.md:5: anchor #3-Questions must be lowercase words joined by hyphens")


def test_diagram_that_is_not_drawn(project):
    edit(
        project,
        "docs/ch/topic.md",
        "**Short answer.**",
        "```mermaid\nflowchart TB\n  A[Nowhere drawn] --> B\n```\n\n**Short answer.**",
    )
    fails(build(project), "docs/ch/topic.md:7: this diagram is not drawn: run make diagrams")


def test_tag_outside_the_vocabulary(project):
    edit(project, "docs/ch/topic.md", 'data-tags="numpy"', 'data-tags="numpy, made-up-tag"')
    fails(build(project), "docs/ch/topic.md:5: tag(s) made-up-tag not in handbook/tags.yml")
    fails(structure(project), "docs/ch/topic.md:5: tag(s) made-up-tag")


def test_short_answer_lead_in_on_its_own(project):
    edit(project, "docs/ch/topic.md", "**Short answer.** It prints", "**Short answer.**\n\nIt prints")
    fails(build(project), "docs/ch/topic.md:5: question #the-question has an empty **Short answer.**")


def test_formula_that_does_not_render(project):
    edit(project, "docs/ch/topic.md", "It prints a number.", r"It prints $\frac{1}{$.")
    fails(
        run(["pytest", "tests/test_math.py", "-p", "no:cacheprovider"], cwd=project),
        "docs/ch/topic.md:7:",
        "KaTeX",
    )


def test_skipped_code_that_does_not_compile_or_lint(project):
    skipped = (
        '<!-- pytest.mark.skip(reason="needs a GPU") -->\n```python\nimport os\n\ndef f(:\n    pass\n```\n\n'
    )
    edit(project, "docs/ch/topic.md", "**Short answer.**", skipped + "**Short answer.**")
    fences = run(["pytest", "tests/test_fence_code.py", "-p", "no:cacheprovider"], cwd=project)
    fails(fences, "docs/ch/topic.md:11: invalid syntax")
    edit(project, "docs/ch/topic.md", "def f(:\n    pass", "print(undefined_name)")
    fences = run(["pytest", "tests/test_fence_code.py", "-p", "no:cacheprovider"], cwd=project)
    fails(fences, "docs/ch/topic.md:9: F401", "docs/ch/topic.md:11: F821 Undefined name `undefined_name`")


def test_example_that_leaves_a_file_in_the_repository(project):
    write(
        project,
        "snippets/ch/the-question.py",
        'open("left-behind.txt", "w").write("x")\nprint("answer: 42")\n',
    )
    for git in (
        ["init", "-q"],
        ["add", "-A"],
        ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "t"],
    ):
        subprocess.run(["git", *git], cwd=project, check=True)
    fails(examples(project), "left files behind", "?? left-behind.txt")


def test_broken_link_in_a_lab(project):
    write(
        project,
        "docs/labs/lab.ipynb",
        lab("42\n").replace('"# Lab"', '"# Lab\\n\\n[gone](../../nowhere/#x)"'),
    )
    edit(project, "mkdocs.yml", "- Chapter:", "- Lab: labs/lab.ipynb\n- Chapter:")
    result = run(["pytest", "tests/test_site.py", "-p", "no:cacheprovider", "-k", "every_link"], cwd=project)
    fails(result, ": ../../nowhere/#x (no such file)")


def test_removed_anchor(project):
    edit(project, "docs/ch/topic.md", "#the-question ", "#renamed-question ")
    fails(structure(project), "docs/ch/topic.md#the-question", "no longer exist")


def test_moved_page_with_redirect_keeps_its_anchors(project):
    (project / "docs/ch/topic.md").rename(project / "docs/ch/moved.md")
    edit(project, "docs/ch/index.md", "(topic.md)", "(moved.md)")
    edit(project, "mkdocs.yml", "Topic: ch/topic.md", "Topic: ch/moved.md")
    edit(project, "mkdocs.yml", "redirect_maps: {}", "redirect_maps:\n        ch/topic.md: ch/moved.md")
    edit(project, "tests/anchors.txt", "", "ch/moved.md#the-question\n")
    assert structure(project).returncode == 0, structure(project).stdout
    assert build(project).returncode == 0


def test_new_anchor_must_be_recorded(project):
    edit(project, "tests/anchors.txt", "ch/topic.md#the-question\n", "")
    fails(structure(project), "run `make anchors`", "docs/ch/topic.md:5 #the-question")


def test_broken_link(project):
    edit(project, "docs/ch/topic.md", "(../index.md#intro)", "(../nowhere.md)")
    fails(build(project), "ch/topic.md", "nowhere.md")


def test_broken_anchor(project):
    edit(project, "docs/ch/topic.md", "(../index.md#intro)", "(../index.md#no-such-anchor)")
    fails(build(project), "ch/topic.md", "no-such-anchor")


@pytest.mark.parametrize("info", ["py", "python3", 'python title="x.py"', "pycon"])
def test_fence_that_would_silently_not_run(project, info):
    edit(project, "docs/ch/topic.md", "```python\n--8<--", f"```{info}\n--8<--")
    fails(examples(project), "docs/ch/topic.md:9:", "would silently not run")
    fails(structure(project), "docs/ch/topic.md:9:", "would silently not run")


def test_output_block_that_nothing_checks(project):
    edit(
        project,
        "docs/ch/topic.md",
        "```python\n--8<--",
        '<!-- pytest.mark.skip(reason="needs a GPU") -->\n```python\n--8<--',
    )
    fails(structure(project), "docs/ch/topic.md:15: an output block that no executed example precedes")


def test_skip_needs_a_reason(project):
    edit(project, "docs/ch/topic.md", "```python\n--8<--", "<!-- pytest.mark.skip -->\n```python\n--8<--")
    fails(examples(project), "docs/ch/topic.md:10:", "needs a reason")


def test_skip_with_reason_is_counted(project):
    write(
        project,
        "docs/ch/topic.md",
        PAGE.replace(
            "**Short answer.**",
            '<!-- pytest.mark.skip(reason="downloads a model") -->\n'
            "```python\nimport nothing\n```\n\n**Short answer.**",
        ),
    )
    result = examples(project)
    assert result.returncode == 0, result.stdout
    assert "code blocks executed: 1, skipped: 1" in result.stdout
    assert "skipped 1 x: downloads a model" in result.stdout


def test_main_guard_would_silently_not_run(project):
    write(project, "snippets/ch/the-question.py", 'if __name__ == "__main__":\n    print("answer: 42")\n')
    fails(examples(project), "docs/ch/topic.md:9:", "never runs here")


def test_example_that_raises(project):
    write(project, "snippets/ch/the-question.py", "raise ValueError('bad data')\n")
    fails(examples(project), "docs/ch/topic.md:9: the example raised an error", "bad data")


def test_example_that_hangs(project):
    write(project, "snippets/ch/the-question.py", "import time\n\ntime.sleep(600)\n")
    fails(examples(project, "-o", "timeout=3"), "docs/ch/topic.md:9:", "Timeout")


def test_example_that_opens_a_network_connection(project):
    # Only loopback is ever contacted: the copy allows 127.0.0.2 alone, and the example dials 127.0.0.1.
    edit(
        project,
        "tests/codeblocks.py",
        'LOOPBACK = ["127.0.0.1", "::1", "localhost"]',
        'LOOPBACK = ["127.0.0.2"]',
    )
    write(
        project,
        "snippets/ch/the-question.py",
        "import socket\n\nsocket.create_connection(('127.0.0.1', 9), timeout=1)\n",
    )
    fails(examples(project), "docs/ch/topic.md:9: the example opened a network connection", "127.0.0.1")


def test_example_that_downloads_from_the_hub(project):
    write(
        project,
        "snippets/ch/the-question.py",
        "from huggingface_hub import snapshot_download\n\nsnapshot_download('bert-base-uncased')\n",
    )
    result = examples(project)
    fails(result, "docs/ch/topic.md:9: the example raised an error")
    assert "offline" in result.stdout.lower(), result.stdout


def test_blank_output_line_inside_a_content_tab_survives_a_refresh(project):
    tabbed = '=== "Tab"\n\n    ```python\n    --8<-- "snippets/ch/the-question.py"\n    ```\n'
    write(project, "docs/ch/topic.md", PAGE.split("```python")[0] + tabbed)
    write(project, "snippets/ch/the-question.py", 'print("a")\nprint()\nprint("b")\n')
    assert examples(project, "--update-outputs").returncode == 0
    result = examples(project)
    assert result.returncode == 0, result.stdout


def lab(stored_output: str, code: str = "print(6 * 7)"):
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    cell = new_code_cell(code)
    cell.outputs = [new_output("stream", name="stdout", text=stored_output)]
    return nbformat.writes(new_notebook(cells=[new_markdown_cell("# Lab"), cell]))


def test_a_lab_notebook_that_runs_as_stored_passes(project):
    write(project, "docs/labs/lab.ipynb", lab("42\n"))
    result = examples(project)
    assert result.returncode == 0, result.stdout
    assert "notebooks executed: 1" in result.stdout


def test_a_stale_lab_notebook_output_fails_naming_the_cell(project):
    write(project, "docs/labs/lab.ipynb", lab("41\n"))
    fails(examples(project), "docs/labs/lab.ipynb: cell 2: output differs", "-41", "+42", "make outputs")


def test_a_lab_notebook_cell_that_raises_fails(project):
    write(project, "docs/labs/lab.ipynb", lab("", code="raise ValueError('broken lab')"))
    fails(examples(project), "docs/labs/lab.ipynb: a cell raised an error", "broken lab")


def test_an_empty_line_in_an_indented_output_block_fails(project):
    tabbed = "\n".join(("    " + line if line else "") for line in PAGE.split("```python", 1)[1].splitlines())
    page = (
        PAGE.split("```python", 1)[0]
        + '=== "Tab"\n\n    ```python'
        + tabbed.replace("answer: 42", "answer: 42\n")
    )
    write(project, "docs/ch/topic.md", page)
    fails(examples(project), "docs/ch/topic.md:", "an empty line inside an indented output block")
