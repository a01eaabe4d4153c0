"""Practice files for the coding chapter: one `docs/coding/exercises/<page>.py` per topic page.

Each exercise's snippet (`snippets/coding/<anchor>.py`) has named sections: `signature` (the
stub a reader fills in), `solution` (the reference implementation, same names), `tests` (plain
pytest functions) and `check` (runs the tests on the page). A page's practice file is every stub
of the page, each followed by its tests, in page order, so that

    pytest <page>.py

fails until the reader has written the functions. The files are generated, never edited:

    .venv/bin/python -m handbook.exercises     # rewrite all of them

tests/test_exercises.py checks that the committed files are current, that they pass with the
reference solutions in place of the stubs, and that every test fails with the stubs as shipped.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from handbook.pages import ROOT, includes, questions

CHAPTER = "coding"
DOCS = ROOT / "docs" / CHAPTER
OUT = DOCS / "exercises"
SECTION = re.compile(r"^# --8<-- \[(?P<edge>start|end):(?P<name>[\w-]+)\]\s*$")
# What a reader installs for each module the tests import (the standard library needs nothing).
PIP_NAMES = {
    "numpy": "numpy",
    "scipy": "scipy",
    "sklearn": "scikit-learn",
    "networkx": "networkx",
    "torch": "torch",
}


@dataclass
class Exercise:
    anchor: str
    question: str
    snippet: Path
    sections: dict[str, str]

    def tests(self) -> list[str]:
        """Names of the test functions in the `tests` section, in order."""
        tree = ast.parse(self.sections["tests"])
        return [n.name for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")]


def sections(path: Path) -> dict[str, str]:
    """The named `# --8<-- [start:x]` ... `[end:x]` sections of a snippet, as text."""
    found: dict[str, list[str]] = {}
    current = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        m = SECTION.match(line)
        if not m:
            if current:
                found[current].append(line)
            continue
        if m.group("edge") == "start":
            if current:
                raise ValueError(f"{path}:{number}: section {m.group('name')} starts inside {current}")
            current = m.group("name")
            found[current] = []
        else:
            if m.group("name") != current:
                raise ValueError(f"{path}:{number}: [end:{m.group('name')}] does not close {current}")
            current = None
    return {name: "\n".join(lines).strip("\n") + "\n" for name, lines in found.items()}


def topic_pages() -> list[Path]:
    return sorted(p for p in DOCS.glob("*.md") if p.name != "index.md")


def exercises(page: Path) -> list[Exercise]:
    """The page's exercises in order: each question whose fences include a `signature` section."""
    found = []
    for heading, fences in questions(page.read_text(encoding="utf-8").splitlines()):
        stubs = [t for f in fences for t in includes(f) if t.endswith(":signature")]
        for target in stubs:
            snippet = ROOT / target.removesuffix(":signature")
            parts = sections(snippet)
            missing = {"signature", "solution", "tests", "check"} - set(parts)
            if missing:
                raise ValueError(f"{snippet.relative_to(ROOT)}: missing section(s) {sorted(missing)}")
            found.append(Exercise(heading.anchor, heading.text, snippet, parts))
    return found


def top_level_names(code: str) -> list[str]:
    """Functions, classes and variables that `code` defines at module level."""
    names = []
    for node in ast.parse(code).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.append(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names += [t.id for t in targets if isinstance(t, ast.Name)]
    return names


def check_exercises(page: Path, found: list[Exercise]) -> None:
    """Catch what would make a practice file wrong: clashing names, tests the page never runs."""
    for parts in (("signature", "tests"), ("solution", "tests")):
        owner: dict[str, str] = {}  # one module holds these parts of every exercise
        for ex in found:
            for name in {n for part in parts for n in top_level_names(ex.sections[part])}:
                if owner.get(name, ex.anchor) != ex.anchor:
                    raise ValueError(
                        f"{page.name}: `{name}` is defined by both #{owner[name]} and "
                        f"#{ex.anchor}; names must be unique on a page"
                    )
                owner[name] = ex.anchor
    for ex in found:
        public = {
            n.name
            for n in ast.parse(ex.sections["signature"]).body
            if isinstance(n, ast.FunctionDef | ast.ClassDef)
        }
        solved = {
            n.name
            for n in ast.parse(ex.sections["solution"]).body
            if isinstance(n, ast.FunctionDef | ast.ClassDef)
        }
        if not public <= solved:
            raise ValueError(f"#{ex.anchor}: the solution does not define {sorted(public - solved)}")
        called = {n.id for n in ast.walk(ast.parse(ex.sections["check"])) if isinstance(n, ast.Name)}
        skipped = set(ex.tests()) - called
        if not ex.tests() or skipped:
            raise ValueError(f"#{ex.anchor}: the check section does not run {sorted(skipped) or 'any test'}")


def split_imports(code: str) -> tuple[list[str], str]:
    """Top-level import statements of `code`, and the code without them."""
    tree = ast.parse(code)
    lines = code.splitlines()
    imports, drop = [], set()
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            imports.append("\n".join(lines[node.lineno - 1 : node.end_lineno]))
            drop.update(range(node.lineno - 1, node.end_lineno))
    rest = "\n".join(line for i, line in enumerate(lines) if i not in drop)
    return imports, re.sub(r"\n{3,}", "\n\n\n", rest).strip("\n")


def top_module(statement: str) -> str:
    node = ast.parse(statement).body[0]
    name = node.names[0].name if isinstance(node, ast.Import) else node.module or ""
    return name.split(".")[0]


def practice_file(page: Path, part: str = "signature") -> str:
    """The page's practice file: the `part` of each exercise (the stubs, or the reference
    solutions for the tests) followed by its tests, imports gathered at the top."""
    found = exercises(page)
    check_exercises(page, found)
    title = page.read_text(encoding="utf-8").splitlines()[0].removeprefix("# ").strip()
    imports: list[str] = []
    blocks = []
    for number, ex in enumerate(found, start=1):
        code_imports, code = split_imports(ex.sections[part])
        test_imports, tests = split_imports(ex.sections["tests"])
        for statement in code_imports + test_imports:
            if statement not in imports:
                imports.append(statement)
        rule = "# " + "-" * 86
        blocks.append(
            f"{rule}\n# {number}. {ex.question}\n# Handbook: {CHAPTER}/{page.stem}/#{ex.anchor}\n"
            f"{rule}\n\n\n{code}\n\n\n{tests}\n"
        )
    # isort's order: standard library, then third party; `import x` before `from x import y`
    order = sorted(imports, key=lambda i: (i.startswith("from "), i))
    stdlib = [i for i in order if top_module(i) in sys.stdlib_module_names]
    third = [i for i in order if top_module(i) not in sys.stdlib_module_names]
    pip = ["numpy", "scipy", "scikit-learn", "networkx", "torch"]
    needed = {PIP_NAMES[m] for m in map(top_module, third) if m in PIP_NAMES}
    install = " ".join([p for p in pip if p in needed] + ["pytest"])
    name = f"{page.stem}.py"
    header = (
        f'"""The ML coding round: {title}. Practice file with {len(found)} exercises.\n\n'
        "Each exercise is a function (or class) that raises NotImplementedError, followed by the\n"
        "tests it must pass. Fill in the functions, then run:\n\n"
        f"    pip install {install}\n"
        f"    pytest {name}                 # every exercise\n"
        f"    pytest {name} -k <function>   # one exercise, e.g. -k {first_name(found[0])}\n\n"
        "Hints and reference solutions: the handbook answer named above each exercise (a path\n"
        "from the handbook's home page).\n"
        "Generated from the handbook's snippets by handbook/exercises.py; edit those, not this.\n"
        '"""\n'
    )
    groups = [g for g in ("\n".join(stdlib), "\n".join(third)) if g]
    return header + "\n" + "\n\n".join(groups) + "\n\n\n" + "\n\n".join(blocks)


def first_name(ex: Exercise) -> str:
    tree = ast.parse(ex.sections["signature"])
    return next(n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef))


def output_path(page: Path) -> Path:
    return OUT / f"{page.stem}.py"


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for page in topic_pages():
        path = output_path(page)
        text = practice_file(page)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    for stale in sorted(set(OUT.glob("*.py")) - {output_path(p) for p in topic_pages()}):
        stale.unlink()
        print(f"removed {stale.relative_to(ROOT)} (no page of that name)")


if __name__ == "__main__":
    main()
