"""Fixtures of the remote-engine tests: a scriptable local HTTP stub, and llama-cpp-python's real server.

The stub is a tiny http.server whose answer each test scripts (status codes, SSE streams, broken
streams, silence); the real server is `python -m llama_cpp.server` on the embedded model, on
127.0.0.1, started once per session (with its prompt-lookup draft option where this version has it).
"""

from __future__ import annotations

import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Callable

import pytest

from lsp_server.config import Settings
from lsp_server.cpu import REBUILD, amx_path_built
from lsp_server.engine import openai_client

SERVER_START_TIMEOUT_S = 180


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- the stub ---------------------------------------------------------------------------------------


@dataclass
class Seen:
    path: str
    headers: dict
    body: dict


@dataclass
class Stub:
    """A local HTTP server; `script(handler, seen, n)` answers the n-th POST (1-based)."""

    url: str = ""
    script: Callable | None = None
    seen: list[Seen] = field(default_factory=list)
    broken: threading.Event = field(default_factory=threading.Event)  # a write failed: the client hung up
    models: list[str] = field(default_factory=lambda: ["stub-model"])


def chat_chunk(text: str, finish: str | None = None) -> dict:
    return {"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": finish}]}


def text_chunk(text: str, finish: str | None = None) -> dict:
    return {"object": "text_completion", "choices": [{"index": 0, "text": text, "finish_reason": finish}]}


def pieces(text: str, size: int = 7) -> list[str]:
    return [text[i:i + size] for i in range(0, len(text), size)]


def send_sse(h, events: list, done: bool = True, delay: float = 0.0, stub: Stub | None = None) -> None:
    """An SSE answer: each event a dict (sent as JSON) or a str (sent as the data line verbatim)."""
    h.send_response(200)
    h.send_header("Content-Type", "text/event-stream")
    h.end_headers()
    try:
        for event in events:
            data = event if isinstance(event, str) else json.dumps(event)
            h.wfile.write(f"data: {data}\n\n".encode())
            h.wfile.flush()
            if delay:
                time.sleep(delay)
        if done:
            h.wfile.write(b"data: [DONE]\n\n")
            h.wfile.flush()
    except (BrokenPipeError, ConnectionResetError):
        if stub is not None:
            stub.broken.set()


def send_error(h, status: int, message: str, headers: dict | None = None) -> None:
    body = json.dumps({"error": {"message": message, "type": "invalid_request_error"}}).encode()
    h.send_response(status)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", str(len(body)))
    for k, v in (headers or {}).items():
        h.send_header(k, v)
    h.end_headers()
    h.wfile.write(body)


@pytest.fixture
def stub(monkeypatch):
    state = Stub()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def do_GET(self):
            if self.path.endswith("/models"):
                body = json.dumps({"object": "list", "data": [{"id": m, "object": "model"} for m in state.models]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                send_error(self, 404, "not found")

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            seen = Seen(self.path, dict(self.headers), body)
            state.seen.append(seen)
            state.script(self, seen, len(state.seen))

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    # Fast failure paths: short backoff, a short silence limit; and no cached answers between tests.
    monkeypatch.setattr(openai_client, "RETRY_DELAYS_S", (0.01, 0.02, 0.03))
    monkeypatch.setattr(openai_client, "READ_TIMEOUT_S", 1.0)
    monkeypatch.setattr(openai_client, "_refused", {})
    monkeypatch.setattr(openai_client, "_models", {})
    monkeypatch.delenv("SPECEDIT_TEST_KEY", raising=False)
    yield state
    server.shutdown()
    server.server_close()


def remote_settings(url: str, api: str = "chat", **kw) -> Settings:
    settings = Settings()
    settings.engine = "openai"
    settings.engine_url = url
    settings.engine_api = api
    settings.engine_api_key_env = "SPECEDIT_TEST_KEY"
    for k, v in kw.items():
        setattr(settings, k, v)
    return settings


# -- llama-cpp-python's own OpenAI-compatible server on the embedded model -------------------------------


def _threads() -> int:
    return int(os.environ.get("SPECEDIT_TEST_THREADS", "1"))


def server_supports_prompt_lookup() -> bool:
    from llama_cpp.server.settings import ModelSettings

    return "draft_model" in ModelSettings.model_fields


@dataclass
class LlamaServer:
    url: str
    process: subprocess.Popen
    log_path: str
    prompt_lookup: bool


def amx_crash_ahead() -> str | None:
    """Why `python -m llama_cpp.server` would crash on this machine, or None.

    llama.cpp compiles its AMX weight-repacking path only into a build for AMX (a native build on
    an Intel CPU with AMX); on such a CPU that path segfaults on the first completion, and
    llama-cpp-python's server cannot switch it off (its Llama has no use_extra_bufts). The
    Makefile's build leaves AMX out (lsp_server/cpu.py), so with it this is always None.
    """
    import llama_cpp

    if amx_path_built(llama_cpp.llama_print_system_info()):
        return ("this llama-cpp-python was built with llama.cpp's AMX path (a native build on an AMX CPU) and its "
                f"server crashes on the first completion here (docs/measurements.md 1); reinstall it as the Makefile "
                f"builds it: {REBUILD}")
    return None


def start_llama_server(tmp_dir, prompt_lookup: bool = True, port: int | None = None) -> LlamaServer:
    """`python -m llama_cpp.server` on the embedded model; waits until GET /v1/models answers."""
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        pytest.skip("llama-cpp-python's server needs its extra: .venv/bin/pip install -e '.[test]'")
    if reason := amx_crash_ahead():
        pytest.fail(reason)
    from lsp_server.models import resolve

    port = port or free_port()
    argv = [sys.executable, "-m", "llama_cpp.server", "--model", resolve("gemma-3-270m"), "--host", "127.0.0.1",
            "--port", str(port), "--n_ctx", "8192", "--n_threads", str(_threads()),
            "--n_threads_batch", str(_threads())]
    lookup = prompt_lookup and server_supports_prompt_lookup()
    if lookup:
        argv += ["--draft_model", "prompt-lookup-decoding"]
    log_path = os.path.join(str(tmp_dir), f"llama-server-{port}.log")
    log = open(log_path, "w")
    process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"llama_cpp.server exited with {process.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(url + "/models", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"llama_cpp.server did not start within {SERVER_START_TIMEOUT_S} s; see {log_path}")
        time.sleep(0.3)
    return LlamaServer(url, process, log_path, lookup)


def stop_llama_server(server: LlamaServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(20)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


# One port chosen at import, so parametrized LSP settings (known at collection) can name it.
LLAMA_SERVER_PORT = free_port()


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory):
    server = start_llama_server(tmp_path_factory.mktemp("llama-server"), port=LLAMA_SERVER_PORT)
    yield server
    stop_llama_server(server)
