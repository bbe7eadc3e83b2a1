"""Cancellation at several points: queued, right after the start, mid-stream via the progress token, after the end."""

from __future__ import annotations

import pytest
from lsprotocol import types

from lsp_server import commands

from .conftest import OPTIONS, memory_uri, open_text, pos, run_command, wait_job, whole_lines_of

pytestmark = [pytest.mark.e2e, pytest.mark.model]

LONG = "".join(f"def f{i}(total):\n    total = total + {i}\n    return total\n\n\n" for i in range(30))
SMALL = "def area(width, height):\n    return width * height\n"


async def follow_up_edit_completes(client, uri: str) -> None:
    """The model is free again: a small rename on another document completes exactly."""
    other = open_text(client, memory_uri(f"after_{uri.rsplit('/', 1)[-1]}"), SMALL)
    started = await run_command(client, commands.RENAME, {"uri": other, "position": pos(0, 9), "newName": "w"})
    job = await wait_job(client, started["job"])
    assert job["ok"], job
    assert client.editor.texts[other] == SMALL.replace("width", "w")


@pytest.mark.parametrize("client", [OPTIONS], indirect=True)
async def test_cancelling_a_queued_job_stops_it_before_it_starts(client):
    busy = open_text(client, memory_uri("busy.py"), LONG)
    queued = open_text(client, memory_uri("queued.py"), SMALL)
    first = await run_command(client, commands.RENAME, {"uri": busy, "position": pos(0, 7), "newName": "amount"})
    second = await run_command(client, commands.RENAME, {"uri": queued, "position": pos(0, 9), "newName": "w"})
    assert (await run_command(client, commands.CANCEL, {"uri": queued}))["cancelled"] == [second["job"]]
    job = await wait_job(client, second["job"])
    assert not job["ok"] and "cancelled before it started" in job["message"]
    assert client.editor.texts[queued] == SMALL
    assert "cancel" not in (await wait_job(client, first["job"]))["message"]  # the job ahead of it is untouched
    await follow_up_edit_completes(client, queued)


@pytest.mark.parametrize("client", [OPTIONS], indirect=True)
async def test_cancelling_right_after_the_start_changes_nothing_halfway(client):
    uri = open_text(client, memory_uri("early.py"), LONG)
    started = await run_command(client, commands.RENAME, {"uri": uri, "position": pos(0, 7), "newName": "amount"})
    cancelled = await run_command(client, commands.CANCEL, {})
    assert started["job"] in cancelled["cancelled"]
    job = await wait_job(client, started["job"])
    assert not job["ok"] and "cancelled" in job["message"]
    assert whole_lines_of(client.editor.texts[uri], LONG, LONG.replace("total", "amount"))
    await follow_up_edit_completes(client, uri)


# A module-level name used in every function: the rename spans the file. Short verification chunks:
# it takes many passes, so its first batch streams while it still generates.
SPREAD = "RATE = 2\n\n\n" + "".join(f"def f{i}(x):\n    y = x * RATE + {i}\n    return y * RATE\n\n\n" for i in range(30))


@pytest.mark.parametrize("client", [{**OPTIONS, "draftMax": 16}], indirect=True)
async def test_cancelling_through_the_progress_token_stops_generation(client):
    uri = open_text(client, memory_uri("token.py"), SPREAD)
    sent = []

    async def cancel_at_the_first_batch(lsp_client) -> None:
        # Sent before the editor answers the batch, so the server has it before the job can end (no
        # timing); the token is the one the client got from window/workDoneProgress/create.
        token = next((t for t in lsp_client.progress_reports if str(t).startswith("specedit-job-")), None)
        if not sent and token is not None:
            lsp_client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
            sent.append(token)

    client.editor.on_apply.append(cancel_at_the_first_batch)
    started = await run_command(client, commands.RENAME, {"uri": uri, "position": pos(0, 0), "newName": "FACTOR"})
    job = await wait_job(client, started["job"])
    token = f"specedit-job-{started['job']}"
    final = client.editor.texts[uri]
    assert sent == [token], f"the rename streamed no batch before it ended: {job}"
    assert not job["ok"] and "cancelled" in job["message"], job
    renamed = SPREAD.replace("RATE", "FACTOR")
    assert final != renamed, "cancelled, yet the whole edit was applied"
    assert whole_lines_of(final, SPREAD, renamed)
    assert any(isinstance(v, types.WorkDoneProgressEnd) for v in client.progress_reports[token])
    await follow_up_edit_completes(client, uri)


@pytest.mark.parametrize("client", [OPTIONS], indirect=True)
async def test_cancelling_after_the_end_is_a_no_op(client):
    uri = open_text(client, memory_uri("late.py"), SMALL)
    started = await run_command(client, commands.RENAME, {"uri": uri, "position": pos(0, 9), "newName": "w"})
    assert (await wait_job(client, started["job"]))["ok"]
    assert await run_command(client, commands.CANCEL, {"uri": uri}) == {"cancelled": []}
    client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=f"specedit-job-{started['job']}"))
    client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token="no-such-token"))
    assert client.editor.texts[uri] == SMALL.replace("width", "w")
    await follow_up_edit_completes(client, uri)
