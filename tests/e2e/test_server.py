"""The real server process over stdio, driven like an editor, with the real embedded model."""

from __future__ import annotations

import ast
import asyncio
import re
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from lsp_server import commands

from .conftest import change_document, open_document, run_command, wait_job

pytestmark = pytest.mark.e2e



def pos(line: int, character: int) -> dict:
    return {"line": line, "character": character}


async def test_initialize_advertises_every_command(client):
    advertised = client.init_result.capabilities.execute_command_provider.commands
    assert set(commands.COMMANDS) <= set(advertised)


async def test_code_actions_offer_rename_edit_directive_and_fix(client):
    text = '# ai: add a docstring\ndef cart_total(items):\n    return sum(items)\n'
    uri = open_document(client, "cart.py", text)
    diag = types.Diagnostic(range=types.Range(types.Position(2, 11), types.Position(2, 14)), message="F821 undefined name 'sum'")
    result = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=types.Range(types.Position(0, 0), types.Position(1, 6)),
        context=types.CodeActionContext(diagnostics=[diag])))
    titles = {a.title: a for a in result}
    assert any(t.startswith("Fix with AI: F821") for t in titles)
    assert any(t.startswith("Apply AI instruction from comment: add a docstring") for t in titles)
    assert "Apply AI edit…" in titles
    name, arguments = action_command(next(a for a in result if a.title.startswith("Fix with AI")))
    assert name == commands.FIX and arguments[0]["message"].startswith("F821")
    assert arguments[0]["range"]["start"] == {"line": 2, "character": 11}


async def test_apply_ai_edit_at_a_cursor_carries_the_cursor_so_the_edit_is_the_node_around_it(client):
    text = "def cart_total(items):\n    total = sum(items)\n    return total\n"
    uri = open_document(client, "cart_cursor.py", text)
    cursor = types.Position(1, 6)
    result = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=types.Range(cursor, cursor),
        context=types.CodeActionContext(diagnostics=[])))
    name, arguments = action_command(next(a for a in result if a.title == "Apply AI edit…"))
    assert name == commands.EDIT
    assert arguments[0]["range"] == {"start": {"line": 1, "character": 6}, "end": {"line": 1, "character": 6}}


def action_command(action) -> tuple[str, list]:
    """(command, arguments) of a code action; pygls' client decodes CodeAction|Command unions as Command,
    with the nested command object rendered as a string, so both shapes are read."""
    if isinstance(action, types.CodeAction):
        return action.command.command, action.command.arguments
    if isinstance(action.command, str) and action.command.startswith("{"):
        nested = ast.literal_eval(action.command)
        return nested["command"], nested["arguments"]
    return action.command, action.arguments


async def test_rename_with_ai_streams_edits_and_reports_progress(client):
    uri = open_document(client, "cart.py")
    original = client.editor.texts[uri]
    started = await run_command(client, commands.RENAME, {"uri": uri, "position": pos(4, 5), "newName": "subtotal"})
    job = await wait_job(client, started["job"])
    assert job["ok"], job
    final = client.editor.texts[uri]
    assert re.findall(r"\btotal\b", final.replace("total {", "")) == []
    assert final.count("subtotal") == 3  # the variable; the f-string's text "total {...}" is data and stays
    assert 'items, total {cart_total(items)}' in final
    assert client.editor.applied, "no workspace/applyEdit arrived"
    progress = [v for values in client.progress_reports.values() for v in values]
    assert any(isinstance(v, types.WorkDoneProgressBegin) for v in progress)
    assert any(isinstance(v, types.WorkDoneProgressEnd) for v in progress)
    assert final != original


async def test_directive_comment_is_consumed(client):
    text = "def add(a, b):\n    # ai: rename a to left\n    return a + b\n"
    uri = open_document(client, "directive.py", text)
    started = await run_command(client, commands.EDIT_FROM_COMMENT, {"uri": uri, "range": {"start": pos(1, 0), "end": pos(1, 0)}})
    job = await wait_job(client, started["job"])
    assert job["ok"], job
    assert "ai:" not in client.editor.texts[uri]


async def test_fix_with_ai_fixes_an_undefined_name(client):
    text = "def total(items):\n    acc = 0\n    for x in items:\n        acc += x\n    return acx\n"
    uri = open_document(client, "fix.py", text)
    started = await run_command(client, commands.FIX, {"uri": uri, "range": {"start": pos(4, 11), "end": pos(4, 14)}, "message": "F821 undefined name 'acx'"})
    job = await wait_job(client, started["job"])
    assert job["ok"], job
    assert client.editor.texts[uri] == text.replace("acx", "acc")


async def test_cancel_stops_the_edit_and_leaves_whole_hunks(client):
    body = "".join(f"def f{i}(total):\n    total = total + {i}\n    return total\n\n\n" for i in range(40))
    uri = open_document(client, "big.py", body)
    started = await run_command(client, commands.RENAME, {"uri": uri, "position": pos(0, 7), "newName": "amount"})
    await asyncio.sleep(0.3)
    cancelled = await run_command(client, commands.CANCEL, {"uri": uri})
    assert started["job"] in cancelled["cancelled"]
    job = await wait_job(client, started["job"])
    assert not job["ok"] and "cancel" in job["message"]
    final = client.editor.texts[uri]
    # Whatever was streamed is whole lines: every line is an original line or its renamed version.
    original_lines = set(body.splitlines())
    renamed_lines = set(body.replace("total", "amount").splitlines())
    assert all(line in original_lines or line in renamed_lines for line in final.splitlines())
    # The model is free for the next request.
    again = await run_command(client, commands.RENAME, {"uri": uri, "position": pos(0, 7), "newName": "amount"})
    assert (await wait_job(client, again["job"]))["ok"]


async def test_typing_inside_the_region_keeps_the_users_text_and_nothing_is_applied_after_it(client):
    """The user types inside the region when the first streamed batch lands (before the editor answers it).

    Which outcome is decided by the edit, not by timing: if that batch was the whole edit, the job
    is done and succeeds; if more was to come, the job stops (the rest would overwrite the typing).
    """
    # A module-level name used in every function: the rename spans the file and streams in batches.
    body = "SCALE = 2\n\n\n" + "".join(f"def g{i}(x):\n    y = x * SCALE + {i}\n    return y * SCALE\n\n\n"
                                         for i in range(30))
    uri = open_document(client, "typing.py", body)
    typed = []

    async def type_inside(lsp_client):
        if not typed:
            text = lsp_client.editor.texts[uri]
            cut = text.rfind("return")
            change_document(lsp_client, uri, text[:cut] + "# user typed\n    " + text[cut:])
            typed.append(lsp_client.editor.texts[uri])

    client.editor.on_apply.append(type_inside)
    started = await run_command(client, commands.RENAME, {"uri": uri, "position": pos(0, 0), "newName": "FACTOR"})
    job = await wait_job(client, started["job"])
    assert typed, f"the rename applied no batch to type after: {job}"
    final = client.editor.texts[uri]
    assert final == typed[0]  # nothing was applied after the user typed, whatever the outcome
    assert "# user typed" in final
    if typed[0].count("FACTOR") == 1 + 2 * 30:
        assert job["ok"], job  # the first batch was the whole rename: the typing came after the edit
    else:
        assert not job["ok"] and ("changed" in job["message"] or "refused" in job["message"]), job


@pytest.mark.parametrize("client", [{"modelPath": "/nonexistent/model.gguf"}], indirect=True)
async def test_bad_model_path_is_reported_and_the_server_stays_up(client):
    uri = open_document(client, "cart.py")
    started = await run_command(client, commands.RENAME, {"uri": uri, "position": pos(4, 5), "newName": "subtotal"})
    job = await wait_job(client, started["job"])
    assert not job["ok"] and "model file not found" in job["message"]
    assert any("model file not found" in m.message for m in client.messages)
    result = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=types.Range(types.Position(0, 0), types.Position(0, 0)), context=types.CodeActionContext(diagnostics=[])))
    assert result


@pytest.mark.parametrize("command, argument, message", [
    ("specedit.nope", {}, "not defined"),
    (commands.EDIT, {"uri": 42}, "uri: expected a string, got 42"),
    (commands.EDIT, {"uri": "file:///not/open.py", "instruction": "x"}, "not open"),
    (commands.RENAME, {"uri": "file:///x.py", "position": "here"}, "Position"),
    (commands.EDIT, {"uri": "file:///x.py", "range": {"start": 1}, "instruction": "x"}, "Position"),
])
async def test_bad_commands_get_clear_errors(client, command, argument, message):
    with pytest.raises(JsonRpcException) as info:
        await run_command(client, command, argument)
    assert message in str(info.value)
    # Still answering.
    assert (await client.workspace_execute_command_async(types.ExecuteCommandParams(command=commands.CANCEL, arguments=[{}]))) == {"cancelled": []}


async def test_apply_sketch_merges_an_edit_sketch(client):
    text = "import os\n\n\ndef a():\n    return 1\n\n\ndef b():\n    return 2\n"
    uri = open_document(client, "sketch.py", text)
    sketch = "# ... existing code ...\ndef b():\n    return 3\n"
    started = await run_command(client, commands.APPLY_SKETCH, {"uri": uri, "sketch": sketch})
    job = await wait_job(client, started["job"])
    assert job["ok"], job
    assert client.editor.texts[uri] == text.replace("return 2", "return 3")


async def test_undo_reverts_the_last_ai_edit_in_one_step_and_keeps_later_typing(client):
    uri = open_document(client, "cart.py")
    original = client.editor.texts[uri]
    started = await run_command(client, commands.RENAME, {"uri": uri, "position": pos(4, 5), "newName": "subtotal"})
    assert (await wait_job(client, started["job"]))["ok"]
    renamed = client.editor.texts[uri]
    assert renamed != original
    # The user types above the edited lines: undo keeps it and reverts only the AI edit, in one applyEdit.
    change_document(client, uri, "# note\n" + renamed)
    applied_before = len(client.editor.applied)
    result = await run_command(client, commands.UNDO, {"uri": uri})
    assert result == {"undone": True}
    assert client.editor.texts[uri] == "# note\n" + original
    assert len(client.editor.applied) == applied_before + 1
    with pytest.raises(JsonRpcException, match="no AI edit"):
        await run_command(client, commands.UNDO, {"uri": uri})


async def test_undo_refuses_when_the_edited_text_was_changed(client):
    uri = open_document(client, "cart.py")
    started = await run_command(client, commands.RENAME, {"uri": uri, "position": pos(4, 5), "newName": "subtotal"})
    assert (await wait_job(client, started["job"]))["ok"]
    typed = client.editor.texts[uri].replace("subtotal", "subtotal_x", 1)
    change_document(client, uri, typed)
    with pytest.raises(JsonRpcException, match="cannot undo"):
        await run_command(client, commands.UNDO, {"uri": uri})
    assert client.editor.texts[uri] == typed  # the user's typing is never touched


RUFF_ARGV = [str(Path(sys.executable).parent / "ruff"), "check", "--no-cache", "--isolated",
             "--select", "E711", "--output-format=json", "--stdin-filename", "{file}", "-"]


@pytest.mark.parametrize("client", [{"acceptance": "auto", "linters": {"python": RUFF_ARGV}}], indirect=True)
async def test_a_linter_fix_travels_from_the_diagnostic_to_the_edit(client):
    text = "import sys\n\n\ndef first_arg(x):\n    if x == None:\n        return None\n    return sys.argv[1]\n"
    uri = open_document(client, "lint_fix.py", text)
    diagnostics = await wait_for_diagnostics(client, uri, source_prefix="/")
    (e711,) = [d for d in diagnostics if d.message.startswith("E711")]
    assert e711.data and e711.data["fixEdits"][0]["newText"] == "x is None"
    result = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=e711.range,
        context=types.CodeActionContext(diagnostics=[e711])))
    name, arguments = action_command(next(a for a in result if a.title.startswith("Fix with AI: E711")))
    assert arguments[0]["fixEdits"] == e711.data["fixEdits"]
    started = await run_command(client, name, arguments[0])
    job = await wait_job(client, started["job"])
    assert job["ok"], job
    assert client.editor.texts[uri] == text.replace("x == None", "x is None")


async def wait_for_diagnostics(client, uri: str, source_prefix: str, timeout: float = 60.0):
    """The latest diagnostics published for uri that came from a linter (source = its argv[0])."""
    async def poll():
        while True:
            found = [d for d in client.diagnostics.get(uri, []) if (d.source or "").startswith(source_prefix)]
            if found:
                return found
            await asyncio.sleep(0.1)
    return await asyncio.wait_for(poll(), timeout)
