"""Edit sketches: the deterministic merge that becomes the draft (bench/sketches are the reference cases)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lsp_server.errors import EditError
from lsp_server.engine.sketch import DEFAULT_MARKERS, marker_patterns, merge_sketch, split_sketch
from lsp_server.engine.tasks import Task, build_request
from lsp_server.tomlcompat import tomllib

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


def test_a_sketch_of_a_large_file_rewrites_only_the_lines_it_changes():
    functions = "".join(f"def f{i}():\n    return {i}\n\n\n" for i in range(40))
    sketch = "# ... existing code ...\ndef f20():\n    return 'twenty'\n# ... existing code ...\n"
    request = build_request(functions, Task("sketch", sketch=sketch), path="m.py")
    start, end = request.region
    rewritten = functions[start:end]
    assert "return 20" in rewritten and len(rewritten) < len(functions) // 4
    assert request.text[:start] + request.draft + request.text[end:] == functions.replace("return 20", "return 'twenty'")
    lines = rewritten.splitlines()
    assert lines[0].strip() and lines[-1].strip()  # no blank edges: models drop those


def test_a_sketch_that_changes_nothing_is_refused():
    with pytest.raises(EditError, match="changes nothing"):
        build_request(ORIGINAL, Task("sketch", sketch="# ... existing code ...\ndef b():\n    return 2\n"))


def test_custom_marker_phrases_replace_the_defaults():
    markers = marker_patterns(["<< keep >>"])
    chunks, leading, trailing = split_sketch("// << keep >>\nx\n#   <<  KEEP >>\n", markers)
    assert [c.lines for c in chunks] == [["x\n"]] and leading and trailing
    chunks, _, _ = split_sketch("# ... existing code ...\nx\n", markers)
    assert chunks[0].lines[0] == "# ... existing code ...\n"  # the default is off once phrases are given
    assert marker_patterns(None) == marker_patterns([]) == DEFAULT_MARKERS
    with pytest.raises(EditError):
        marker_patterns(["  "])
