"""pytest plugin: run every Python block of every page exactly as the reader sees it.

pytest-codeblocks cannot expand `--8<--` includes, so each page is first expanded with
pymdownx.snippets (the same configuration as the site), then handed to pytest-codeblocks, which
extracts the blocks, runs them and compares their output with the expected-output block.

    pytest docs                    # run and check every example
    pytest docs --update-outputs   # rewrite every expected-output block from a real run

Notebooks under docs/ (the Labs) run top to bottom in a fresh kernel the same way: their stored
outputs must be what the run printed, and --update-outputs stores the run's outputs.

Before a block runs, the page is checked for fences that would silently not run. While it runs,
only loopback sockets are allowed and the model hubs are set offline.
"""

from __future__ import annotations

import contextlib
import copy
import difflib
import functools
import io
import os
import random
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import nbformat
import pytest
import pytest_socket
from nbclient.exceptions import CellExecutionError
from pytest_codeblocks import extract_from_buffer
from pytest_codeblocks import plugin as codeblocks_plugin
from pytest_codeblocks.plugin import TestBlock

from handbook.pages import ROOT, PageError, expand, is_skipped, scan
from tests import example_cache
from tests.notebook_run import differences, execute, keep_stdout_only

OFFLINE = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "MPLBACKEND": "Agg",
}
# The same kernels on every x86 CPU: AVX-512 code sums and approximates in another order than
# AVX2 code, so a page's numbers would change with the CPU of the machine that runs the examples.
# PyTorch and numpy run their AVX2 code on a CPU with AVX-512 (no change on one without it), numba
# compiles for a generic CPU, and TensorFlow leaves out oneDNN. This narrows the gap, not closes
# it: BLAS libraries also pick kernels by CPU model, OpenBLAS (numpy) is not ours to pin on this
# workplace, and MKL's only cross-vendor mode is plain SSE2.
SAME_KERNELS = {
    "ATEN_CPU_CAPABILITY": "avx2",  # PyTorch's own vectorised operators
    "ONEDNN_MAX_CPU_ISA": "AVX2",  # PyTorch's convolutions and matrix products through oneDNN
    "NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR",  # numpy's own SIMD loops
    "NUMBA_CPU_NAME": "generic",  # UMAP's numba code
    "TF_ENABLE_ONEDNN_OPTS": "0",
}
# One thread everywhere: a parallel reduction sums in an order that depends on the thread count,
# so printed numbers would change with the machine and with what an earlier block left behind.
ONE_THREAD = {
    name: "1"
    for name in (
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
        "TF_NUM_INTRAOP_THREADS",
        "TF_NUM_INTEROP_THREADS",
    )
}
LOOPBACK = ["127.0.0.1", "::1", "localhost"]
PYTHONISH = re.compile(r"^\{?\.?(py|python|python3|py3|pycon|ipython|ipython3)\b", re.IGNORECASE)
OUTPUT_MARK = "<!--pytest-codeblocks:expected-output-->"
OUTPUT_FENCE = '```text title="Output"'

_updates: dict[Path, list[tuple[int, str]]] = {}  # page -> (source line of the python fence, output)
_ran: Counter = Counter()
_skips: Counter = Counter()


def pytest_addoption(parser):
    parser.addoption(
        "--update-outputs",
        action="store_true",
        help="rewrite the expected-output block after every example with its real output",
    )


def pytest_configure(config):
    os.environ.update(OFFLINE)
    os.environ.update(ONE_THREAD)
    os.environ.update(SAME_KERNELS)
    parse_each_gguf_file_once()


def parse_each_gguf_file_once() -> None:
    """Memoise gguf's file parser and tensor-name map for the whole test process.

    transformers parses SmolLM2's GGUF file in full (its 49,152-entry vocabulary, one numpy
    view per entry) for the config, again for the tokenizer and again for the weights, and
    rebuilds gguf's tensor-name map hundreds of times (397 in a profile): about 17 s of CPU per load,
    paid by every example that loads the model. Both are read-only and depend only on their
    arguments, so caching them changes nothing an example prints, only how long it takes.
    """
    try:
        import gguf
    except ImportError:
        return
    gguf.GGUFReader = functools.cache(gguf.GGUFReader)
    gguf.get_tensor_name_map = functools.cache(gguf.get_tensor_name_map)


def load_each_gguf_model_once(code: str) -> None:
    """Hand out copies of the first load of each GGUF model and tokenizer in this process.

    Five chapters' loader modules (`*_llm.py`) and five stand-alone examples load SmolLM2 from its
    GGUF file, each in both workers: about 8 s of de-quantizing per load, against 0.4 s for a deep
    copy. A copy has the same weights, configuration and vocabulary, so an example prints what it
    would after its own load; the first load is never handed out, so no example can change it.
    transformers is imported here for a block that will load one, so that even its load counts.
    """
    if "transformers" not in sys.modules and "gguf" not in code and "_llm" not in code:
        return
    import transformers

    if hasattr(transformers, "_loads_copied"):
        return
    transformers._loads_copied = True
    for auto in (transformers.AutoModelForCausalLM, transformers.AutoTokenizer):
        auto.from_pretrained = staticmethod(_copies_of_first_gguf_load(auto.from_pretrained))


def _copies_of_first_gguf_load(load):
    loaded = {}

    def from_pretrained(*args, **kwargs):
        if "gguf_file" not in kwargs:
            return load(*args, **kwargs)
        key = repr((args, sorted(kwargs.items())))
        if key not in loaded:
            loaded[key] = load(*args, **kwargs)
        return copy.deepcopy(loaded[key])

    return from_pretrained


def reset_numeric_state() -> None:
    """Start every block from the same global state, whichever blocks ran before it in this worker.

    Blocks run in several worker processes, in an order that depends on the scheduler, so a block
    must not see the thread count, default dtype, deterministic-algorithms mode or random state an
    earlier block left behind.
    """
    random.seed(0)
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed(0)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(1)
        torch.set_default_dtype(torch.float32)
        torch.use_deterministic_algorithms(False)
        torch.manual_seed(0)


def forget_shared_models() -> None:
    """Drop the models the chapters' loader modules (`snippets/<chapter>/*_llm.py`) cache per worker.

    A block that fails or times out can stop half-way through changing the shared model (a forward
    hook left on, a layer swapped), and every later block in the worker would then run on the
    changed model. After a failure the next block loads the model again instead.
    """
    snippets = ROOT / "snippets"
    for module in list(sys.modules.values()):
        where = getattr(module, "__file__", None) or ""
        if not (where.endswith("_llm.py") and snippets in Path(where).resolve().parents):
            continue
        for value in vars(module).values():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()


def pytest_collect_file(file_path: Path, parent):
    if ROOT / "docs" not in file_path.parents:
        return None
    if file_path.suffix == ".md":
        return PageFile.from_parent(parent, path=file_path)
    if file_path.suffix == ".ipynb" and ".ipynb_checkpoints" not in file_path.parts:
        return NotebookFile.from_parent(parent, path=file_path)
    return None


class NotebookFile(pytest.File):
    """A notebook on the site (the Labs): run top to bottom; what it shows must be what it printed."""

    def collect(self):
        yield NotebookRun.from_parent(self, name="top to bottom")


class NotebookRun(pytest.Item):
    def runtest(self):
        where = self.path.relative_to(ROOT)
        shown = nbformat.read(self.path, as_version=4)
        ran = execute(shown)
        self.user_properties.append(("example", "notebook"))
        if self.config.getoption("update_outputs"):
            nbformat.write(keep_stdout_only(ran), self.path)
            return
        problems = differences(str(where), shown, ran)
        if problems:
            raise AssertionError("\n\n".join(problems) + "\n\nrun `make outputs` to refresh it")

    def repr_failure(self, excinfo):
        if excinfo.errisinstance(CellExecutionError):
            return f"{self.path.relative_to(ROOT)}: a cell raised an error:\n{excinfo.value}"
        return str(excinfo.value)

    def reportinfo(self):
        return self.path, None, f"{self.path.relative_to(ROOT)}: top to bottom"


def check_fences(path: Path, lines: list[str], origin: list[int]) -> None:
    """Fail on a fence that pytest-codeblocks would skip without a word, or run half-way."""
    _, fences = scan(lines)
    problems = []
    for previous, fence in zip([None, *fences], fences, strict=False):
        where = f"{path.relative_to(ROOT)}:{origin[fence.line - 1]}"
        info = fence.info.strip()
        skip_reasons = [m for m in fence.marks if m.startswith("pytest.mark.skip")]
        if any("reason=" not in m for m in skip_reasons):
            problems.append(f'{where}: a skip marker needs a reason: <!-- pytest.mark.skip(reason="...") -->')
        if PYTHONISH.match(info) and info != "python":
            problems.append(
                f"{where}: fence ```{info} would silently not run; write ```python "
                '(with <!-- pytest.mark.skip(reason="...") --> above it if it must not run)'
            )
        shown_output = info.startswith("text") and OUTPUT_MARK in "".join(
            lines[max(0, fence.line - 3) : fence.line - 1]
        )
        runs = previous is not None and previous.info.strip() == "python" and not is_skipped(previous)
        if shown_output and not runs:
            problems.append(
                f"{where}: an output block that no executed example precedes: nothing checks it "
                "(put it under the ```python fence whose output it is, or remove it)"
            )
        if shown_output and fence.indent and "" in fence.body:
            problems.append(
                f"{where}: an empty line inside an indented output block is dropped by pytest-codeblocks, "
                "so the page would show a line the example never printed; run `make outputs`"
            )
        if info == "python" and not is_skipped(fence):
            body = "\n".join(fence.body)
            if re.search(r"""^if\s+__name__\s*==\s*["']__main__["']""", body, re.MULTILINE):
                problems.append(
                    f'{where}: `if __name__ == "__main__":` never runs here (pytest-codeblocks does '
                    "not set __name__); put the code at top level"
                )
    if problems:
        raise PageError(path, 0, "\n" + "\n".join(problems))


class PageFile(pytest.File):
    def collect(self):
        try:
            lines, origin = expand(self.path)
        except PageError as error:
            raise pytest.UsageError(str(error)) from error
        check_fences(self.path, lines, origin)
        for block in extract_from_buffer(io.StringIO("\n".join(lines) + "\n")):
            if block.syntax != "python":
                continue  # only Python is executed; shell, YAML and text fences are shown as-is
            source_line = origin[block.lineno - 1]
            item = PageBlock.from_parent(self, name=f"line {source_line}")
            block.lineno = source_line
            item.obj = block
            for mark in block.marks:
                item.add_marker(
                    eval(mark, {"sys": sys, "pytest": pytest})
                )  # the marks pytest-codeblocks reads
            yield item


class PageBlock(TestBlock):
    """A pytest-codeblocks block that is hermetic and can rewrite its own expected output."""

    def setup(self):
        reset_numeric_state()
        load_each_gguf_model_once(self.obj.code)
        pytest_socket.socket_allow_hosts(LOOPBACK, allow_unix_socket=True)

    def runtest(self):
        updating = self.config.getoption("update_outputs")
        expected = self.obj.expected_output
        key = example_cache.key(self.obj.code, expected)
        if not updating and example_cache.passed(key):
            self.user_properties.append(("example", "cached"))
            return
        if updating:
            self.obj.expected_output = None  # run without comparing; the page is rewritten at the end
        self._printed = ""
        self.user_properties.append(("example", "ran"))
        with _tee_stdout() as out:
            try:
                super().runtest()
            except BaseException:  # a timeout too: pytest-timeout raises inside the block
                forget_shared_models()
                raise
            finally:
                self._printed = out.getvalue()
        if not updating and not (self._printed and expected is None):
            example_cache.record_pass(key)
        if updating:
            if self._printed != (expected or ""):
                _updates.setdefault(self.path, []).append((self.obj.lineno, self._printed))
        elif self._printed and expected is None:
            raise RuntimeError(
                f"{self.path.relative_to(ROOT)}:{self.obj.lineno}: the example prints output that the "
                "page does not show; run `make outputs` to add it"
            )

    def repr_failure(self, excinfo):
        value = excinfo.value
        where = f"{self.path.relative_to(ROOT)}:{self.obj.lineno}"
        blocked = (pytest_socket.SocketBlockedError, pytest_socket.SocketConnectBlockedError)
        cause = value.__context__ if isinstance(value, RuntimeError) else value  # pytest-codeblocks wraps
        if isinstance(value, blocked) or isinstance(cause, blocked):
            return f"{where}: the example opened a network connection: {cause}"
        message = value.args[0] if value.args and isinstance(value.args[0], str) else repr(value)
        if message.startswith(where):
            return message
        if "\nExpected output\n" in message:  # pytest-codeblocks' mismatch report
            diff = difflib.unified_diff(
                (self.obj.expected_output or "").splitlines(),
                self._printed.splitlines(),
                "shown on the page",
                "printed by this run",
                lineterm="",
            )
            return f"{where}: stale output; run `make outputs` to refresh it\n" + "\n".join(diff)
        if excinfo.errisinstance(RuntimeError) and message.startswith(self.name):
            message = message.split("\n\n", 1)[-1]  # drop pytest-codeblocks' echo of the code
            return f"{where}: the example raised an error:\n{message}\n\n{excinfo.getrepr(style='short')}"
        return f"{where}: {message}"


@contextlib.contextmanager
def _tee_stdout():
    """Hand pytest-codeblocks' stdout capture a buffer of ours, so the plugin sees what was printed."""
    buffer = io.StringIO()
    original = codeblocks_plugin.stdout_io
    codeblocks_plugin.stdout_io = lambda stdout=None: original(buffer)
    try:
        yield buffer
    finally:
        codeblocks_plugin.stdout_io = original


def repo_changes() -> set[str]:
    """`git status` lines: files the run created or changed in the repository (ignored ones aside)."""
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT, capture_output=True, text=True
    )
    return set(status.stdout.splitlines()) if status.returncode == 0 else set()


def pytest_sessionstart(session):
    if not hasattr(session.config, "workerinput"):  # the controller, or a run without xdist
        session.config._repo_before = repo_changes()


def fail_on_files_left_behind(session):
    """Examples are hermetic: a run that leaves a file behind in the repository fails."""
    before = getattr(session.config, "_repo_before", None)
    if before is None or session.config.getoption("update_outputs", False):
        return
    left = sorted(repo_changes() - before)
    if left:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.write_line("\nthe run left files behind in the repository (use a tempfile):", red=True)
        for line in left:
            reporter.write_line(f"  {line}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_runtest_logreport(report):
    """Count what ran, from the reports: with pytest-xdist they reach the controller from every worker."""
    if report.when == "setup" and report.skipped and "::line " in report.nodeid:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        _skips[reason.removeprefix("Skipped: ")] += 1
    if report.when == "call":
        _ran.update(value for name, value in report.user_properties if name == "example")


def pytest_sessionfinish(session):
    for page, updates in _updates.items():
        write_outputs(page, updates)
    fail_on_files_left_behind(session)


def pytest_terminal_summary(terminalreporter):
    if not (_ran or _skips):
        return
    terminalreporter.section("page examples")
    terminalreporter.write_line(f"code blocks executed: {_ran['ran']}, skipped: {sum(_skips.values())}")
    if _ran["cached"]:
        terminalreporter.write_line(
            f"code blocks not run, passed before with the same inputs: {_ran['cached']} "
            f"({example_cache.WHERE.relative_to(ROOT)}; HANDBOOK_CACHE=0 runs every block)"
        )
    if _ran["notebook"]:
        terminalreporter.write_line(f"notebooks executed: {_ran['notebook']}")
    for reason, count in sorted(_skips.items()):
        terminalreporter.write_line(f"  skipped {count} x: {reason}")
    for page, updates in sorted(_updates.items()):
        terminalreporter.write_line(f"  rewrote {len(updates)} output block(s) in {page.relative_to(ROOT)}")


def write_outputs(page: Path, updates: list[tuple[int, str]]) -> None:
    """Replace (or add) the expected-output block after each Python fence, bottom-up."""
    lines = page.read_text(encoding="utf-8").splitlines()
    _, fences = scan(lines)
    by_line = {f.line: f for f in fences}
    for fence_line, printed in sorted(updates, reverse=True):
        fence = by_line[fence_line]
        indent = fence.indent
        # Blank lines keep the indent: pytest-codeblocks drops an empty line inside an indented block.
        body = [indent + line for line in printed.splitlines()]
        block = [indent + OUTPUT_MARK, indent + OUTPUT_FENCE, *body, indent + "```"]
        after = fence.end  # 0-based index of the line after the closing fence
        j = after
        while j < len(lines) and not lines[j].strip():
            j += 1
        if j < len(lines) and lines[j].strip() == OUTPUT_MARK:
            output = by_line[j + 2]
            lines[after : output.end] = ["", *block] if printed else []
        elif printed:
            lines[after:after] = ["", *block]
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
