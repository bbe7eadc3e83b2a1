"""Streaming "lines" through the real server with a real instruct model: a long insertion is shown as it
is written, ahead of the code it re-joins, and an edit stopped part way takes those lines out again."""

from __future__ import annotations

import pytest

from lsp_server import commands
from tests import docstring_case
from tests.docstring_case import INSTRUCTION, TEXT, assert_documented, code_lines, parses, shown_while_written

from .conftest import open_document, run_command, wait_job

pytestmark = pytest.mark.e2e

MODEL = {"modelPath": docstring_case.MODEL, "acceptance": "auto", "warmUp": False}


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
    assert_documented(client.editor.texts[uri])
    assert shown_while_written(states[:-1]), states


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
