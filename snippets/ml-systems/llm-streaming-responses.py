import asyncio
import json
import socket
import sys
import threading
import time

import httpx
import uvicorn
from fastapi import FastAPI
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

TEXT = "Streaming sends each token as soon as the model produces it ."
TOKENS = TEXT.split(" ")
produced = [0]  # tokens the stand-in model has produced for the current request


async def stand_in_decode(prompt: str):
    """Stands in for an LLM's decode loop: one token every 20 ms."""
    produced[0] = 0
    for token in TOKENS:
        await asyncio.sleep(0.020)
        produced[0] += 1
        yield token


class Request(BaseModel):
    prompt: str


app = FastAPI()


@app.post("/generate")
async def generate(req: Request):
    text = " ".join([t async for t in stand_in_decode(req.prompt)])
    return {"response": text}


@app.post("/generate/stream")
async def generate_stream(req: Request):
    async def events():
        # Server-sent events: "data: <payload>\n\n" per event, then a sentinel.
        async for token in stand_in_decode(req.prompt):
            yield f"data: {json.dumps({'token': token})}\n\n"
        yield "data: [DONE]\n\n"

    return StreamingResponse(events(), media_type="text/event-stream")


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


async def client(base: str):
    async with httpx.AsyncClient(timeout=10) as http:
        start = time.perf_counter()
        full = (await http.post(base + "/generate", json={"prompt": "hi"})).json()[
            "response"
        ]
        blocking_total = time.perf_counter() - start
        blocking_first = produced[0]  # the blocking reply arrives in one piece

        tokens, frames, first = [], [], None
        start = time.perf_counter()
        async with http.stream(
            "POST", base + "/generate/stream", json={"prompt": "hi"}
        ) as r:
            ctype = r.headers["content-type"]
            async for line in r.aiter_lines():
                if not line.startswith("data: "):
                    continue
                frames.append(line)
                if line == "data: [DONE]":
                    break
                if first is None:
                    first = time.perf_counter() - start
                    stream_first = produced[0]
                tokens.append(json.loads(line[6:])["token"])
        stream_total = time.perf_counter() - start
        arrived = {"blocking": blocking_first, "streaming": stream_first}
        return full, blocking_total, tokens, frames, first, stream_total, arrived, ctype


server, thread, base = serve(app)
try:
    full, blocking_total, tokens, frames, ttft, stream_total, arrived, ctype = (
        asyncio.run(client(base))
    )
finally:
    server.should_exit = True
    thread.join(timeout=5)

print(f"content-type: {ctype}")
print(f"first frames: {frames[:2]}, last: {frames[-1]!r}")
print(
    f"{len(tokens)} tokens streamed; same text as the blocking endpoint: "
    f"{' '.join(tokens) == full}"
)
print(
    f"ttft {ttft:.3f}s stream {stream_total:.3f}s blocking {blocking_total:.3f}s",
    file=sys.stderr,
)
# Counted, not timed: how far the model had got when the client saw the first token.
print(
    f"tokens generated when the first text reached the client: "
    f"blocking {arrived['blocking']} of {len(TOKENS)}, "
    f"streaming fewer than {len(TOKENS)}: {arrived['streaming'] < len(TOKENS)}"
)
