"""Renames keep the deterministic tool's change even where the model strays from the draft (real model)."""

from __future__ import annotations

import re

import pytest

from lsp_server.engine.tasks import Task, build_request

pytestmark = pytest.mark.model


@pytest.mark.parametrize(
    "lines",
    [
        pytest.param((37, 41), id="region-starts-at-def"),
        pytest.param(
            (36, 41),
            id="region-starts-with-blank-line",
        ),
    ],
)
def test_rename_instruction_renames_the_function_in_the_region(engine, source, lines):
    text = source("shapes.py")
    request = build_request(text, Task("edit", "rename total_area to sum_of_areas", lines), path="shapes.py")
    assert request.draft is not None and "def sum_of_areas(shapes):" in request.draft
    engine.model.reset()
    result = engine.edit(request)
    assert "def sum_of_areas(shapes):" in result.new_region
    assert not re.search(r"\btotal_area\b", result.new_region)
