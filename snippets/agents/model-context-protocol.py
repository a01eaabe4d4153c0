import asyncio
import json
import subprocess
import sys

from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

# The server is a separate program; the client launches it and talks over its pipes.
SERVER = ["snippets/agents/notes_server.py"]


async def main():
    params = StdioServerParameters(command=sys.executable, args=SERVER)
    async with (
        # The server logs to stderr; sys.__stderr__ is a real file even inside a
        # Jupyter kernel.
        stdio_client(params, errlog=sys.__stderr__) as (read, write),
        ClientSession(read, write) as session,
    ):
        init = await session.initialize()  # handshake: version, capabilities
        caps = init.capabilities
        print(f"server {init.server_info.name}, protocol {init.protocol_version}")
        print(
            f"capabilities: tools={caps.tools is not None}, "
            f"resources={caps.resources is not None}, "
            f"prompts={caps.prompts is not None}"
        )
        # Discovery: what a host turns into the tool list it shows the model.
        for tool in (await session.list_tools()).tools:
            args = ", ".join(tool.input_schema["properties"])
            hint = tool.annotations.read_only_hint
            print(f"tool {tool.name}({args}) read_only_hint={hint}")
        for res in (await session.list_resources()).resources:
            print(f"resource {res.uri}: {res.description}")
        listed = await session.list_resource_templates()
        for tpl in listed.resource_templates:
            print(f"resource template {tpl.uri_template}: {tpl.description}")
        for prompt in (await session.list_prompts()).prompts:
            print(f"prompt {prompt.name}({prompt.arguments[0].name})")

        # Use: the model picks tool calls; the application reads resources.
        found = await session.call_tool("search_notes", {"query": "escalate"})
        title = found.structured_content["result"][0]
        print(f"call search_notes -> {found.structured_content}")
        note = await session.read_resource(f"notes://{title}")
        print(f"read notes://{title} -> {note.contents[0].text}")
        bad = await session.call_tool("search_notes", {"query": "x", "limit": "many"})
        reason = bad.content[0].text.splitlines()[2].split(",")[0].strip()
        print(f"limit='many' -> is_error={bad.is_error}: {reason}")
        dup = await session.call_tool("add_note", {"title": "oncall", "text": "?"})
        print(f"add_note('oncall') -> is_error={dup.is_error}: {dup.content[0].text}")
        brief = await session.get_prompt("brief", {"title": "release"})
        print(f"prompt brief -> {brief.messages[0].content.text}")


asyncio.run(main())

# The same protocol by hand: JSON-RPC 2.0, one message per line on stdin and stdout.
server = subprocess.Popen(
    [sys.executable, *SERVER],
    stdin=subprocess.PIPE,
    stdout=subprocess.PIPE,
    stderr=subprocess.DEVNULL,
    text=True,
)


def send(message):
    server.stdin.write(json.dumps(message) + "\n")
    server.stdin.flush()
    if "id" in message:  # a request gets a response; a notification does not
        return json.loads(server.stdout.readline())


hello = {
    "protocolVersion": "2025-11-25",
    "capabilities": {},
    "clientInfo": {"name": "by-hand", "version": "0.1"},
}
reply = send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": hello})
print("initialize ->", reply["result"]["serverInfo"]["name"])
send({"jsonrpc": "2.0", "method": "notifications/initialized"})
params = {"name": "search_notes", "arguments": {"query": "release"}}
request = {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": params}
print("sent    ", json.dumps(request))
reply = send(request)
result = {k: reply["result"][k] for k in ("structuredContent", "isError")}
print("received", json.dumps({"jsonrpc": "2.0", "id": reply["id"], "result": result}))
server.stdin.close()  # closing stdin is how a stdio client shuts the server down
print("server exit code:", server.wait(timeout=10))
