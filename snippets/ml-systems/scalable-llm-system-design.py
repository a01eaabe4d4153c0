# --8<-- [start:common]
import asyncio
import socket
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import uvicorn
from fastapi import FastAPI


class StandInLLM:
    """Stands in for a real model call: 50 ms per call, no CPU used (like a GPU or a
    remote inference server), so any slowdown below comes from the serving code.
    It counts how many calls run at once, which, unlike wall time, does not depend
    on how busy the machine is."""

    in_flight = peak = 0
    lock = threading.Lock()

    def generate(self, prompt: str) -> str:
        with StandInLLM.lock:
            StandInLLM.in_flight += 1
            StandInLLM.peak = max(StandInLLM.peak, StandInLLM.in_flight)
        time.sleep(0.05)
        with StandInLLM.lock:
            StandInLLM.in_flight -= 1
        return prompt + " ... (generated)"


def load_model():
    return StandInLLM()


def serve(app):
    """Run the app with uvicorn in a background thread on a free loopback port."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, daemon=True
    )
    thread.start()
    while not server.started:
        time.sleep(0.01)
    return server, thread, f"http://127.0.0.1:{sock.getsockname()[1]}"


async def burst(url: str, n: int = 8, **kwargs):
    """n concurrent requests; returns the status codes and the burst's wall time."""
    async with httpx.AsyncClient(timeout=10) as client:
        start = time.perf_counter()
        replies = await asyncio.gather(*[client.post(url, **kwargs) for _ in range(n)])
        return [r.status_code for r in replies], time.perf_counter() - start


# The common endpoint, with the stand-in model in place of pipeline("text-generation").
model = load_model()
app = FastAPI()


@app.post("/generate")
async def generate_text(prompt: str):
    return {"response": model.generate(prompt)}


server, thread, base = serve(app)
try:
    codes, _ = asyncio.run(burst(base + "/generate", n=1, json={"prompt": "hi"}))
    print(
        f"JSON body {{'prompt': ...}} -> HTTP {codes[0]} (prompt is read from the "
        "query string)"
    )
    codes, wall = asyncio.run(burst(base + "/generate", n=8, params={"prompt": "hi"}))
    print(f"8 concurrent requests -> {sorted(set(codes))}", file=sys.stderr)
    print(f"wall {wall:.3f}s", file=sys.stderr)
    print(f"8 concurrent requests: at most {StandInLLM.peak} model call at a time")
finally:
    server.should_exit = True
    thread.join(timeout=5)


# The common ModelServer, as written.
class ModelServer:
    def __init__(self, num_workers=4):
        self.executor = ThreadPoolExecutor(max_workers=num_workers)
        self.models = [load_model() for _ in range(num_workers)]

    async def process_request(self, prompt):
        # worker_id is undefined here: the original bug
        model = self.models[worker_id]  # noqa: F821
        return await self.executor.submit(model.generate, prompt)


for label, fix in [("as written", None), ("with worker_id = 0", 0)]:
    if fix is not None:
        worker_id = fix
    try:
        asyncio.run(ModelServer().process_request("hi"))
    except Exception as error:
        print(f"{label}: {type(error).__name__}: {error}")
# --8<-- [end:common]

# --8<-- [start:fixed]
import asyncio
import queue
import socket
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel, Field


class StandInLLM:
    in_flight = peak = 0
    lock = threading.Lock()

    def generate(self, prompt: str, max_tokens: int = 64) -> str:
        with StandInLLM.lock:
            StandInLLM.in_flight += 1
            StandInLLM.peak = max(StandInLLM.peak, StandInLLM.in_flight)
        time.sleep(0.05)
        with StandInLLM.lock:
            StandInLLM.in_flight -= 1
        return prompt + " ... (generated)"


def serve(app):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, daemon=True
    )
    thread.start()
    while not server.started:
        time.sleep(0.01)
    return server, thread, f"http://127.0.0.1:{sock.getsockname()[1]}"


class GenerateRequest(BaseModel):
    prompt: str = Field(min_length=1, max_length=8_000)
    max_tokens: int = Field(default=64, ge=1, le=1_024)


class GenerateResponse(BaseModel):
    response: str


class ModelServer:
    """A pool of model replicas; the event loop only awaits, the threads block."""

    def __init__(self, num_workers=4):
        self.executor = ThreadPoolExecutor(max_workers=num_workers)
        self.idle = queue.Queue()
        for _ in range(num_workers):
            self.idle.put(StandInLLM())

    def _generate(self, prompt: str, max_tokens: int) -> str:
        model = self.idle.get()  # each worker borrows a replica: no shared worker_id
        try:
            return model.generate(prompt, max_tokens)
        finally:
            self.idle.put(model)

    async def process_request(self, req: GenerateRequest) -> str:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self.executor, self._generate, req.prompt, req.max_tokens
        )


pool = ModelServer(num_workers=4)
app = FastAPI()


@app.post("/generate")
async def generate_text(req: GenerateRequest) -> GenerateResponse:
    return GenerateResponse(response=await pool.process_request(req))


async def burst(url: str, n: int, payload: dict):
    async with httpx.AsyncClient(timeout=10) as client:
        start = time.perf_counter()
        replies = await asyncio.gather(
            *[client.post(url, json=payload) for _ in range(n)]
        )
        return [r.status_code for r in replies], time.perf_counter() - start


server, thread, base = serve(app)
try:
    codes, _ = asyncio.run(burst(base + "/generate", 1, {"prompt": ""}))
    print(f"empty prompt -> HTTP {codes[0]} (validated by the pydantic schema)")
    codes, wall = asyncio.run(burst(base + "/generate", 8, {"prompt": "hi"}))
    print(f"8 concurrent requests -> HTTP {sorted(set(codes))}")
    print(f"wall {wall:.3f}s", file=sys.stderr)
    # Under load the requests may arrive spread out, so the peak can be 2, 3 or 4.
    print(
        "8 concurrent requests: more than one model call at a time, "
        f"never more than the 4 replicas: {1 < StandInLLM.peak <= 4}"
    )
finally:
    server.should_exit = True
    thread.join(timeout=5)
# --8<-- [end:fixed]
