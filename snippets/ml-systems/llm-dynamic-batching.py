import asyncio
import contextlib
import socket
import threading
import time

import httpx
import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel


class StandInLLM:
    """One accelerator: one forward pass at a time (the lock), and a pass costs
    40 ms fixed + 2 ms per sequence in the batch, the shape of a memory-bound decode
    step."""

    def __init__(self):
        self.lock = threading.Lock()
        self.batch_sizes: list[int] = []

    @staticmethod
    def pass_seconds(batch_size: int) -> float:
        return 0.040 + 0.002 * batch_size

    def generate_batch(self, prompts: list[str]) -> list[str]:
        with self.lock:
            self.batch_sizes.append(len(prompts))
            time.sleep(self.pass_seconds(len(prompts)))
            return [p.upper() for p in prompts]


class Request(BaseModel):
    prompt: str


class DynamicBatcher:
    """Collect requests until max_batch are waiting or max_wait has passed, then run one
    forward pass for all of them and hand each caller its own result."""

    def __init__(self, model, max_batch=16, max_wait=0.010):
        self.model, self.max_batch, self.max_wait = model, max_batch, max_wait
        self.queue: asyncio.Queue = asyncio.Queue()

    async def submit(self, prompt: str) -> str:
        future = asyncio.get_running_loop().create_future()
        await self.queue.put((prompt, future))
        return await future

    async def run(self):
        while True:
            batch = [await self.queue.get()]
            deadline = time.monotonic() + self.max_wait
            while len(batch) < self.max_batch:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    batch.append(await asyncio.wait_for(self.queue.get(), remaining))
                except TimeoutError:
                    break
            # Drop requests whose client went away (their future is cancelled).
            batch = [(p, f) for p, f in batch if not f.done()]
            if not batch:
                continue
            try:
                outputs = await asyncio.to_thread(
                    self.model.generate_batch, [p for p, _ in batch]
                )
            except Exception as error:
                # A failed pass fails its batch, not the batcher.
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            for (_, future), out in zip(batch, outputs):
                if not future.done():
                    future.set_result(out)


def make_app(batched: bool) -> tuple[FastAPI, StandInLLM]:
    model = StandInLLM()
    batcher = DynamicBatcher(model)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        task = asyncio.create_task(batcher.run()) if batched else None
        yield
        if task:
            task.cancel()

    app = FastAPI(lifespan=lifespan)

    @app.post("/generate")
    async def generate(req: Request):
        if batched:
            return {"response": await batcher.submit(req.prompt)}
        out = await asyncio.to_thread(model.generate_batch, [req.prompt])
        return {"response": out[0]}

    return app, model


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
    return server, thread, f"http://127.0.0.1:{sock.getsockname()[1]}/generate"


async def load_test(url: str, n: int) -> None:
    """n concurrent clients, one request each; each must get its own answer back."""
    async with httpx.AsyncClient(
        timeout=30, limits=httpx.Limits(max_connections=n)
    ) as client:

        async def one(i):
            r = await client.post(url, json={"prompt": f"q{i}"})
            assert r.json()["response"] == f"Q{i}"

        await asyncio.gather(*[one(i) for i in range(n)])


for name, batched in [("naive", False), ("dynamic batching", True)]:
    app, model = make_app(batched)
    server, thread, url = serve(app)
    try:
        for _ in range(5):  # light load: one request at a time
            asyncio.run(load_test(url, 1))
        light = model.batch_sizes[:]
        asyncio.run(load_test(url, 64))
        loaded = model.batch_sizes[len(light) :]
    finally:
        server.should_exit = True
        thread.join(timeout=5)

    # Wall-clock timings on a shared CPU machine vary from run to run; the number of
    # passes and the accelerator time they cost do not, so those are printed. How many
    # of up to 16 passes the batched server needs depends on when requests arrive.
    if batched and len(loaded) <= 16:
        passes, busy = "<= 16", f"<= {16 * 0.040 + 64 * 0.002:.2f} s"
    else:
        passes, busy = str(len(loaded)), f"{sum(map(model.pass_seconds, loaded)):.2f} s"
    print(
        f"{name:17} 64 concurrent requests -> {passes} forward passes, "
        f"accelerator busy {busy}"
    )
    if batched:
        print(f"{name:17} 5 requests one at a time -> batch sizes {light}")
