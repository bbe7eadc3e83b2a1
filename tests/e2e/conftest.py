"""A pytest-lsp client that behaves like an editor: it applies the server's edits to its own copy."""

from __future__ import annotations

import asyncio
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

DATA = Path(__file__).resolve().parents[1] / "data" / "e2e"
SERVER = [sys.executable, "-m", "lsp_server.cli", "serve"]
JOB_TIMEOUT_S = 240


@dataclass
class EditorState:
    """The editor side: open documents, applied edits, finished jobs."""

    texts: dict[str, str] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    applied: list[types.ApplyWorkspaceEditParams] = field(default_factory=list)
    jobs_done: list[dict] = field(default_factory=list)
    job_event: asyncio.Event = field(default_factory=asyncio.Event)
    on_apply: list = field(default_factory=list)  # hooks run after each applied edit (tests type here)
    reject_stale: bool = True


# LSP ends a line at \r\n, \n or \r and nowhere else (str.splitlines also breaks at \x0c, \x85, U+2028 ...).
LINE_BREAK = re.compile(r"\r\n|\n|\r")


def offset(text: str, pos: types.Position) -> int:
    """UTF-16 position -> str index (the client negotiates UTF-16, like VS Code); past a line's end: its end."""
    starts = [0] + [m.end() for m in LINE_BREAK.finditer(text)]
    if pos.line >= len(starts):
        return len(text)
    start = starts[pos.line]
    line_break = LINE_BREAK.search(text, start)
    end = line_break.start() if line_break else len(text)
    units = 0
    for i in range(start, end):
        if units >= pos.character:
            return i
        units += 2 if ord(text[i]) > 0xFFFF else 1
    return end


def apply_text_edits(text: str, edits) -> str:
    spans = sorted(((offset(text, e.range.start), offset(text, e.range.end), e.new_text) for e in edits), reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def incremental_changes(text: str, edits) -> list[types.TextDocumentContentChangePartial]:
    """The didChange an editor sends for applied edits, as VS Code does: one range per edit, last first,
    so that each range still holds in the text the changes before it left."""
    ordered = sorted(edits, key=lambda e: offset(text, e.range.start), reverse=True)
    return [types.TextDocumentContentChangePartial(range=e.range, text=e.new_text) for e in ordered]


CAPABILITIES = types.ClientCapabilities(
    general=types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf16]),
    workspace=types.WorkspaceClientCapabilities(
        apply_edit=True, workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True)
    ),
    window=types.WindowClientCapabilities(work_done_progress=True),
)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient, request):
    state = EditorState()
    lsp_client.editor = state  # type: ignore[attr-defined]

    @lsp_client.feature(types.WORKSPACE_APPLY_EDIT)
    async def apply_edit(params: types.ApplyWorkspaceEditParams):
        for change in params.edit.document_changes or []:
            uri, version = change.text_document.uri, change.text_document.version
            if state.reject_stale and version is not None and version != state.versions[uri]:
                return types.ApplyWorkspaceEditResult(applied=False, failure_reason="version mismatch")
            changes = incremental_changes(state.texts[uri], change.edits)
            state.texts[uri] = apply_text_edits(state.texts[uri], change.edits)
            state.versions[uri] += 1
            lsp_client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=state.versions[uri]),
                content_changes=changes))
        state.applied.append(params)
        for hook in list(state.on_apply):
            await hook(lsp_client)
        return types.ApplyWorkspaceEditResult(applied=True)

    @lsp_client.feature("specedit/jobDone")
    def job_done(params):
        state.jobs_done.append(plain(params))
        state.job_event.set()

    options = getattr(request, "param", None) or {"acceptance": "auto"}
    lsp_client.init_result = await lsp_client.initialize_session(types.InitializeParams(
        capabilities=CAPABILITIES, initialization_options=options, process_id=None, root_uri=None))
    yield
    await lsp_client.shutdown_session()


def plain(value):
    """pygls hands custom notifications over as nested namedtuples: back to dicts and lists."""
    if hasattr(value, "_asdict"):
        return {k: plain(v) for k, v in value._asdict().items()}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def open_document(client: LanguageClient, name: str, text: str | None = None, language_id: str = "python") -> str:
    path = DATA / name
    text = path.read_text() if text is None else text
    uri = path.as_uri()
    client.editor.texts[uri] = text
    client.editor.versions[uri] = 1
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id=language_id, version=1, text=text)))
    return uri


def edit_document(client: LanguageClient, uri: str, start: tuple[int, int], end: tuple[int, int], new_text: str) -> None:
    """The user types: an incremental didChange of one range (UTF-16 positions), applied to the editor's copy too."""
    edit = types.TextEdit(range=types.Range(types.Position(*start), types.Position(*end)), new_text=new_text)
    state = client.editor
    changes = incremental_changes(state.texts[uri], [edit])
    state.texts[uri] = apply_text_edits(state.texts[uri], [edit])
    state.versions[uri] += 1
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=state.versions[uri]),
        content_changes=changes))


def change_document(client: LanguageClient, uri: str, new_text: str) -> None:
    state = client.editor
    state.texts[uri] = new_text
    state.versions[uri] += 1
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=state.versions[uri]),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=new_text)]))


async def run_command(client: LanguageClient, command: str, argument: dict):
    return await client.workspace_execute_command_async(types.ExecuteCommandParams(command=command, arguments=[argument]))


async def wait_job(client: LanguageClient, job_id: int) -> dict:
    async def done():
        while True:
            for job in client.editor.jobs_done:
                if job["job"] == job_id:
                    return job
            client.editor.job_event.clear()
            await client.editor.job_event.wait()
    return await asyncio.wait_for(done(), JOB_TIMEOUT_S)
