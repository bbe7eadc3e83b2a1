"""Edit sketches: the deterministic merge that becomes the draft (bench/sketches are the reference cases)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from lsp_server.engine.edit import EditError
from lsp_server.engine.sketch import merge_sketch, split_sketch

SKETCHES = Path(__file__).resolve().parents[2] / "bench" / "sketches"
CASES = sorted(p for p in SKETCHES.iterdir() if (p / "task.toml").exists())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bench_sketches_merge_to_the_expected_file(case):
    task = tomllib.loads((case / "task.toml").read_text())
    original, sketch, expected = ((case / task[k]).read_text() for k in ("file", "sketch", "expected"))
    assert merge_sketch(original, sketch) == expected


ORIGINAL = "import os\n\n\ndef a():\n    return 1\n\n\ndef b():\n    return 2\n"


def test_markers_in_several_comment_styles_split_the_sketch():
    sketch = "# ... existing code ...\nx\n// ... existing code ...\ny\n/* ... rest of the file ... */\n"
    chunks, leading, trailing = split_sketch(sketch)
    assert [c.lines for c in chunks] == [["x\n"], ["y\n"]] and leading and trailing


def test_a_changed_function_body_replaces_the_original_body():
    sketch = "# ... existing code ...\ndef b():\n    return 3\n"
    assert merge_sketch(ORIGINAL, sketch) == ORIGINAL.replace("return 2", "return 3")


def test_new_code_after_an_anchor_is_inserted_and_the_rest_kept():
    sketch = "# ... existing code ...\n    return 1\n\n\ndef c():\n    return 4\n# ... existing code ...\n"
    merged = merge_sketch(ORIGINAL, sketch)
    assert "def c():\n    return 4\n" in merged and merged.endswith("def b():\n    return 2\n")


def test_a_sketch_that_matches_nothing_is_refused():
    with pytest.raises(EditError):
        merge_sketch(ORIGINAL, "# ... existing code ...\nzzz = 1\n# ... existing code ...\n")
    with pytest.raises(EditError):
        merge_sketch(ORIGINAL, "# ... existing code ...\n")
