"""Streaming "lines" through the real server with a real instruct model: a long insertion is shown as it
is written, ahead of the code it re-joins, and an edit stopped part way takes those lines out again."""

from __future__ import annotations

import ast

import pytest

from lsp_server import commands

from .conftest import open_document, run_command, wait_job

pytestmark = pytest.mark.e2e

MODEL = {"modelPath": "qwen2.5-coder-0.5b", "acceptance": "auto", "warmUp": False}
TEXT = (
    "def area(width, height):\n"
    "    return width * height\n"
    "\n"
    "\n"
    "def perimeter(width, height):\n"
    "    return 2 * (width + height)\n"
)
INSTRUCTION = "Add a Google-style docstring with Args and Returns sections to both functions."


def parses(text: str) -> bool:
    try:
        ast.parse(text)
        return True
    except SyntaxError:
        return False


def code_lines(text: str) -> list[str]:
    """The lines that are not part of a docstring (the code the edit must keep, in order)."""
    tree = ast.parse(text)
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and ast.get_docstring(node) is not None:
            doc = node.body[0]
            inside.update(range(doc.lineno, doc.end_lineno + 1))
    return [line for n, line in enumerate(text.splitlines(), 1) if n not in inside]


def record_states(client, uri: str) -> list[str]:
    states: list[str] = []

    async def record(lsp_client):
        states.append(lsp_client.editor.texts[uri])

    client.editor.on_apply.append(record)
    return states


@pytest.mark.parametrize("client", [MODEL], indirect=True)
async def test_a_docstring_is_shown_as_it_is_written_and_the_edit_ends_exact(client):
    uri = open_document(client, "stream_lines.py", TEXT)
    states = record_states(client, uri)
    started = await run_command(client, commands.EDIT, {"uri": uri, "instruction": INSTRUCTION})
    job = await wait_job(client, started["job"])
    assert job["ok"], job
    final = client.editor.texts[uri]
    tree = ast.parse(final)
    assert all(ast.get_docstring(f) for f in tree.body), final
    assert code_lines(final) == TEXT.splitlines(), final
    # Final hunks alone always leave whole code (the new text re-joined the original); a docstring shown
    # as it is written is, for a while, one whose closing quotes are not written yet.
    assert any(not parses(state) for state in states[:-1]), states
    assert len(states) >= 2


@pytest.mark.parametrize("client", [MODEL], indirect=True)
async def test_an_edit_cancelled_while_lines_are_shown_takes_them_out(client):
    uri = open_document(client, "stream_cancel.py", TEXT)
    states = record_states(client, uri)
    cancelled: list[dict] = []

    async def cancel_when_unfinished(lsp_client):
        if not cancelled and not parses(lsp_client.editor.texts[uri]):
            cancelled.append(await run_command(lsp_client, commands.CANCEL, {"uri": uri}))

    client.editor.on_apply.append(cancel_when_unfinished)
    started = await run_command(client, commands.EDIT, {"uri": uri, "instruction": INSTRUCTION})
    job = await wait_job(client, started["job"])
    assert cancelled, f"no batch showed a docstring still being written: {states}"
    assert not job["ok"] and "cancelled" in job["message"] and "taken out" in job["message"], job
    final = client.editor.texts[uri]
    assert parses(final), final  # what stays is whole final hunks
    assert code_lines(final) == TEXT.splitlines(), final
