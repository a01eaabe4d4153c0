import random
import uuid


class Transient(Exception):
    """Timeouts, 429s, 503s: the same call may succeed later."""


class Invalid(Exception):
    """Bad arguments or a refused action: retrying the same call cannot help."""


class PaymentAPI:
    """A flaky payment service. Its response can be lost *after* it has charged."""

    def __init__(self, seed):
        self.rng, self.charges, self.seen = random.Random(seed), [], {}

    def charge(self, order, amount, key=None):
        if amount <= 0:
            raise Invalid(f"amount must be positive, got {amount}")
        if key in self.seen:  # idempotency key: a repeat returns the first result
            return self.seen[key]
        if self.rng.random() < 0.3:
            raise Transient("503 before charging")
        self.charges.append((order, amount))
        receipt = f"receipt-{len(self.charges)}"
        if key is not None:
            self.seen[key] = receipt
        if self.rng.random() < 0.3:
            raise Transient("timeout after charging")  # the caller cannot tell
        return receipt


def call_with_retries(fn, attempts=5, base=0.5, sleep=lambda s: None):
    """Retry transient errors with exponential backoff and jitter; never retry
    invalid calls: return their error to the model, which can fix its arguments."""
    waits = []
    for attempt in range(attempts):
        try:
            return fn(), waits
        except Invalid as err:
            return f"error for the model: {err}", waits
        except Transient:
            wait = (
                base * 2**attempt * random.uniform(0.5, 1.0)
            )  # jitter spreads retries
            waits.append(wait)
            sleep(wait)  # a real agent sleeps; this example only records the waits
    return "error for the model: service unavailable, try later", waits


random.seed(0)
for idempotent in (False, True):
    double = 0
    for seed in range(200):
        api = PaymentAPI(seed)
        key = str(uuid.UUID(int=seed)) if idempotent else None  # one key per action
        call_with_retries(lambda api=api, key=key: api.charge("A1", 40.0, key=key))
        double += len(api.charges) > 1
    label = "with an idempotency key" if idempotent else "naive retries"
    print(f"{label:23}: charged twice in {double}/200 runs")

api = PaymentAPI(seed=4)
result, waits = call_with_retries(lambda: api.charge("A1", 40.0, key="k-1"))
print(f"{result!r} after {len(waits)} retries, waits {[round(w, 2) for w in waits]} s")
print(f"charged {len(api.charges)} time(s) for one action")
print(call_with_retries(lambda: api.charge("A1", -5.0, key="k-2"))[0])
