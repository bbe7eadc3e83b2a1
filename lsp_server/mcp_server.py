"""`specedit mcp`: a Model Context Protocol server on stdio (the official `mcp` SDK) whose tools edit files through one loaded model.

Tools: `edit_file` (an instruction, an edit sketch, a unified diff or search/replace pairs),
`rename_symbol` (across files and folders) and `fix_diagnostic`. Each takes the same request
`specedit apply` does (lsp_server/apply.py builds and checks it), writes with the same
compare-before-write, and answers with what changed: per file a line of outcome, each hunk's
status, and a unified diff. Anything that fails is a tool error with the reason.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Annotated, Callable

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import ToolAnnotations
from pydantic import BaseModel, Field

from .apply import RequestError, check_request, file_outcomes
from .config import Settings
from .engine.engine import Engine
from .errors import CliError, EditError, ModelError
from .fileio import FileError
from .multifile import FileOutcome, write_outcomes

log = logging.getLogger("specedit")

INSTRUCTIONS = (
    "Edits files with a local model that verifies each change: give edit_file a unified diff, "
    "search/replace pairs, an edit sketch ('... existing code ...' lines for unchanged code) or an "
    "instruction; rename_symbol renames across files; fix_diagnostic fixes a linter or compiler message. "
    "Diffs may have stale line numbers or drifted context: each hunk is placed by its lines. "
    "Every answer says what happened to each hunk and shows the unified diff of what changed."
)
EDITS = ToolAnnotations(destructiveHint=False, idempotentHint=False, openWorldHint=False)


class Replacement(BaseModel):
    """One search/replace pair: `search` is text of the file (whitespace may differ), `replace` what it becomes."""

    search: str = Field(description="existing text of the file, whole lines preferred")
    replace: str = Field(description="what the search text becomes")


Path = Annotated[str, Field(description="the file, absolute or relative to the server's root")]
DryRun = Annotated[bool, Field(description="only show the diff; write nothing")]


def report(outcomes: list[FileOutcome], dry_run: bool, shown: Callable[[str], str] = str) -> str:
    """What happened, for the agent: a line per file, a line per hunk, then the unified diffs (paths as `shown`)."""
    lines, diffs = [], []
    for o in outcomes:
        name = shown(o.path)
        if not o.ok:
            lines.append(f"{name}: not changed: {shown(o.error or '')}")
        elif not o.changed:
            lines.append(f"{name}: unchanged" + (f" ({o.note})" if o.note else ""))
        else:
            verb = "would change" if dry_run else "changed"
            lines.append(f"{name}: {verb}" + ("" if o.as_drafted in (None, True) else
                                               " (the model's result differs from the prepared draft)") + _scope(o))
            diffs.append(o.diff(name))
        for h in o.hunks:
            where = f" at line {h.line}" if h.line is not None else ""
            lines.append(f"  hunk {h.number}: {h.status}{where}" + (f": {shown(h.reason)}" if h.reason else ""))
    return "\n".join(lines) + ("\n\n" + "".join(diffs) if diffs else "")


def _scope(outcome: FileOutcome) -> str:
    """Which definitions a free-form edit rewrote, when it rewrote named ones."""
    stats = outcome.stats or {}
    if stats.get("widened_for"):
        return f" (the whole file: the new code uses {', '.join(stats['widened_for'])}, defined nowhere in it)"
    return f" (only {', '.join(stats['definitions'])})" if stats.get("definitions") else ""


class Tools:
    """The tools over one engine; relative paths start at `root`."""

    def __init__(self, engine: Engine, root: str):
        self.engine = engine
        self.root = os.path.abspath(root)

    def path(self, path: str) -> str:
        return os.path.normpath(os.path.join(self.root, os.path.expanduser(path)))

    def shown(self, given: list[str]) -> Callable[[str], str]:
        """How the answer names files: relative to the root where the agent named them so (every path
        it gave relative), else as they are. Applied to file names and to the sentences that name them."""
        if any(os.path.isabs(os.path.expanduser(p)) for p in given):
            return str
        prefix = os.path.abspath(self.root).rstrip(os.sep) + os.sep

        def relative(text: str) -> str:
            # Files under the root lose the root's prefix; the root itself is "."; other paths stay whole.
            return "." if text == prefix[:-1] else text.replace(prefix, "")

        return relative

    def run(self, request: dict, dry_run: bool, given: list[str]) -> str:
        shown = self.shown(given)
        try:
            outcomes = file_outcomes(self.engine, check_request(request))
            if not dry_run:
                write_outcomes(outcomes, atomic=bool(request.get("atomic")))
        except (RequestError, CliError, FileError, EditError, ModelError) as exc:
            raise ToolError(shown(str(exc))) from exc
        text = report(outcomes, dry_run, shown)
        if not all(o.ok for o in outcomes):
            raise ToolError(text)
        return text

    def edit_file(self, path: Path,
                  instruction: Annotated[str | None, Field(description="what to change, in words")] = None,
                  sketch: Annotated[str | None, Field(description="the changed code with '... existing code ...' "
                                                       "comment lines standing for unchanged code")] = None,
                  diff: Annotated[str | None, Field(description="a unified diff; line numbers may be stale or "
                                                     "'@@ ... @@'; with a folder as path, a diff of its files")] = None,
                  replace: Annotated[list[Replacement] | None, Field(description="search/replace pairs")] = None,
                  lines: Annotated[str | None, Field(description="instruction only: lines 'A:B' to rewrite")] = None,
                  symbol: Annotated[str | None, Field(description="instruction only: the definitions to rewrite "
                                                       "(functions, methods, classes; comma-separated names)")] = None,
                  atomic: Annotated[bool, Field(description="a diff of several files: write all or none")] = True,
                  dry_run: DryRun = False) -> str:
        """Edit a file: give exactly one of instruction, sketch, diff or replace."""
        full = self.path(path)
        if symbol is not None and instruction is None:
            raise ToolError("'symbol' goes with an 'instruction': the definitions it rewrites (a rename is rename_symbol)")
        request: dict = {"instruction": instruction, "sketch": sketch, "diff": diff, "lines": lines, "symbol": symbol,
                         "replace": None if replace is None else [r.model_dump() for r in replace]}
        if diff is not None and os.path.isdir(full):
            request.update(root=full, atomic=atomic)
        else:
            request["file"] = full
        return self.run({k: v for k, v in request.items() if v is not None}, dry_run, [path])

    def rename_symbol(self, symbol: Annotated[str, Field(description="the name to rename")],
                      new_name: Annotated[str, Field(description="its new name")],
                      paths: Annotated[list[str], Field(description="files and folders (their files of known "
                                                                     "languages) to rename it in")],
                      dry_run: DryRun = False) -> str:
        """Rename a symbol in every file given and every source file under every folder given (identifiers,
        and the name in comments and docstrings); all files are written or none."""
        if not paths:
            raise ToolError("give at least one file or folder in 'paths'")
        request = {"symbol": symbol, "new_name": new_name, "paths": [self.path(p) for p in paths], "atomic": True}
        return self.run(request, dry_run, paths)

    def fix_diagnostic(self, path: Path,
                       diagnostic: Annotated[str, Field(description="the linter's or compiler's message, e.g. "
                                                                     "\"app.py:3:8: F401 `os` imported but unused\"")],
                       lines: Annotated[str | None, Field(description="lines 'A:B' around the problem")] = None,
                       dry_run: DryRun = False) -> str:
        """Fix a linter or compiler diagnostic in a file (a ruff, eslint or clippy rule runs that linter for its fix)."""
        request = {"file": self.path(path), "diagnostic": diagnostic, "lines": lines}
        return self.run({k: v for k, v in request.items() if v is not None}, dry_run, [path])


def build_server(engine: Engine, root: str = ".") -> MCPServer:
    """The MCP server with its three tools over `engine`."""
    server = MCPServer("specedit", instructions=INSTRUCTIONS)
    tools = Tools(engine, root)
    for tool in (tools.edit_file, tools.rename_symbol, tools.fix_diagnostic):
        server.add_tool(tool, name=tool.__name__, annotations=EDITS, structured_output=False)
    return server


def serve(settings: Settings, root: str = ".") -> int:
    """Run the server on stdio until the client goes; the model loads in the background at once and stays."""
    if not os.path.isdir(root):
        raise CliError(f"--root {root} is not a folder")
    engine = Engine(settings)

    def load() -> None:
        with engine.lock:  # a tool call waits for the load instead of loading a second copy
            try:
                engine.load()
            except ModelError as exc:
                log.error("cannot load the model: %s", exc)  # every tool call then says why

    threading.Thread(target=load, name="specedit-model-load", daemon=True).start()
    build_server(engine, root).run("stdio")
    return 0
