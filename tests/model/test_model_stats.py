"""An edit's statistics count the tokens of its output, and only those (real model)."""

from __future__ import annotations

import pytest

from lsp_server.engine.tasks import Task, build_request

pytestmark = pytest.mark.model


def test_output_tokens_are_the_tokens_of_the_output(engine, source):
    # The last verified chunk of this edit runs on into the closing fence of the draft.
    request = build_request(source("temperature.rs"), Task("edit", "rename sum to total", (22, 28)), path="temperature.rs")
    engine.model.reset()
    result = engine.edit(request)
    stats = result.stats
    produced = b"".join(engine.model.piece(t) for t in stats.output_token_ids).decode("utf-8")
    assert produced == result.new_region
    assert stats.output_tokens == len(stats.output_token_ids)
