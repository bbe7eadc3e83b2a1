"""An OpenAI-compatible inference server, spoken to with the standard library: one streamed request (SSE), its errors in one sentence.

Used by engine/remote.py. Retries 429 and 5xx with backoff; a request field the server refuses by
name (`prediction`, `stream_options`) is dropped once and remembered; cancellation closes the socket.
The API key comes from the variable the settings name (never a file) and goes only over https or to this machine.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import os
import queue
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlsplit

from ..config import Settings
from ..errors import Cancelled, EditError, ModelError

CONNECT_TIMEOUT_S = 10.0  # to open the TCP (and TLS) connection
READ_TIMEOUT_S = 300.0  # the longest silence accepted while waiting for the answer (a CPU server's prefill)
RETRY_DELAYS_S = (0.5, 1.0, 2.0)  # backoff between tries on 429 and 5xx (then the error is reported)
MAX_RETRY_AFTER_S = 10.0  # a server's Retry-After is honoured up to this
POLL_S = 0.05  # how often cancellation is checked while the stream is silent
# Request fields a server may not know; one that it refuses by name is dropped and remembered.
OPTIONAL_FIELDS = ("prediction", "stream_options")

# (base url, model) -> optional fields the server refused; base url -> the model name GET /models gave.
_refused: dict[tuple[str, str], set[str]] = {}
_models: dict[str, str] = {}
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class Endpoint:
    """Where and how to reach the server."""

    url: str  # the API base as given, e.g. http://127.0.0.1:8080/v1 (no trailing slash)
    scheme: str
    host: str
    port: int
    base_path: str  # "/v1"
    model: str | None
    api: str  # "chat" | "completion"
    key_env: str
    api_key: str | None = field(default=None, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> "Endpoint":
        url = (settings.engine_url or "").strip().rstrip("/")
        if not url:
            raise ModelError("the openai engine needs the server's URL: set engineUrl (--engine-url), "
                             "e.g. http://127.0.0.1:8080/v1")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ModelError(f"engineUrl must be an http:// or https:// URL, got {url!r}")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise ModelError(f"engineUrl has a bad port: {url!r}") from None
        key_env = settings.engine_api_key_env or "OPENAI_API_KEY"
        api_key = os.environ.get(key_env) or None
        if api_key and parts.scheme != "https" and not is_loopback(parts.hostname):
            # Plain http to another machine shows the key on the way (the URL's user-info is left out too).
            raise ModelError(f"not sending the API key in ${key_env} (engineApiKeyEnv) over plain http to "
                             f"{parts.hostname}:{port}: set engineUrl to an https:// URL, or to a server on this machine")
        return cls(url=url, scheme=parts.scheme, host=parts.hostname, port=port, base_path=parts.path.rstrip("/"),
                   model=settings.engine_model or None, api=settings.engine_api, key_env=key_env, api_key=api_key)


def is_loopback(host: str) -> bool:
    """`localhost` or a loopback address; other names are not resolved (what they resolve to can change)."""
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])  # without an IPv6 zone (fe80::1%eth0)
    except ValueError:
        return host.lower().rstrip(".") == "localhost"
    return (getattr(address, "ipv4_mapped", None) or address).is_loopback  # ::ffff:127.0.0.1 is 127.0.0.1


# -- one HTTP exchange, streamed --------------------------------------------------------------------


@dataclass
class Answer:
    """What a finished (or stopped) request told us beyond its text."""

    finish_reason: str | None = None
    done: bool = False  # the server sent [DONE] (or a complete non-streamed answer)
    usage: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)  # llama.cpp's server: prompt_n, draft_n, draft_n_accepted, ...
    deltas: int = 0  # content events received
    first_at: float | None = None  # perf_counter of the first content
    sent_at: float = 0.0


class _Exchange:
    """One POST whose response is read on a helper thread, so cancellation can close the socket at once."""

    def __init__(self, ep: Endpoint, path: str, body: dict):
        self.ep = ep
        self.path = path
        self.body = json.dumps(body).encode("utf-8")
        self.events: queue.Queue = queue.Queue()
        self.conn: http.client.HTTPConnection | None = None
        self.sock: socket.socket | None = None  # kept: http.client hands it to the response and forgets it
        self.closed = False
        self.thread = threading.Thread(target=self._run, name="specedit-remote", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def close(self) -> None:
        """Close the connection now (a reader blocked on it wakes up with an error it then ignores)."""
        self.closed = True
        if self.sock is not None:
            try:
                self.sock.shutdown(socket.SHUT_RDWR)  # wakes a blocked read; the server sees the hang-up
            except OSError:
                pass
        if self.conn is not None:
            self.conn.close()

    def _run(self) -> None:
        ep = self.ep
        try:
            if ep.scheme == "https":
                conn = http.client.HTTPSConnection(ep.host, ep.port, timeout=CONNECT_TIMEOUT_S,
                                                   context=ssl.create_default_context())
            else:
                conn = http.client.HTTPConnection(ep.host, ep.port, timeout=CONNECT_TIMEOUT_S)
            self.conn = conn
            conn.connect()
            self.sock = conn.sock
            if self.closed:  # cancelled while connecting
                self.close()
                return
            conn.sock.settimeout(READ_TIMEOUT_S)
            headers = {"Content-Type": "application/json", "Accept": "text/event-stream, application/json"}
            if ep.api_key:
                headers["Authorization"] = f"Bearer {ep.api_key}"
            conn.request("POST", ep.base_path + self.path, body=self.body, headers=headers)
            resp = conn.getresponse()
            if resp.status != 200:
                self.events.put(("status", resp.status, resp.getheader("Retry-After"), resp.read(65536)))
                return
            ctype = (resp.getheader("Content-Type") or "").lower()
            if "text/event-stream" not in ctype:  # a server that ignored stream: true answers in one piece
                self.events.put(("whole", resp.read(16 << 20)))
                return
            self.events.put(("status", 200, None, b""))
            while True:
                line = resp.readline(1 << 20)
                if not line:
                    self.events.put(("eof",))
                    return
                self.events.put(("line", line))
        except Exception as exc:  # noqa: BLE001 - every failure is reported to the waiting thread
            if not self.closed:
                self.events.put(("error", exc))

    def next(self, cancelled: Callable[[], bool]):
        """The next event from the reader; Cancelled (after closing the connection) if the user cancels."""
        while True:
            if cancelled():
                self.close()
                raise Cancelled()
            try:
                return self.events.get(timeout=POLL_S)
            except queue.Empty:
                continue


def _error_text(body: bytes) -> str:
    """The server's own message from an error body (OpenAI, FastAPI, llama.cpp, Ollama shapes)."""
    text = body.decode("utf-8", "replace").strip()
    try:
        doc = json.loads(text)
    except ValueError:
        return " ".join(text.split())[:300]
    found = None
    if isinstance(doc, dict):
        err = doc.get("error", doc.get("detail", doc.get("message")))
        if isinstance(err, dict):
            found = err.get("message") or err.get("msg")
        elif isinstance(err, list) and err and isinstance(err[0], dict):  # FastAPI validation errors
            found = "; ".join(f"{'.'.join(map(str, e.get('loc', [])))}: {e.get('msg', '')}" for e in err[:3])
        elif err is not None:
            found = str(err)
    return " ".join(str(found or text).split())[:300]


def _connection_error(ep: Endpoint, exc: BaseException) -> ModelError:
    where = f"the inference server at {ep.url}"
    if isinstance(exc, ConnectionRefusedError):
        return ModelError(f"cannot connect to {where}: connection refused (is the server running?)")
    if isinstance(exc, socket.gaierror):
        return ModelError(f"cannot connect to {where}: unknown host {ep.host!r}")
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return ModelError(f"{where} did not answer within {READ_TIMEOUT_S:g} s; gave up")
    if isinstance(exc, ssl.SSLError):
        return ModelError(f"cannot connect to {where}: TLS failed ({exc.reason or exc})")
    if isinstance(exc, (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)):
        return ModelError(f"{where} closed the connection before answering")
    return ModelError(f"cannot talk to {where}: {exc}")


def _status_error(ep: Endpoint, status: int, message: str, tries: int = 1, model: str | None = None) -> ModelError:
    where = f"the inference server at {ep.url}"
    said = f" ({message})" if message else ""
    if status in (401, 403):
        hint = (f"check the key in ${ep.key_env}" if ep.api_key else f"set its API key in the environment variable ${ep.key_env}")
        return ModelError(f"{where} refused the request (HTTP {status}{': ' + message if message else ''}): {hint}")
    if status == 404:
        if "model" in message.lower():
            return ModelError(f"{where} has no model {(model or ep.model)!r} (HTTP 404{': ' + message if message else ''}): "
                              "check engineModel")
        return ModelError(f"{where} has no OpenAI-compatible endpoint there (HTTP 404): engineUrl should be the "
                          "API base, e.g. http://127.0.0.1:8080/v1")
    if status == 429 or status >= 500:
        return ModelError(f"{where} is busy or failing (HTTP {status} after {tries} tries){said}")
    return ModelError(f"{where} refused the request (HTTP {status}){said}")


def _parse_event(data: str) -> dict:
    try:
        doc = json.loads(data)
    except ValueError:
        raise EditError(f"the inference server sent a malformed stream (not JSON: {data[:80]!r})", kind="model") from None
    if not isinstance(doc, dict):
        raise EditError("the inference server sent a malformed stream (an event that is not an object)", kind="model")
    if "error" in doc:
        raise ModelError(f"the inference server failed while answering: {_error_text(data.encode())}")
    return doc


def _content_of(choice: dict) -> str:
    delta = choice.get("delta")
    if isinstance(delta, dict):
        return delta.get("content") or ""
    message = choice.get("message")
    if isinstance(message, dict):
        return message.get("content") or ""
    return choice.get("text") or ""


def request_stream(ep: Endpoint, path: str, body: dict, on_text: Callable[[str], bool],
                   cancelled: Callable[[], bool]) -> Answer:
    """POST body to path and feed the answer's text to on_text as it streams, until on_text returns True.

    Retries 429/5xx with backoff; drops an optional field the server refuses (and remembers that);
    closes the connection as soon as on_text is satisfied or the user cancels (Cancelled).
    """
    body = dict(body)
    refused = _refused.setdefault((ep.url, str(body.get("model"))), set())
    for name in refused:
        body.pop(name, None)
    tries = 0
    while True:
        if cancelled():
            raise Cancelled()
        tries += 1
        answer = Answer(sent_at=time.perf_counter())
        exchange = _Exchange(ep, path, body)
        exchange.start()
        try:
            event = exchange.next(cancelled)
            if event[0] == "error":
                raise _connection_error(ep, event[1])
            if event[0] == "status" and event[1] != 200:
                status, retry_after, message = event[1], event[2], _error_text(event[3])
                dropped = [n for n in OPTIONAL_FIELDS if n in body and n in message.lower()]
                if status in (400, 422) and dropped:
                    with _cache_lock:
                        refused.update(dropped)
                    for name in dropped:
                        body.pop(name, None)
                    tries -= 1  # not a retry of the same request
                    continue
                if (status == 429 or status >= 500) and tries <= len(RETRY_DELAYS_S):
                    delay = RETRY_DELAYS_S[tries - 1]
                    try:
                        delay = min(MAX_RETRY_AFTER_S, max(delay, float(retry_after))) if retry_after else delay
                    except ValueError:
                        pass
                    _sleep(delay, cancelled)
                    continue
                raise _status_error(ep, status, message, tries, body.get("model"))
            if event[0] == "whole":
                doc = _parse_event(event[1].decode("utf-8", "replace"))
                _read_chunk(doc, answer, on_text)
                answer.done = True
                return answer
            _read_sse(exchange, answer, on_text, cancelled, ep)
            return answer
        finally:
            exchange.close()


def _sleep(seconds: float, cancelled: Callable[[], bool]) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if cancelled():
            raise Cancelled()
        time.sleep(min(POLL_S, max(0.0, end - time.monotonic())))


def _read_chunk(doc: dict, answer: Answer, on_text: Callable[[str], bool]) -> bool:
    """One parsed event; True when on_text wants no more."""
    if isinstance(doc.get("usage"), dict):
        answer.usage = doc["usage"]
    if isinstance(doc.get("timings"), dict):
        answer.timings = doc["timings"]
    choices = doc.get("choices")
    if not isinstance(choices, list):
        if "usage" in doc or "timings" in doc:
            return False
        raise EditError("the inference server sent a malformed stream (an event without choices)", kind="model")
    stop = False
    for choice in choices[:1]:
        if not isinstance(choice, dict):
            raise EditError("the inference server sent a malformed stream (a choice that is not an object)", kind="model")
        text = _content_of(choice)
        if text:
            if answer.first_at is None:
                answer.first_at = time.perf_counter()
            answer.deltas += 1
            stop = on_text(text)
        if choice.get("finish_reason"):
            answer.finish_reason = choice["finish_reason"]
    return stop


def _read_sse(exchange: _Exchange, answer: Answer, on_text: Callable[[str], bool], cancelled, ep: Endpoint) -> None:
    data: list[str] = []
    while True:
        event = exchange.next(cancelled)
        if event[0] == "error":
            exc = event[1]
            if isinstance(exc, (socket.timeout, TimeoutError)):
                raise ModelError(f"the inference server at {ep.url} went silent for {READ_TIMEOUT_S:g} s "
                                 "in the middle of its answer; gave up")
            raise EditError("the inference server's stream broke off before the answer was complete", kind="model")
        if event[0] == "eof":
            return  # the caller tells a finished answer from a cut one
        line = event[1].decode("utf-8", "replace").rstrip("\r\n")
        if line.startswith(":") or line.startswith(("event:", "id:", "retry:")):
            continue
        if line.startswith("data:"):
            data.append(line[5:].lstrip(" ") if line[5:6] == " " else line[5:])
            continue
        if line == "" and data:
            payload = "\n".join(data)
            data = []
            if payload.strip() == "[DONE]":
                answer.done = True
                return
            if _read_chunk(_parse_event(payload), answer, on_text):
                return
        elif line:
            raise EditError(f"the inference server sent a malformed stream (unexpected line {line[:60]!r})", kind="model")


def model_name(ep: Endpoint, cancelled: Callable[[], bool] = lambda: False) -> str:
    """engineModel, else the first model the server lists (GET /models, once per server)."""
    if ep.model:
        return ep.model
    with _cache_lock:
        known = _models.get(ep.url)
    if known:
        return known
    conn_cls = http.client.HTTPSConnection if ep.scheme == "https" else http.client.HTTPConnection
    conn = conn_cls(ep.host, ep.port, timeout=CONNECT_TIMEOUT_S)
    try:
        headers = {"Authorization": f"Bearer {ep.api_key}"} if ep.api_key else {}
        conn.request("GET", ep.base_path + "/models", headers=headers)
        resp = conn.getresponse()
        body = resp.read(1 << 20)
    except Exception as exc:  # noqa: BLE001
        raise _connection_error(ep, exc) from exc
    finally:
        conn.close()
    if resp.status != 200:
        if resp.status in (401, 403):
            raise _status_error(ep, resp.status, _error_text(body))
        raise ModelError(f"the inference server at {ep.url} does not list its models (HTTP {resp.status}): "
                         "set engineModel (--engine-model)")
    try:
        name = json.loads(body)["data"][0]["id"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise ModelError(f"the inference server at {ep.url} lists no model: set engineModel (--engine-model)") from None
    with _cache_lock:
        _models[ep.url] = name
    return name
