"""A bounded, seeded fuzz of the real server process: random and mutated LSP messages over raw stdio framing."""

from __future__ import annotations

import copy
import os
import random
import time
from collections import Counter
from dataclasses import dataclass, field

import pytest

from lsp_server import commands

from .conftest import DATA, RawServer

pytestmark = pytest.mark.e2e

SEED = int(os.environ.get("SPECEDIT_FUZZ_SEED", "20251128"))
MESSAGES = int(os.environ.get("SPECEDIT_FUZZ_MESSAGES", "300"))
LOAD_MESSAGES = int(os.environ.get("SPECEDIT_FUZZ_LOAD_MESSAGES", "10000"))
URIS = [(DATA / "memory" / name).as_uri() for name in ("fuzz_a.py", "fuzz_b.js", "fuzz_c.txt")]
TEXTS = ["", "x = 1\n", "def f(a):\r\n\treturn a\r\n", "😀 = 'é'\n", "a\x00b\n", "\n" * 5, "def g(:\n", "é" * 50]
JUNK = [None, True, False, 0, -1, 2**31, 2**63, 1.5, "", "x", "😀", [], [1, "a"], {}, {"a": {"b": []}}]
# didChangeConfiguration only with harmless settings: no model path, context size or linter argv from a fuzzer.
SETTINGS = [{"streaming": 5}, {"acceptance": "bogus"}, "not an object", {"unknownKey": 1}, {"draftMin": 0},
            {"specedit": {"streaming": "off"}}, None, {"typicalRatio": 7}, {"maxNewTokens": -3}]


def junk(rnd: random.Random, depth: int = 0):
    if depth < 2 and rnd.random() < 0.3:
        if rnd.random() < 0.5:
            return [junk(rnd, depth + 1) for _ in range(rnd.randint(0, 3))]
        return {rnd.choice(["uri", "range", "position", "instruction", "newName", "x"]): junk(rnd, depth + 1) for _ in range(rnd.randint(0, 3))}
    return copy.deepcopy(rnd.choice(JUNK))


def position(rnd: random.Random) -> dict:
    return {"line": rnd.choice([0, 1, 3, 10**6]), "character": rnd.choice([0, 1, 5, 2**31 - 1])}


def a_range(rnd: random.Random) -> dict:
    return {"start": position(rnd), "end": position(rnd)}  # may be reversed or past the end


def command_argument(rnd: random.Random) -> dict:
    """Plausible-looking junk: open or unknown URIs, odd ranges; rarely enough for a real job."""
    argument = {"uri": rnd.choice(URIS + ["file:///nowhere.py", "", "not a uri"])}
    for key, make in (("range", a_range), ("position", position), ("instruction", lambda r: r.choice(["", "x", "rename a to b"])),
                      ("newName", lambda r: r.choice(["b", "", "1x", "class", "😀"])), ("message", lambda r: "E1 bad"),
                      ("sketch", lambda r: "# ... existing code ...\n")):
        if rnd.random() < 0.4:
            argument[key] = make(rnd) if rnd.random() < 0.8 else junk(rnd)
    return argument


def valid_request(rnd: random.Random) -> tuple[str, dict]:
    kind = rnd.random()
    if kind < 0.45:
        return "textDocument/codeAction", {"textDocument": {"uri": rnd.choice(URIS)}, "range": a_range(rnd),
                                           "context": {"diagnostics": []}}
    if kind < 0.9:
        command = rnd.choice(commands.COMMANDS + ["specedit.nope", ""])
        arguments = rnd.choice([[command_argument(rnd)], [junk(rnd)], [], [command_argument(rnd), 1]])
        return "workspace/executeCommand", {"command": command, "arguments": arguments}
    return rnd.choice(["textDocument/hover", "textDocument/definition", "specedit/unknown"]), {
        "textDocument": {"uri": rnd.choice(URIS)}, "position": position(rnd)}


def notification(rnd: random.Random) -> tuple[str, dict]:
    kind = rnd.random()
    uri = rnd.choice(URIS)
    version = rnd.choice([-5, 0, 1, 2, 2**31 - 1, 7])
    if kind < 0.25:
        return "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": rnd.choice(["python", "javascript", "plaintext", ""]),
                                                         "version": version, "text": rnd.choice(TEXTS)}}
    if kind < 0.6:
        change = {"text": rnd.choice(TEXTS)}
        if rnd.random() < 0.6:
            change["range"] = a_range(rnd)
        return "textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}
    if kind < 0.7:
        return "textDocument/didClose", {"textDocument": {"uri": uri}}
    if kind < 0.8:
        return "textDocument/didSave", {"textDocument": {"uri": uri}}
    if kind < 0.9:
        return "workspace/didChangeConfiguration", {"settings": copy.deepcopy(rnd.choice(SETTINGS))}
    return rnd.choice(["$/cancelRequest", "window/workDoneProgress/cancel", "$/setTrace", "specedit/unknownNote"]), {
        "id": rnd.randint(0, 400), "token": rnd.choice(["specedit-job-1", "x", 3])}


def mutate(rnd: random.Random, params: dict):
    """Break the shape: drop a key, give a key a value of another type, or replace the params whole."""
    params = copy.deepcopy(params)
    choice = rnd.random()
    if choice < 0.2:
        return junk(rnd)
    if choice < 0.3:
        return None  # no params at all
    keys = list(params)
    if keys and choice < 0.6:
        del params[rnd.choice(keys)]
    elif keys:
        params[rnd.choice(keys)] = junk(rnd)
    return params


@dataclass
class FuzzRun:
    sent: Counter = field(default_factory=Counter)
    requests: dict = field(default_factory=dict)  # id -> (class, method)
    unanswered: list = field(default_factory=list)
    alive_throughout: bool = True
    wall_s: float = 0.0
    messages: int = 0


def run_fuzz(messages: int, seed: int = SEED) -> FuzzRun:
    """Send `messages` seeded random messages to a fresh server process; wait for every answer."""
    rnd = random.Random(seed)
    run = FuzzRun()
    server = RawServer()
    started = time.monotonic()
    try:
        assert server.initialize() is not None
        for uri, text in zip(URIS, TEXTS[1:]):
            server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}})
        for _ in range(messages):
            roll = rnd.random()
            if roll < 0.45:
                method, params = valid_request(rnd)
                rid = server.request(method, params)
                run.requests[rid] = ("well-formed", method)
                run.sent["well-formed request"] += 1
            elif roll < 0.65:
                method, params = valid_request(rnd)
                params = mutate(rnd, params)
                message = {"jsonrpc": "2.0", "id": server.request_id(), "method": method}
                if params is not None:
                    message["params"] = params
                server.send(message)
                run.requests[message["id"]] = ("mutated", method)
                run.sent["mutated request"] += 1
            elif roll < 0.95:
                method, params = notification(rnd)
                server.notify(method, mutate(rnd, params) if rnd.random() < 0.2 else params)
                run.sent["notification"] += 1
            else:
                server.frame(rnd.choice([b"{", b"[]", b"null", b'{"jsonrpc": "2.0"}', bytes(rnd.randrange(256) for _ in range(8))]))
                run.sent["garbage frame"] += 1
            if rnd.random() < 0.1:
                time.sleep(0.01)
                run.alive_throughout &= server.alive
        deadline = time.monotonic() + 8 + messages / 500  # the answers still queued when the last message went out
        for rid in run.requests:
            if server.wait_response(rid, max(0.1, deadline - time.monotonic())) is None:
                run.unanswered.append((rid, *run.requests[rid]))
        # The server still answers a plain request at the end.
        last = server.call("workspace/executeCommand", {"command": commands.CANCEL, "arguments": [{}]}, timeout=10)
        run.alive_throughout &= server.alive and last is not None and "result" in last
    finally:
        run.wall_s = time.monotonic() - started
        server.close()
    dropped = Counter(kind for _, kind, _ in run.unanswered)
    print(f"\nfuzz seed {seed}: sent {sum(run.sent.values())} messages {dict(run.sent)} in {run.wall_s:.1f} s; "
          f"{len(run.requests)} requests, unanswered {dict(dropped)}")
    return run


# The default run sends MESSAGES (300); the load run LOAD_MESSAGES (10,000) is marked slow: `make test` runs it
# (about 20 s), `pytest -m "not slow"` leaves it out.
@pytest.fixture(scope="module", params=[pytest.param(MESSAGES, id="default"),
                                        pytest.param(LOAD_MESSAGES, id="load", marks=pytest.mark.slow)])
def fuzz_run(request) -> FuzzRun:
    run = run_fuzz(request.param)
    run.messages = request.param
    return run


def test_fuzzed_messages_never_kill_the_server(fuzz_run):
    assert fuzz_run.alive_throughout
    assert sum(fuzz_run.sent.values()) == fuzz_run.messages
    # Bounded: 90 s for 300, 290 s for 10,000 (measured: 2.7 s and 15.6 s on 2 shared cores).
    assert fuzz_run.wall_s < 90 + 0.02 * fuzz_run.messages


def test_every_well_formed_fuzzed_request_gets_a_response(fuzz_run):
    assert [u for u in fuzz_run.unanswered if u[1] == "well-formed"] == []


def test_every_fuzzed_request_gets_a_response(fuzz_run):
    assert fuzz_run.unanswered == []
