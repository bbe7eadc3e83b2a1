"""Soak: many edits in a row through one server process with the real model; each exact, memory flat."""

from __future__ import annotations

import os
import time

import pytest

from lsp_server import commands

from .conftest import OPTIONS, edit_and_wait, memory_uri, open_text, pos, rss_kib, server_pid

pytestmark = [pytest.mark.e2e, pytest.mark.model, pytest.mark.slow]

EDITS = int(os.environ.get("SPECEDIT_SOAK_EDITS", "100"))
NAMES = ["a", "b"]
TEXT = "def f({}):\n    return {} + 1\n"


@pytest.mark.timeout(600)
@pytest.mark.parametrize("client", [{**OPTIONS, "streaming": "off"}], indirect=True)
async def test_a_hundred_edits_in_one_process_are_each_exact_and_memory_stays_flat(client):
    uri = open_text(client, memory_uri("soak.py"), TEXT.format("a", "a"))
    pid = server_pid(client)
    started = time.monotonic()
    rss_at_10 = None
    for i in range(EDITS):
        old, new = NAMES[i % 2], NAMES[(i + 1) % 2]
        before = client.editor.texts[uri]
        assert before == TEXT.format(old, old), f"edit {i}: the document drifted"
        job = await edit_and_wait(client, commands.RENAME, {"uri": uri, "position": pos(0, 6), "newName": new})
        assert job["ok"], (i, job)
        # Exactly this edit: nothing left over from an earlier one, nothing extra.
        assert client.editor.texts[uri] == TEXT.format(new, new), f"edit {i}"
        if i == 9:
            rss_at_10 = rss_kib(pid)
    rss_end = rss_kib(pid)
    growth_mb = (rss_end - rss_at_10) / 1024
    print(f"\nsoak: {EDITS} edits in {time.monotonic() - started:.1f} s; RSS {rss_at_10 / 1024:.1f} MB at edit 10, "
          f"{rss_end / 1024:.1f} MB at the end (+{growth_mb:.1f} MB)")
    assert growth_mb < 100
