"""An MCP server over stdio: team notes as tools, resources and a prompt.

Run by a client as a subprocess (`python notes_server.py`); it speaks JSON-RPC 2.0 on
stdin/stdout and logs to stderr. The notes live in memory, so nothing is written.
"""

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import ToolAnnotations

mcp = MCPServer("team-notes", log_level="WARNING")
NOTES = {
    "standup": "Standup moves to 10:30 from Monday. Bring blockers, not status.",
    "oncall": "On-call this week: Priya. Escalate paging issues to #sre.",
    "release": "Release 4.2 is frozen; only fixes tagged blocker may merge.",
}


@mcp.tool(annotations=ToolAnnotations(read_only_hint=True))
def search_notes(query: str, limit: int = 3) -> list[str]:
    """Titles of the notes whose text contains every word of the query."""
    words = query.lower().split()
    hits = [t for t, text in NOTES.items() if all(w in text.lower() for w in words)]
    return hits[:limit]


@mcp.tool(annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False))
def add_note(title: str, text: str) -> str:
    """Add a note; fails if the title is taken."""
    if title in NOTES:  # ToolError's text reaches the client; other exceptions' not
        raise ToolError(f"a note called {title!r} exists")
    NOTES[title] = text
    return f"added {title!r}"


@mcp.resource("notes://index")
def index() -> str:
    """The titles of all notes, one per line."""
    return "\n".join(NOTES)


@mcp.resource("notes://{title}")
def note(title: str) -> str:
    """One note's text."""
    return NOTES[title]


@mcp.prompt()
def brief(title: str) -> str:
    """Ask for a one-line brief of a note."""
    return f"Summarise the note '{title}' in one line for a new team member."


mcp.run()  # stdio is the default transport
