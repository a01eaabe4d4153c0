# --8<-- [start:cost]
import numpy as np

# Illustrative prices in USD per million tokens; take real ones from your provider.
PRICE_IN, PRICE_OUT, PRICE_CACHED_IN = 3.00, 15.00, 0.30
rng = np.random.default_rng(0)
n = 100_000
system_tokens = 1_200  # the same system prompt and few-shot examples on every call
user_tokens = rng.lognormal(np.log(150), 0.8, n).astype(int) + 1
out_tokens = np.minimum(rng.lognormal(np.log(180), 0.7, n).astype(int) + 1, 1_024)

cost = ((system_tokens + user_tokens) * PRICE_IN + out_tokens * PRICE_OUT) / 1e6
cached = (
    system_tokens * PRICE_CACHED_IN + user_tokens * PRICE_IN + out_tokens * PRICE_OUT
) / 1e6
print(
    f"mean tokens in/out: {system_tokens + user_tokens.mean():.0f} / "
    f"{out_tokens.mean():.0f}"
)
print(
    f"cost per 1k requests: ${cost.mean() * 1e3:.2f}; with the system prompt cached: "
    f"${cached.mean() * 1e3:.2f}"
)
share_out = (out_tokens * PRICE_OUT).sum() / (cost.sum() * 1e6)
tokens_in, tokens_out = (system_tokens + user_tokens).sum(), out_tokens.sum()
print(
    f"output tokens are {tokens_out / (tokens_in + tokens_out):.0%} of all tokens "
    f"but {share_out:.0%} of cost"
)

# Latency = time to first token (grows with the prompt) + time per output token;
# 1% of calls hit a retry after a 2 s timeout.
ttft = 0.25 + (system_tokens + user_tokens) * 0.00008
latency = ttft + out_tokens * 0.02 + np.where(rng.random(n) < 0.01, 2.0, 0.0)


def nearest_rank(x, q):
    """The textbook percentile: the ceil(q/100 * n)-th smallest value."""
    s = np.sort(x)
    return s[int(np.ceil(q / 100 * len(s))) - 1]


qs = [50, 95, 99]
mine = [nearest_rank(latency, q) for q in qs]
assert np.allclose(mine, np.percentile(latency, qs, method="inverted_cdf"))
print(
    f"latency mean {latency.mean():.2f}s; "
    + ", ".join(f"p{q} {v:.2f}s" for q, v in zip(qs, mine))
)
print(
    f"p99 is {mine[2] / latency.mean():.1f}x the mean: alert and set SLOs on "
    "percentiles"
)
# --8<-- [end:cost]

# --8<-- [start:tracing]
import contextlib
import contextvars
import random

_current = contextvars.ContextVar("current_span", default=None)


class Tracer:
    """A tiny tracer with OpenTelemetry's data model: a trace is a tree of spans that
    share a 128-bit trace id; each span has a 64-bit span id, a parent, attributes and
    a status."""

    def __init__(self, seed=0):
        self.rng, self.spans, self.now = random.Random(seed), [], 0.0

    def advance(self, ms):  # a fake clock keeps the example deterministic
        self.now += ms

    @contextlib.contextmanager
    def span(self, name, **attributes):
        parent = _current.get()
        span = {
            "name": name,
            "trace_id": parent["trace_id"]
            if parent
            else f"{self.rng.getrandbits(128):032x}",
            "span_id": f"{self.rng.getrandbits(64):016x}",
            "parent_id": parent["span_id"] if parent else None,
            "attributes": attributes,
            "start": self.now,
            "status": "OK",
        }
        token = _current.set(span)
        try:
            yield span
        except Exception as error:
            span["status"] = f"ERROR {type(error).__name__}"
            raise
        finally:
            span["end"] = self.now
            _current.reset(token)
            self.spans.append(span)


tracer = Tracer()


def traceparent() -> str:
    """The W3C header that carries the context to the next service."""
    s = _current.get()
    return f"00-{s['trace_id']}-{s['span_id']}-01"


def call_llm(prompt_tokens: int, attempt: int):
    with tracer.span("llm.generate", attempt=attempt, prompt_tokens=prompt_tokens) as s:
        tracer.advance(400 if attempt == 1 else 900)
        if attempt == 1:
            raise TimeoutError
        s["attributes"]["completion_tokens"] = 210
        return traceparent()


with tracer.span("POST /answer", user_tier="free"):
    with tracer.span("retrieve", k=5):
        tracer.advance(35)
    with tracer.span("rerank", candidates=50):
        tracer.advance(60)
    for attempt in (1, 2):
        try:
            header = call_llm(prompt_tokens=1_850, attempt=attempt)
            break
        except TimeoutError:
            continue
    with tracer.span("guardrails.output"):
        tracer.advance(5)

by_id = {s["span_id"]: s for s in tracer.spans}


def depth(s):
    return 0 if s["parent_id"] is None else 1 + depth(by_id[s["parent_id"]])


print(
    f"trace {tracer.spans[0]['trace_id'][:8]}..., {len(tracer.spans)} spans, all share "
    "it: "
    f"{len({s['trace_id'] for s in tracer.spans}) == 1}"
)
for s in sorted(tracer.spans, key=lambda s: (s["start"], depth(s))):
    name = "  " * depth(s) + s["name"]
    print(
        f"{name:22} {s['end'] - s['start']:6.0f} ms  {s['status']:19} {s['attributes']}"
    )
print(f"traceparent sent downstream: {header[:20]}...{header[-20:]}")

# The OpenTelemetry API alone records nothing: without an SDK the tracer is a no-op.
from opentelemetry import trace

with trace.get_tracer("handbook").start_as_current_span("llm.generate") as otel_span:
    print(
        f"OpenTelemetry API without SDK: recording={otel_span.is_recording()}, "
        f"valid context={otel_span.get_span_context().is_valid}"
    )
# --8<-- [end:tracing]

# --8<-- [start:otel]
# The real OpenTelemetry SDK: spans go to an in-memory exporter (in production an OTLP
# exporter sends them to Jaeger, Tempo, Langfuse...). The provider is used directly,
# not installed globally with trace.set_tracer_provider.
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Status, StatusCode

exporter = InMemorySpanExporter()
provider = TracerProvider()
provider.add_span_processor(SimpleSpanProcessor(exporter))
tracer = provider.get_tracer("answer-service")

with tracer.start_as_current_span("POST /answer") as request:
    request.set_attribute("http.route", "/answer")
    for attempt in (1, 2):
        with tracer.start_as_current_span("llm.generate") as span:
            span.set_attribute("gen_ai.request.model", "my-model-2026-01")
            span.set_attribute("gen_ai.usage.input_tokens", 1850)
            if attempt == 1:
                span.set_status(Status(StatusCode.ERROR, "TimeoutError"))
                continue
            span.set_attribute("gen_ai.usage.output_tokens", 210)

spans = exporter.get_finished_spans()
root = next(s for s in spans if s.parent is None)
one_trace = len({s.context.trace_id for s in spans}) == 1
print(f"{len(spans)} spans exported, all in one trace: {one_trace}")
for s in spans:
    parent = "root" if s.parent is None else f"child of {root.name}"
    usage = {k: v for k, v in s.attributes.items() if k.startswith("gen_ai.usage")}
    print(f"{s.name:13} {s.status.status_code.name:6} {parent:20} {usage}")
provider.shutdown()
# --8<-- [end:otel]
