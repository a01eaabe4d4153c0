"""Python written straight into a page (not included from snippets/) is held to the snippets' rules.

That covers code a reader sees but CI does not run (a skipped fence: it needs a GPU or weights no
package ships) as well as short inline examples: it must compile and pass ruff with the snippets'
configuration, and a failure names the page and line.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from handbook.notebooks import unindent
from handbook.pages import ROOT, docs_pages, expand, scan

BIN = Path(sys.executable).parent
RUFF_LINE = re.compile(r"^(?P<file>[^:\s]+\.py):(?P<line>\d+):(?P<col>\d+): (?P<message>.*)$")


def inline_python(page: Path) -> list[tuple[int, str, set[str]]]:
    """Every ```python fence written in the page itself: (page line of its first code line, its
    code, the names that the page's Python fences above it define, included snippets too).

    A reader runs a page's code in order (the page's notebook does), so a fence may use a name an
    earlier fence defined; a name defined nowhere above it is an error.
    """
    lines, origin = expand(page)
    _, fences = scan(lines)
    found, defined = [], set()
    for fence in fences:
        if fence.info.strip() != "python":
            continue
        code = unindent(fence) + "\n"
        body = range(fence.line, fence.end - 1)  # 0-based indexes of the body lines
        written_here = len({origin[i] for i in body}) == len(body)  # an include maps many to one
        if written_here:
            found.append((origin[fence.line - 1] + 1, code, set(defined)))
        defined |= top_level_names(code)
    return found


def top_level_names(code: str) -> set[str]:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        else:
            names |= {
                n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
            }
    return names


def snippet_ignores() -> str:
    """The rules pyproject.toml waives for snippets/ (pages show the same kind of code)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return ",".join(config["tool"]["ruff"]["lint"]["per-file-ignores"]["snippets/**"])


def ruff(workdir: Path, *args: str) -> list[str]:
    config = str(ROOT / "snippets" / "ruff.toml")
    done = subprocess.run(
        [str(BIN / "ruff"), *args, "--config", config, "--no-cache"],
        cwd=workdir,
        capture_output=True,
        text=True,
    )
    return done.stdout.splitlines()


def problems_in(docs: Path, workdir: Path) -> list[str]:
    problems = []
    for page in docs_pages(docs):
        shown = page.relative_to(docs.parent).as_posix()
        for number, (first_line, code, defined_above) in enumerate(inline_python(page)):
            try:
                compile(code, shown, "exec")
            except SyntaxError as error:
                problems.append(f"{shown}:{first_line + (error.lineno or 1) - 1}: {error.msg}")
                continue
            name = f"fence_{number}.py"
            (workdir / name).write_text(code, encoding="utf-8")
            builtins = f"builtins = {sorted(defined_above)!r}".replace("'", '"')
            for line in ruff(
                workdir,
                "check",
                name,
                "--extend-ignore",
                snippet_ignores(),
                "--config",
                builtins,
                "--output-format",
                "concise",
            ):
                if m := RUFF_LINE.match(line):
                    problems.append(f"{shown}:{first_line + int(m.group('line')) - 1}: {m.group('message')}")
            if any(line.startswith("Would reformat") for line in ruff(workdir, "format", "--check", name)):
                problems.append(
                    f"{shown}:{first_line}: not formatted as `ruff format` writes it (88 columns)"
                )
    return problems


def test_code_written_in_pages_compiles_and_passes_ruff(tmp_path):
    problems = problems_in(ROOT / "docs", tmp_path)
    assert not problems, "\n".join(problems)
