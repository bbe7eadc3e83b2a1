"""Cancelling an edit stops it within one forward pass and leaves the engine ready for the next (real model)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from lsp_server.engine.model import Cancelled
from lsp_server.engine.tasks import Task, build_request

pytestmark = pytest.mark.model

# Plain decoding of this edit takes ~50 passes, so stopping after the first is a real stop.
TASK = Task("edit", "add a docstring to each method", (6, 14))


def test_cancel_after_the_first_progress_stops_within_one_pass(engine, source):
    request = replace(build_request(source("shapes.py"), TASK, path="shapes.py"), speculate=False)
    flipped_at: list[int] = []
    seen = []

    def on_progress(progress):
        seen.append(progress.stats)
        if not flipped_at:
            flipped_at.append(progress.stats.passes)

    engine.model.reset()
    with pytest.raises(Cancelled):
        engine.edit(request, on_progress=on_progress, cancelled=lambda: bool(flipped_at))
    stats = seen[-1]
    assert stats.stop_reason == "cancelled"
    assert stats.passes <= flipped_at[0] + 1
    # The cache holds exactly the prompt and the output accepted so far.
    prompt_tokens = engine.prepare(request).prompt_tokens
    assert engine.model.kv_tokens == [*prompt_tokens, *stats.output_token_ids]

    # The next edit on the same engine gives what a fresh cache gives.
    after_cancel = engine.edit(request)
    engine.model.reset()
    fresh = engine.edit(request)
    assert after_cancel.new_region == fresh.new_region
    assert after_cancel.stats.output_token_ids == fresh.stats.output_token_ids
    assert after_cancel.stats.passes == fresh.stats.passes > flipped_at[0] + 1


def test_an_edit_cancelled_before_it_starts_decodes_nothing(engine, source):
    request = build_request(source("shapes.py"), TASK, path="shapes.py")
    engine.model.reset()
    calls = engine.model.decode_calls
    with pytest.raises(Cancelled):
        engine.edit(request, cancelled=lambda: True)
    assert engine.model.decode_calls == calls
    assert engine.model.kv_tokens == []
