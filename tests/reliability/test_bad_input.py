"""Bad and unusual input: each is answered with a clear error or handled exactly, and the server stays up."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from lsp_server import commands

from .conftest import OPTIONS, RawServer, edit_and_wait, memory_uri, open_text, pos, rng, run_command, wait_job

pytestmark = pytest.mark.e2e

CANCEL_ALL = types.ExecuteCommandParams(command=commands.CANCEL, arguments=[{}])


async def still_up(client) -> None:
    assert "cancelled" in await client.workspace_execute_command_async(CANCEL_ALL)


# -- the wire ---------------------------------------------------------------------------------

MALFORMED_FRAMES = [
    b'{"jsonrpc": "2.0", "id": 99, "method": ',  # truncated JSON
    b"\xff\xfe not utf-8",
    b"[1, 2, 3]",
    b'"a string"',
    b"null",
    b'{"jsonrpc": "2.0", "id": 98}',  # neither method nor result
    b'{"jsonrpc": "1.0", "id": 97, "method": "shutdown"}',  # wrong protocol version: ignored, not obeyed
    b"{}",
]


def test_malformed_json_rpc_frames_are_survived_and_the_next_request_is_answered():
    server = RawServer()
    try:
        assert server.initialize() is not None
        for body in MALFORMED_FRAMES:
            server.frame(body)
            answer = server.call("workspace/executeCommand", {"command": commands.CANCEL, "arguments": [{}]})
            assert answer is not None and answer["result"] == {"cancelled": []}, body
        assert server.alive
    finally:
        server.close()


# JSON-RPC 2.0 allows a request without params; LSP says every request gets a response.
UNSTRUCTURABLE_REQUESTS = [
    {"jsonrpc": "2.0", "id": 501, "method": "specedit/noSuchMethod"},  # no params at all
    {"jsonrpc": "2.0", "id": 502, "method": "textDocument/codeAction", "params": "not an object"},
    {"jsonrpc": "2.0", "id": 503, "method": "textDocument/codeAction", "params": {"textDocument": 5}},
    {"jsonrpc": "2.0", "id": 504, "method": "workspace/executeCommand", "params": {"command": 7}},
]


def test_a_request_whose_params_do_not_deserialize_still_gets_an_error_response():
    server = RawServer()
    try:
        server.initialize()
        unanswered = []
        for message in UNSTRUCTURABLE_REQUESTS:
            server.send(message)
            answer = server.wait_response(message["id"], timeout=3)
            if answer is None or "error" not in answer:
                unanswered.append(message["method"])
        assert server.alive
        assert unanswered == []
    finally:
        server.close()


# -- commands and arguments ---------------------------------------------------------------------

BAD_COMMANDS = [
    ("specedit.nope", [{}], "not defined"),
    ("", [], "not defined"),
    (commands.EDIT, [], "one object argument"),
    (commands.EDIT, ["file:///x.py"], "one object argument"),
    (commands.EDIT, [{"uri": "file:///x.py"}, {"uri": "file:///y.py"}], "one object argument"),
    (commands.EDIT, [{}], "uri: required field missing"),
    (commands.EDIT, [{"uri": ["file:///x.py"]}], "uri: expected a string"),
    (commands.EDIT, [{"uri": "file:///x.py", "instruction": 5}], "instruction: expected a string"),
    (commands.EDIT, [{"uri": "file:///x.py", "instruction": "x", "range": "all"}], "Range"),
    (commands.EDIT, [{"uri": "file:///x.py", "instruction": "x", "range": rng((0, 0), (-1, 0))}], "range.end: Position.line should be in range"),
    (commands.EDIT, [{"uri": "file:///x.py", "instruction": "x", "range": {"start": pos(0, 0), "end": {"line": "1", "character": 0}}}], "range.end.line: expected a whole number, got '1'"),
    (commands.RENAME, [{"uri": "file:///x.py"}], "Position"),
    (commands.RENAME, [{"uri": "file:///x.py", "position": pos(0, 0), "newName": 3}], "newName: expected a string"),
    (commands.RENAME, [{"uri": "file:///x.py", "position": {"line": 0.5, "character": 0}}], "position.line: expected a whole number"),
    (commands.RENAME, [{"uri": "file:///x.py", "position": {"line": True, "character": 0}}], None),
    (commands.FIX, [{"uri": "file:///x.py", "message": "E1"}], "range"),
    (commands.APPLY_SKETCH, [{"uri": "file:///x.py"}], "sketch"),
    (commands.APPLY_SKETCH, [{"uri": "file:///x.py", "sketch": {"text": "x"}}], "sketch: expected a string"),
    (commands.EDIT_FROM_COMMENT, [{"uri": None}], "uri: expected a string"),
    (commands.EDIT, [{"uri": "file:///not/open.py", "instruction": "x"}], "not open"),
    (commands.RENAME, [{"uri": "file:///not/open.py", "position": pos(0, 0), "newName": "b"}], "not open"),
]


async def test_unknown_commands_and_wrong_argument_types_get_clear_errors(client):
    # `True` is an int in Python: the server either refuses it or treats it as 1; both are answers.
    uri = open_text(client, "file:///x.py", "a = 1\n")
    for command, arguments, message in BAD_COMMANDS:
        params = types.ExecuteCommandParams(command=command, arguments=arguments)
        try:
            answer = await client.workspace_execute_command_async(params)
        except JsonRpcException as exc:
            assert message is None or message in str(exc), (command, arguments, str(exc))
        else:
            assert message is None, (command, arguments, answer)
            await client.workspace_execute_command_async(types.ExecuteCommandParams(command=commands.CANCEL, arguments=[{"uri": uri}]))
            await wait_job(client, answer["job"])
        await still_up(client)


async def test_a_code_action_on_a_document_that_is_not_open_is_an_error(client):
    with pytest.raises(JsonRpcException, match="not open"):
        await client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri="file:///never/opened.py"),
            range=types.Range(types.Position(0, 0), types.Position(0, 0)), context=types.CodeActionContext(diagnostics=[])))
    await still_up(client)


async def test_a_range_past_the_end_is_clamped_and_code_actions_still_answer(client):
    text = "def f(total):\n    return total\n"
    uri = open_text(client, memory_uri("past_end.py"), text)
    result = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=types.Range(types.Position(50, 3), types.Position(90, 7)), context=types.CodeActionContext(diagnostics=[])))
    assert any(a.title == "Apply AI edit…" for a in result)
    job = await edit_and_wait(client, commands.EDIT, {"uri": uri, "range": rng((50, 0), (90, 0)), "instruction": "rename total to amount"})
    final = client.editor.texts[uri]
    # Clamped to the end of the file, where there is nothing to rewrite: a clear error, or no change.
    assert final == text
    assert job["ok"] or "past the end" in job["message"], job
    await still_up(client)


# -- documents the editor can hold ---------------------------------------------------------------


@pytest.mark.model
@pytest.mark.parametrize("client", [OPTIONS], indirect=True)
async def test_an_empty_file_gives_an_error_or_no_change(client):
    uri = open_text(client, memory_uri("empty.py"), "")
    with pytest.raises(JsonRpcException):
        await run_command(client, commands.EDIT, {"uri": uri, "instruction": "   "})
    job = await edit_and_wait(client, commands.RENAME, {"uri": uri, "position": pos(0, 0), "newName": "b"})
    assert not job["ok"] and "no identifier" in job["message"]
    job = await edit_and_wait(client, commands.EDIT, {"uri": uri, "instruction": "add a docstring"})
    # No crash: a clear error with the file untouched, a finished edit, or "no change" said as such.
    unchanged = client.editor.texts[uri] == ""
    assert ((not job["ok"] and job["message"] and unchanged) or job["message"].startswith("done")
            or ("made no change" in job["message"] and unchanged and job["stats"]["changed"] is False)), job
    await still_up(client)


@pytest.mark.model
@pytest.mark.parametrize("client", [OPTIONS], indirect=True)
async def test_nul_bytes_are_refused_and_the_document_is_untouched(client):
    text = "def f(total):\n    return total  # \x00\n"
    uri = open_text(client, memory_uri("nul.py"), text)
    job = await edit_and_wait(client, commands.RENAME, {"uri": uri, "position": pos(0, 6), "newName": "amount"})
    assert not job["ok"] and "NUL" in job["message"]
    assert client.editor.texts[uri] == text and not client.editor.applied
    await still_up(client)


RENAMES = [
    # (name, text, position of `total` in UTF-16 units, why)
    ("no_newline.py", "def f(total):\n    return total * 2", (0, 6), "no trailing newline: none is added"),
    ("crlf.py", "def f(total):\r\n    total += 1\r\n    return total\r\n", (0, 6), "CRLF line endings are kept"),
    ("tabs.py", "def f(total):\n\tif total:\n\t\ttotal -= 1\n\treturn total\n", (0, 6), "tabs are kept"),
    ("emoji.py", 'label = "😀 café 🎉"; total = 3\nprint(label, total)\n', (0, 22), "UTF-16 positions after surrogate pairs"),
]


@pytest.mark.model
@pytest.mark.parametrize("client", [OPTIONS], indirect=True)
async def test_renames_are_exact_for_odd_line_endings_tabs_and_emoji(client):
    for name, text, (line, character), why in RENAMES:
        uri = open_text(client, memory_uri(name), text)
        job = await edit_and_wait(client, commands.RENAME, {"uri": uri, "position": pos(line, character), "newName": "amount"})
        assert job["ok"], (why, job)
        assert client.editor.texts[uri] == text.replace("total", "amount"), why


# -- what the model produces ----------------------------------------------------------------------


@pytest.mark.model
@pytest.mark.parametrize("client", [{**OPTIONS, "maxNewTokens": 5}], indirect=True)
async def test_a_model_that_never_closes_its_fence_ends_the_job_with_the_document_unchanged(client):
    text = "def f(total):\n    total = total + 1\n    return total\n"
    uri = open_text(client, memory_uri("budget.py"), text)
    job = await edit_and_wait(client, commands.RENAME, {"uri": uri, "position": pos(0, 6), "newName": "amount"})
    assert not job["ok"] and "did not finish" in job["message"]
    assert client.editor.texts[uri] == text
    await still_up(client)


@pytest.mark.model
@pytest.mark.parametrize("client", [{**OPTIONS, "acceptance": "typical"}], indirect=True)
async def test_an_edit_that_would_break_the_syntax_is_not_left_in_the_document(client):
    # Renaming to a keyword: the draft carries `let class = class + 1;`, and typical acceptance follows it.
    text = "function f(total) {\n  let sum = total + 1;\n  return sum;\n}\n"
    uri = open_text(client, memory_uri("guard.js"), text, language_id="javascript")
    job = await edit_and_wait(client, commands.RENAME, {"uri": uri, "position": pos(1, 7), "newName": "class"})
    assert not job["ok"] and "syntax error" in job["message"], job
    assert client.editor.texts[uri] == text
    await still_up(client)


@pytest.mark.model
# Short verification chunks: the 400 tokens take many passes, so batches stream before the budget runs out.
@pytest.mark.parametrize("client", [{**OPTIONS, "maxNewTokens": 400, "draftMax": 16}], indirect=True)
async def test_running_out_of_tokens_after_streaming_leaves_the_document_unchanged(client):
    # A module-level name used in every function: the rename is one region over the whole file.
    text = "LIMIT = 10\n\n\n" + "".join(f"def f{i}(x):\n    x = x + LIMIT\n    return x * LIMIT\n\n\n" for i in range(40))
    uri = open_text(client, memory_uri("budget_streamed.py"), text)
    job = await edit_and_wait(client, commands.RENAME, {"uri": uri, "position": pos(0, 0), "newName": "CEILING"})
    assert not job["ok"] and "did not finish" in job["message"], job
    assert client.editor.applied, "nothing was streamed before the budget ran out"
    assert client.editor.texts[uri] == text  # what was streamed is taken back
