"""The remote engine: a region's edit run on an OpenAI-compatible inference server, streamed.

Settings `engine = "openai"` send the same prompt the local engine builds (the chat message for
instruct models on /chat/completions, the completion prompt for base models on /completions) to
llama.cpp's llama-server, vLLM, Ollama or OpenAI, and read the answer as it streams (SSE).
The streamed bytes go through the same machinery as the local loop's tokens: a Drafter over the
region's draft texts, tokenized one byte per token, tells where the output stands in the original
(so Progress carries sync points and hunks stream into editors as they are final), and ends the
output at the closing fence or, for base models, where it re-joins the end of the region's code.
A tool's draft (a rename, a fix, a merged sketch) is shown in the prompt as the proposed result; on
/completions its changed words are written in where the model turns away from them, and the
answer restarts after them (the local loop's forced tokens, one request per correction).
Speed on this path comes from the server's own n-gram/prompt-lookup speculation (see README,
"Using a shared inference server") and, where the server has it, OpenAI's predicted outputs: the
region's draft is sent as `prediction`; a server that refuses the field is asked again without it
once, and never again.

Only the standard library talks HTTP here (http.client); the API key comes from the environment
variable the settings name, never from a file. Every failure is one sentence: ModelError where the
server cannot be used (unreachable, refused key, unknown model, busy after retries), EditError
(kind "model") where its answer cannot be (no code block, unfinished, broken off, malformed).
"""

from __future__ import annotations

import dataclasses
import http.client
import json
import os
import queue
import re
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlsplit

from .. import coords, syntax
from ..config import Settings
from ..errors import Cancelled, EditError, ModelError
from . import prompts
from .drafts import MISPLACED_WINDOW, DraftText, Drafter, changed_ranges, dropped_lines, line_map
from .request import EditRequest, Region
from .speculative import LoopStats, Step, stop_index

CONNECT_TIMEOUT_S = 10.0  # to open the TCP (and TLS) connection
READ_TIMEOUT_S = 300.0  # the longest silence accepted while waiting for the answer (a CPU server's prefill)
RETRY_DELAYS_S = (0.5, 1.0, 2.0)  # backoff between tries on 429 and 5xx (then the error is reported)
MAX_RETRY_AFTER_S = 10.0  # a server's Retry-After is honoured up to this
POLL_S = 0.05  # how often cancellation is checked while the stream is silent
# Request fields a server may not know; one that it refuses by name is dropped and remembered.
OPTIONAL_FIELDS = ("prediction", "stream_options")
# Under typical acceptance a re-sync may skip at most this much draft text (bytes): as the local engine.
MAX_JUMP_LOSSY = 512
NO_TOKEN = -1  # output_token_ids of a remote answer: the count is real, the ids are not known here
# Above a tool's draft in the prompt (remote engine only: see prompt_for).
PROPOSAL_LABEL = "Proposed result (made by a tool; keep it unless it is wrong):"
# Completion prompts: how many times an answer may be restarted with a tool's change written in (see edit_region).
MAX_FORCED_RESTARTS = 64

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
        return cls(url=url, scheme=parts.scheme, host=parts.hostname, port=port, base_path=parts.path.rstrip("/"),
                   model=settings.engine_model or None, api=settings.engine_api, key_env=key_env,
                   api_key=os.environ.get(key_env) or None)


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


# -- one region's edit -------------------------------------------------------------------------------

_OPENING = re.compile(r"^[ \t]*(`{3,})[^`\n]*\n", re.M)


def _byte_draft(text: str, index: syntax.SyntaxIndex | None, offset: int) -> DraftText:
    """A draft text tokenized one byte per token: the Drafter then aligns any streamed text to it."""
    data = text.encode("utf-8")
    draft = DraftText(data=data, tokens=list(data), starts=list(range(len(data) + 1)))
    fence_at = data.rfind(b"`" * 3)
    draft.content_end = fence_at if fence_at >= 0 else None
    if index is not None:
        draft.is_sync_start = lambda pos: index.is_sync_start(pos + offset)
    return draft


def _budget(region_bytes: int, settings: Settings, chat: bool) -> int:
    """max_tokens as the local engine's budget: the draft's length, half again and 128 more (maxNewTokens caps it).

    The region's tokens are estimated from its bytes (code averages over 3 bytes a token: 2 is generous).
    """
    draft_tokens = region_bytes // 2 + 32
    wanted = draft_tokens + draft_tokens // 2 + 128 + (64 if chat else 0)  # chat: the fence lines, a preamble
    return min(wanted, settings.max_new_tokens) if settings.max_new_tokens else wanted


def prompt_for(settings: Settings, request: EditRequest, region: Region, language: syntax.Language):
    """(PromptParts, the text sent: the chat message or the completion prompt, fence)."""
    from .engine import prompt_parts

    text = request.text
    fence = prompts.fence_for(text, region.draft or "", request.sketch or "")
    parts = prompt_parts(text, (region.start, region.end), language, request.path,
                         request.instruction or "apply the change shown in the draft", fence, request.sketch,
                         excerpt=region.draft is not None)
    chat = settings.engine_api == "chat"
    if region.draft is None:
        return parts, (prompts.chat_message(parts) if chat else prompts.completion_prompt(parts)), fence
    # A tool's draft (a rename, a fix, a merged sketch) is the intended result. The local loop makes
    # the model verify it token by token and takes its changed words as drafted; a server cannot be
    # steered like that, so the draft is shown as the proposed result after the change request.
    draft = region.draft if region.draft.endswith("\n") or not region.draft else region.draft + "\n"
    proposal = f"{PROPOSAL_LABEL}\n{fence}{parts.fence_lang}\n{draft}{fence}\n"
    if chat:
        return parts, f"{prompts.chat_message(parts)}\n{proposal}", fence
    plain = prompts.user_text(dataclasses.replace(parts, sketch=None))
    return parts, f"{plain}\n{proposal}\n{prompts.target_label(parts)}:\n{parts.opening}", fence


def edit_region(settings: Settings, request: EditRequest, region: Region, on_progress, cancelled
                ) -> tuple[str, LoopStats]:
    """The region's new text and its stats, from the server; Progress as the answer streams."""
    from .engine import progress_of

    ep = Endpoint.from_settings(settings)
    chat = ep.api == "chat"
    language = syntax.language_for(request.path, request.language_id)
    text = request.text
    original = text[region.start:region.end]
    parts, prompt, fence = prompt_for(settings, request, region, language)
    closing = ("" if not original or original.endswith("\n") else "\n") + fence
    region_bytes = original.encode("utf-8")
    draft_settings = settings.draft
    acceptance = request.acceptance or draft_settings.acceptance
    if acceptance == "auto":
        acceptance = "typical" if region.draft is not None else "greedy"
    index = (syntax.SyntaxIndex(text.encode("utf-8"), language)
             if draft_settings.syntax_aligned and region.draft is None else None)
    sources = [_byte_draft(original + closing, index, coords.index_to_byte(text, region.start))]
    if region.draft is not None:
        led = _byte_draft(region.draft + closing, None, 0)
        led.forced = changed_ranges(region_bytes, region.draft.encode("utf-8"))
        led.led = True
        sources.insert(0, led)
    drafter = Drafter(sources, max_jump=MAX_JUMP_LOSSY if acceptance == "typical" else None)
    original_source = 1 if region.draft is not None else 0
    led_to_original = line_map(sources[0].data, region_bytes) if region.draft is not None else None
    if led_to_original is not None:
        drafter.mirror(1, lambda pos: (led_to_original.at_or_before(pos) or (0, 0))[1])

    model = model_name(ep, cancelled)
    body: dict = {"model": model, "stream": True, "temperature": 0, "max_tokens": _budget(len(region_bytes), settings, chat),
                  "stream_options": {"include_usage": True}}
    if chat:
        body["messages"] = [{"role": "user", "content": prompt}]
        predicted = region.draft if region.draft is not None else original
        # The answer as the server would write it if it took the draft: one fenced block.
        body["prediction"] = {"type": "content",
                              "content": parts.opening + predicted + ("" if predicted.endswith("\n") else "\n") + fence + "\n"}
    else:
        body["prompt"] = prompt
    stats = LoopStats()
    state = {"code": not chat, "head": "", "stop": fence.encode(), "reason": "", "restart": False}
    output = bytearray()
    # Base models on /completions: where the output follows the tool's draft and turns away from it
    # inside a changed word (a rename's new name, a fix), the word is written in as drafted, and where
    # it skips ahead or repeats (its text is the draft's own, nearby), the draft's line is written in;
    # then the answer restarts after it: the prompt plus the output so far (the server's prompt cache
    # keeps that cheap). That is what the local loop's forced tokens and typical acceptance do; chat
    # endpoints cannot continue a partial answer, so there the draft is shown (and sent as the prediction).
    led = sources[0] if region.draft is not None and not chat else None

    def forced_end(pos: int) -> int | None:
        for lo, hi in led.forced:
            if lo <= pos < hi:
                return hi
        return None

    def misplaced(text: bytes, at: int) -> bool:
        """The model skips ahead in the draft or repeats it (Drafter.misplaced): its text is the draft's own, nearby."""
        if at >= (led.content_end or len(led.data)):
            return False  # past the code: the end-of-region rule decides
        word = text.strip()
        return not word or led.data.find(word, max(0, at - MISPLACED_WINDOW), at + MISPLACED_WINDOW) >= 0

    def on_text(piece: str) -> bool:
        stats.output_token_ids.append(NO_TOKEN)
        stats.passes += 1
        if not state["code"]:
            state["head"] += piece
            m = _OPENING.search(state["head"])
            if m is None:
                return False
            state["code"], state["stop"] = True, m.group(1).encode()
            piece = state["head"][m.end():]
            if not piece:
                return False
        new = piece.encode("utf-8")
        before = len(output)
        if led is not None and drafter.source == 0 and drafter.pos is not None and restarts < MAX_FORCED_RESTARTS:
            pos = drafter.pos
            same = 0
            while same < len(new) and pos + same < len(led.data) and new[same] == led.data[pos + same]:
                same += 1
            end = None
            if same < len(new):
                at = pos + same
                end = forced_end(at)
                if end is None and acceptance == "typical" and misplaced(new[same:], at):
                    line_end = led.data.find(b"\n", at)
                    end = min(len(led.data) if line_end < 0 else line_end + 1, led.content_end or len(led.data))
            if end is not None and end > pos + same:
                output.extend(new[:same] + led.data[pos + same:end])
                drafter.advance(bytes(output[before:]), bytes(output))
                state["restart"] = True
                return True
        output.extend(new)
        drafter.advance(bytes(output[before:]), bytes(output))
        cut = stop_index(output, state["stop"], before, True)
        if cut is None and not chat and drafter.at_content_end:
            cut = len(output) - drafter.overshoot  # a base model re-joined the end of the region's code
        if cut is not None:
            del output[cut:]
            state["reason"] = "end"
            return True
        if on_progress is not None:
            step = Step(bytes(output), 1, drafter.original_pos)
            on_progress(progress_of(step, drafter, original_source, led_to_original, region_bytes, stats))
        return False

    path = "/chat/completions" if chat else "/completions"
    budget = body["max_tokens"]
    restarts = 0
    first_answer: Answer | None = None
    while True:
        if not chat:
            body["prompt"] = prompt + bytes(output).decode("utf-8", "replace")
            body["max_tokens"] = max(16, budget - stats.output_tokens)
        try:
            answer = request_stream(ep, path, body, on_text, cancelled)
        except Cancelled:
            stats.stop_reason = "cancelled"
            raise
        first_answer = first_answer or answer
        if not state["restart"]:
            break
        state["restart"] = False
        restarts += 1
        if stats.output_tokens >= budget:
            answer.finish_reason = "length"
            break
    end = time.perf_counter()
    first = first_answer.first_at or end
    stats.prefill_s = first - first_answer.sent_at
    stats.generate_s = end - first
    _fill_usage(stats, answer, restarts == 0)
    if not state["reason"]:
        if chat and not state["code"] and (answer.done or answer.finish_reason):
            raise EditError("the inference server's answer has no code block", kind="model")
        if not answer.done and not answer.finish_reason:
            raise EditError("the inference server's stream broke off before the answer was complete", kind="model")
        if not chat and drafter.at_content_end:
            state["reason"] = "end"
        else:
            reason = "budget" if answer.finish_reason == "length" else "eos"
            stats.stop_reason = reason
            raise EditError(f"the model did not finish the edit ({reason} after {stats.output_tokens} tokens)",
                            kind="model")
    stats.stop_reason = state["reason"]
    try:
        result = bytes(output).decode("utf-8")
    except UnicodeDecodeError:
        result = bytes(output).decode("utf-8", "replace")
    if not original.endswith("\n") and result.endswith("\n"):
        result = result[:-1]  # the closing fence needed a line of its own
    if region.draft is not None and (dropped := dropped_lines(region.draft, result)):
        raise EditError(f"the model dropped {dropped} line(s) of the prepared edit", kind="model")
    return result, stats


def _fill_usage(stats: LoopStats, answer: Answer, whole: bool = True) -> None:
    """Token counts the server reported: usage (OpenAI, vLLM, Ollama) and timings (llama.cpp's server).

    whole: the answer is the edit's only request (else its output count stays the streamed one).
    """
    usage, timings = answer.usage or {}, answer.timings or {}
    if whole and isinstance(usage.get("completion_tokens"), int) and usage["completion_tokens"] > 0:
        stats.output_token_ids[:] = [NO_TOKEN] * usage["completion_tokens"]
    if isinstance(usage.get("prompt_tokens"), int):
        stats.prompt_tokens = usage["prompt_tokens"]
        cached = (usage.get("prompt_tokens_details") or {}).get("cached_tokens") or 0
        stats.prefill_tokens = max(0, stats.prompt_tokens - cached)
    if isinstance(timings.get("prompt_n"), int):
        stats.prefill_tokens = timings["prompt_n"]
        stats.prompt_tokens = stats.prompt_tokens or timings["prompt_n"] + (timings.get("cache_n") or 0)
    details = usage.get("completion_tokens_details") or {}
    if details.get("accepted_prediction_tokens") is not None:
        accepted = details.get("accepted_prediction_tokens") or 0
        stats.accepted_tokens = accepted
        stats.drafted_tokens = accepted + (details.get("rejected_prediction_tokens") or 0)
    elif timings.get("draft_n"):
        stats.drafted_tokens = timings["draft_n"]
        stats.accepted_tokens = timings.get("draft_n_accepted") or 0


# -- a name for a rename --------------------------------------------------------------------------------


def propose_name(settings: Settings, text: str, path: str | None, language_id: str | None, position: int) -> str:
    """Engine.propose_name on the server: a short greedy answer, the first identifier in it."""
    from .engine import identifier_at_index

    language = syntax.language_for(path, language_id)
    old = identifier_at_index(text, language, position)
    lo, hi = prompts.context_window(text, position, position)
    fence_lang = language.name if language.has_grammar else ""
    ep = Endpoint.from_settings(settings)
    body: dict = {"model": model_name(ep), "stream": True, "temperature": 0}
    got: list[str] = []
    if ep.api == "chat":
        fence = prompts.fence_for(text[lo:hi])
        body["messages"] = [{"role": "user", "content":
                             f"{fence}{fence_lang}\n{text[lo:hi].rstrip()}\n{fence}\n\nPropose a clearer name for "
                             f"`{old}` in this code. Answer with the new name only."}]
        body["max_tokens"] = 24
        path_ = "/chat/completions"
    else:
        body["prompt"] = prompts.name_prompt(text[lo:hi], fence_lang, old)
        body["max_tokens"] = 12
        path_ = "/completions"

    def on_text(piece: str) -> bool:
        got.append(piece)
        return "`" in "".join(got).lstrip("` ") or "\n" in "".join(got).strip()

    request_stream(ep, path_, body, on_text, lambda: False)
    answer = "".join(got).strip().strip("`").split("`")[0].strip()
    name = language.identifier.search(answer)
    if not name or name.group(0) == old:
        raise EditError(f"the model proposed no new name for {old!r}; give one (newName)")
    return name.group(0)
