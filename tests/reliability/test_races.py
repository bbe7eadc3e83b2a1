"""Races with the real model: the user types while an edit streams; two edits at once on one file or on two."""

from __future__ import annotations

import asyncio

import pytest
from pygls.exceptions import JsonRpcException

from lsp_server import commands

from .conftest import OPTIONS, change_document, memory_uri, open_text, pos, rng, run_command, wait_job

pytestmark = [pytest.mark.e2e, pytest.mark.model]

HEADER = '"""Ledger helpers."""\n\nimport math\n\n\n'
# Lines without the renamed name let the output re-join the original often, so hunks stream in several batches.
BODY = "".join(f'def step{i}(total):\n    """Step {i} of the ledger."""\n    print("step", {i})\n    total = total * {i} + 1\n'
               f'    print("done", {i})\n    return total\n\n\n' for i in range(6))
TAIL = "print(math.pi)\n"


def body_lines() -> tuple[int, int]:
    first = HEADER.count("\n")
    return first, first + BODY.count("\n")


async def type_at_the_first_batch(client, uri: str, typing) -> dict:
    """Start the region rename; when its first streamed batch lands, the user types before the editor
    answers it, so the server learns of the typing before it can send another batch (no timing).
    Returns the finished job."""
    typed = []

    async def type_once(lsp_client) -> None:
        if not typed:
            change_document(lsp_client, uri, typing(lsp_client.editor.texts[uri]))
            typed.append(True)

    client.editor.on_apply.append(type_once)
    first, last = body_lines()
    started = await run_command(client, commands.EDIT, {"uri": uri, "range": rng((first, 0), (last, 0)), "instruction": "rename total to amount"})
    job = await wait_job(client, started["job"])
    assert typed, f"the rename streamed no batch to type after: {job}"
    return job


def assert_completed_around_the_typing(client, uri: str, job: dict, before: str, body: str, after: str) -> None:
    """Typing outside the region never stops the edit: the batches after it are computed on the typed
    text (rebased), and a batch the editor refuses because it crossed the typing is computed again."""
    assert job["ok"], f"the edit stopped although the user typed outside its region: {job}"
    assert client.editor.texts[uri] == before + body.replace("total", "amount") + after


@pytest.mark.parametrize("client", [OPTIONS], indirect=True)
async def test_typing_above_the_region_while_it_streams_is_kept_and_the_edit_completes(client):
    uri = open_text(client, memory_uri("above.py"), HEADER + BODY + TAIL)
    job = await type_at_the_first_batch(client, uri, lambda text: "# the user typed this line\n" + text)
    assert_completed_around_the_typing(client, uri, job, "# the user typed this line\n" + HEADER, BODY, TAIL)


@pytest.mark.parametrize("client", [OPTIONS], indirect=True)
async def test_typing_below_the_region_while_it_streams_is_kept_and_the_edit_completes(client):
    uri = open_text(client, memory_uri("below.py"), HEADER + BODY + TAIL)
    job = await type_at_the_first_batch(client, uri, lambda text: text + "print('typed below')\n")
    assert_completed_around_the_typing(client, uri, job, HEADER, BODY, TAIL + "print('typed below')\n")


@pytest.mark.parametrize("client", [OPTIONS], indirect=True)
async def test_a_second_edit_on_the_same_file_is_refused_while_the_first_runs(client):
    text = HEADER + BODY + TAIL
    uri = open_text(client, memory_uri("same.py"), text)
    first, last = body_lines()
    started = await run_command(client, commands.EDIT, {"uri": uri, "range": rng((first, 0), (last, 0)), "instruction": "rename total to amount"})
    with pytest.raises(JsonRpcException, match="already running on this file"):
        await run_command(client, commands.RENAME, {"uri": uri, "position": pos(first, 10), "newName": "sum_"})
    job = await wait_job(client, started["job"])
    assert job["ok"], job
    assert client.editor.texts[uri] == HEADER + BODY.replace("total", "amount") + TAIL
    # Once it is done, the file takes edits again.
    again = await run_command(client, commands.RENAME, {"uri": uri, "position": pos(first, 10), "newName": "total"})
    assert (await wait_job(client, again["job"]))["message"]


@pytest.mark.parametrize("client", [OPTIONS], indirect=True)
async def test_edits_on_two_files_are_queued_and_both_complete(client):
    one = "def area(width, height):\n    return width * height\n"
    two = "def greet(name):\n    print('hi', name)\n    return name\n"
    uri_one = open_text(client, memory_uri("one.py"), one)
    uri_two = open_text(client, memory_uri("two.py"), two)
    started_one, started_two = await asyncio.gather(
        run_command(client, commands.RENAME, {"uri": uri_one, "position": pos(0, 9), "newName": "w"}),
        run_command(client, commands.RENAME, {"uri": uri_two, "position": pos(0, 10), "newName": "who"}),
    )
    assert started_one["job"] != started_two["job"]
    done_one, done_two = await asyncio.gather(wait_job(client, started_one["job"]), wait_job(client, started_two["job"]))
    assert done_one["ok"] and done_two["ok"], (done_one, done_two)
    assert client.editor.texts[uri_one] == one.replace("width", "w")
    assert client.editor.texts[uri_two] == two.replace("name", "who")
