"""Fixtures of the reliability tests: the e2e editor client, a raw stdio client for bytes the library would never send."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import threading
import time
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.e2e.conftest import (  # noqa: F401  (client is a fixture, re-exported for this folder)
    CAPABILITIES,
    SERVER,
    EditorState,
    apply_text_edits,
    change_document,
    client,
    incremental_changes,
    plain,
    run_command,
    wait_job,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "reliability"
THREADS = int(os.environ.get("SPECEDIT_TEST_THREADS", "1"))  # see tests/model/conftest.py: 1 is steadier on 2 shared cores
OPTIONS = {"acceptance": "auto", "nThreads": THREADS}


def pos(line: int, character: int) -> dict:
    return {"line": line, "character": character}


def rng(start: tuple[int, int], end: tuple[int, int]) -> dict:
    return {"start": pos(*start), "end": pos(*end)}


def open_text(client: LanguageClient, uri: str, text: str, language_id: str = "python") -> str:
    """didOpen a document at any URI (in-memory for the server; only the client's copy is kept)."""
    client.editor.texts[uri] = text
    client.editor.versions[uri] = 1
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id=language_id, version=1, text=text)))
    return uri


def memory_uri(name: str) -> str:
    return (DATA / "memory" / name).as_uri()


async def edit_and_wait(client: LanguageClient, command: str, argument: dict) -> dict:
    started = await run_command(client, command, argument)
    return await wait_job(client, started["job"])


def server_pid(client: LanguageClient) -> int:
    return client._server.pid  # pygls' client keeps the subprocess it started


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS line")


async def until_generating(client: LanguageClient, job_id: int, timeout: float = 120) -> bool:
    """Wait for a progress report with token counts (the model is decoding); False if the job ended first."""
    token = f"specedit-job-{job_id}"

    def generating() -> bool:
        reports = client.progress_reports.get(token, [])
        return any(isinstance(r, types.WorkDoneProgressReport) and " tok, " in (r.message or "") for r in reports)

    async def wait() -> bool:
        while not generating():
            if any(job["job"] == job_id for job in client.editor.jobs_done):
                return False
            await asyncio.sleep(0.01)
        return True

    return await asyncio.wait_for(wait(), timeout)


def whole_lines_of(text: str, *versions: str) -> bool:
    """Every line of text is a line of one of the versions: no hunk was applied halfway."""
    allowed = {line for version in versions for line in version.splitlines()}
    return all(line in allowed for line in text.splitlines())


# -- a pytest-lsp client with a workspace folder -------------------------------------------


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def workspace_client(lsp_client: LanguageClient, request):
    """Like tests.e2e's client, but initialized with request.param = {"root": Path, "options": {...}}."""
    state = EditorState()
    lsp_client.editor = state  # type: ignore[attr-defined]

    @lsp_client.feature(types.WORKSPACE_APPLY_EDIT)
    async def apply_edit(params: types.ApplyWorkspaceEditParams):
        for change in params.edit.document_changes or []:
            uri = change.text_document.uri
            changes = incremental_changes(state.texts[uri], change.edits)
            state.texts[uri] = apply_text_edits(state.texts[uri], change.edits)
            state.versions[uri] += 1
            lsp_client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=state.versions[uri]),
                content_changes=changes))
        state.applied.append(params)
        return types.ApplyWorkspaceEditResult(applied=True)

    @lsp_client.feature("specedit/jobDone")
    def job_done(params):
        state.jobs_done.append(plain(params))
        state.job_event.set()

    root: Path = request.param["root"]
    lsp_client.init_result = await lsp_client.initialize_session(types.InitializeParams(
        capabilities=CAPABILITIES, initialization_options=request.param.get("options", OPTIONS), process_id=None,
        root_uri=root.as_uri(), workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)]))
    yield
    await lsp_client.shutdown_session()


# -- a raw JSON-RPC client over the server's stdio -------------------------------------------


def response_key(rid):
    """Ids as dict keys: a fuzzed id may be an object or a list."""
    return rid if isinstance(rid, (int, str, type(None))) else json.dumps(rid, sort_keys=True)


class RawServer:
    """The server process, spoken to in raw Content-Length frames; requests from the server are answered."""

    def __init__(self, stderr=subprocess.DEVNULL):
        self.proc = subprocess.Popen(SERVER, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr,
                                     cwd=Path(__file__).resolve().parents[2])
        self.responses: dict[object, dict] = {}
        self.notifications: list[dict] = []
        self.bad_frames = 0
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._write_lock = threading.Lock()
        self._next_id = 1
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    # writing

    def write_raw(self, data: bytes) -> None:
        with self._write_lock:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()

    def frame(self, body: bytes) -> None:
        self.write_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def send(self, message: dict) -> None:
        self.frame(json.dumps(message).encode("utf-8"))

    def request_id(self) -> int:
        with self._lock:
            rid = self._next_id
            self._next_id += 1
        return rid

    def request(self, method: str, params=None) -> int:
        rid = self.request_id()
        message = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        return rid

    def notify(self, method: str, params=None) -> None:
        message = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)

    # reading

    def _read(self) -> None:
        stream = self.proc.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            if length is None:
                self.bad_frames += 1
                continue
            body = stream.read(length)
            try:
                message = json.loads(body)
            except ValueError:
                self.bad_frames += 1
                continue
            self._dispatch(message)

    def _dispatch(self, message: dict) -> None:
        if "method" in message and "id" in message:  # a request from the server: answer like a shy editor
            result = {"applied": False, "failureReason": "raw test client"} if message["method"] == "workspace/applyEdit" else None
            try:
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": result})
            except (BrokenPipeError, ValueError):
                pass
            return
        with self._arrived:
            if "method" in message:
                self.notifications.append(message)
            else:
                self.responses[response_key(message.get("id"))] = message
            self._arrived.notify_all()

    def wait_response(self, rid, timeout: float = 10.0) -> dict | None:
        deadline = time.monotonic() + timeout
        with self._arrived:
            rid = response_key(rid)
            while rid not in self.responses:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._arrived.wait(left)
            return self.responses[rid]

    def call(self, method: str, params=None, timeout: float = 10.0) -> dict | None:
        return self.wait_response(self.request(method, params), timeout)

    # lifecycle

    def initialize(self, options=None) -> dict | None:
        answer = self.call("initialize", {"processId": None, "rootUri": None, "capabilities": {
            "general": {"positionEncodings": ["utf-16"]},
            "workspace": {"applyEdit": True, "workspaceEdit": {"documentChanges": True}},
            "window": {"workDoneProgress": True}}, "initializationOptions": options or OPTIONS}, timeout=30)
        self.notify("initialized", {})
        return answer

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        if self.alive:
            try:
                self.call("shutdown", timeout=5)
                self.notify("exit")
                self.proc.wait(5)
            except (BrokenPipeError, OSError, subprocess.TimeoutExpired):
                pass
        if self.alive:
            self.proc.kill()
            self.proc.wait(5)
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
