# --8<-- [start:gateway]
from collections.abc import Callable
from dataclasses import dataclass, field

ORDERS = {"A1": 40.0, "A2": 250.0}


def get_order(order_id):
    return {"id": order_id, "total": ORDERS[order_id]}


def refund(order_id, amount):
    return f"refunded {amount:.2f} on {order_id}"


def delete_account(user):
    return f"deleted {user}"


@dataclass
class Gateway:
    """Every tool call the model proposes goes through here, never straight to a
    tool."""

    allowed: set  # the allow-list for this agent's role
    approve: Callable  # asks a human; returns True or False
    log: list = field(default_factory=list)

    def call(self, tool, **args):
        if tool not in self.allowed:
            verdict = "denied: not on this agent's allow-list"
        elif tool == "refund" and args["amount"] > ORDERS[args["order_id"]]:
            verdict = "denied: refund exceeds the order total"  # a capability check
        elif tool == "refund" and args["amount"] > 100 and not self.approve(tool, args):
            verdict = "denied: a human declined"
        else:
            verdict = "ran: " + str(TOOLS[tool](**args))
        self.log.append((tool, args, verdict))  # the audit trail
        return verdict


TOOLS = {"get_order": get_order, "refund": refund, "delete_account": delete_account}
asked = []


def human(tool, args):  # stands in for a review queue; declines refunds over 200
    asked.append((tool, args))
    return args["amount"] <= 200


support = Gateway(allowed={"get_order", "refund"}, approve=human)
proposals = [  # what a model (or an injected instruction) might propose
    ("get_order", {"order_id": "A1"}),
    ("refund", {"order_id": "A1", "amount": 40.0}),
    ("refund", {"order_id": "A1", "amount": 400.0}),
    ("refund", {"order_id": "A2", "amount": 150.0}),
    ("refund", {"order_id": "A2", "amount": 250.0}),
    ("delete_account", {"user": "u1"}),
]
for tool, args in proposals:
    print(f"{tool}({', '.join(f'{k}={v}' for k, v in args.items())}) -> ", end="")
    print(support.call(tool, **args))
print(f"human asked {len(asked)} times; audit log has {len(support.log)} entries")
# --8<-- [end:gateway]

# --8<-- [start:sandbox]
import os  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402

LIMITS = """
import resource
resource.setrlimit(resource.RLIMIT_CPU, (1, 2))             # 1 s of CPU
resource.setrlimit(resource.RLIMIT_AS, (512 * 2**20,) * 2)   # 512 MiB of memory
resource.setrlimit(resource.RLIMIT_FSIZE, (2**20,) * 2)      # files up to 1 MiB
"""


def run_untrusted(code: str) -> str:
    """Model-written code in a child process: limits, an empty environment, a
    throwaway working directory, a wall-clock timeout. Not a security boundary on
    its own: production sandboxes add a container or microVM and no network."""
    with tempfile.TemporaryDirectory() as workdir:
        try:
            done = subprocess.run(
                [sys.executable, "-I", "-c", LIMITS + code],  # -I: isolated mode
                cwd=workdir,
                env={},  # no API keys or tokens inherited
                capture_output=True,
                text=True,
                timeout=5,
            )
        except subprocess.TimeoutExpired:
            return "killed: wall-clock timeout"
        if done.returncode < 0:
            return f"killed by {signal.Signals(-done.returncode).name}"
        last = (done.stdout + done.stderr).strip().splitlines()
        return last[-1] if last else f"exit {done.returncode}"


os.environ["SHOP_API_KEY"] = "sk-not-for-the-model"  # a secret in the parent
for name, code in [
    ("arithmetic", "print(sum(range(10)))"),
    ("read a secret", "import os; print(os.environ.get('SHOP_API_KEY'))"),
    ("endless loop", "while True: pass"),
    ("memory bomb", "x = bytearray(2**31)"),
    ("write a big file", "open('f', 'wb').write(b'0' * 2**21)"),
]:
    print(f"{name:16} -> {run_untrusted(code)}")
del os.environ["SHOP_API_KEY"]
# --8<-- [end:sandbox]
