"""`specedit mcp` as an MCP client sees it: the SDK's own client over a real subprocess, the real embedded model."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

mcp = pytest.importorskip("mcp")
from mcp import Client, StdioServerParameters  # noqa: E402

pytestmark = pytest.mark.model
ROOT = Path(__file__).resolve().parents[2]
BASKET = (ROOT / "tests" / "data" / "cli" / "basket.py").read_text()


def server(root: Path) -> StdioServerParameters:
    script = Path(sys.executable).with_name("specedit")
    command, args = (str(script), []) if script.exists() else (sys.executable, ["-m", "lsp_server.cli"])
    threads = os.environ.get("SPECEDIT_TEST_THREADS", "1")
    return StdioServerParameters(command=command, args=[*args, "mcp", "--root", str(root), "--n-threads", threads],
                                 env={"PYTHONPATH": str(ROOT)}, cwd=str(root))


async def test_the_tools_have_typed_schemas_edit_files_and_fail_as_tool_errors(tmp_path):
    basket = tmp_path / "basket.py"
    basket.write_text(BASKET)
    async with Client(server(tmp_path), read_timeout_seconds=600) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert set(tools) == {"edit_file", "rename_symbol", "fix_diagnostic"}
        edit = tools["edit_file"].input_schema
        assert edit["required"] == ["path"]
        assert {"instruction", "sketch", "diff", "replace", "lines", "symbol", "dry_run"} <= set(edit["properties"])
        replacement = edit["$defs"]["Replacement"]
        assert replacement["required"] == ["search", "replace"]
        assert tools["rename_symbol"].input_schema["properties"]["paths"]["type"] == "array"

        # A search text that lost its indentation: placed, verified by the model, written, shown as a diff.
        answer = await client.call_tool("edit_file", {"path": "basket.py", "replace": [
            {"search": "def average(prices):\nreturn total(prices) / len(prices)\n",
             "replace": "def average(prices):\nif not prices:\n    return 0.0\nreturn total(prices) / len(prices)\n"}]})
        report = answer.content[0].text
        assert not answer.is_error, report
        # Named as the agent named it: relative to the root, in the outcome line and the diff's headers.
        assert report.startswith("basket.py: changed\n") and "--- a/basket.py\n+++ b/basket.py\n" in report, report
        assert str(tmp_path) not in report
        assert "hunk 1: applied after relocation" in report
        assert "+    if not prices:\n+        return 0.0\n" in report, report
        assert basket.read_text() == BASKET.replace("def average(prices):\n",
                                                    "def average(prices):\n    if not prices:\n        return 0.0\n")

        missing = await client.call_tool("edit_file", {"path": "nowhere.py", "instruction": "add a docstring"})
        assert missing.is_error and missing.content[0].text.endswith("no such file: nowhere.py"), missing.content[0].text
        absolute = await client.call_tool("edit_file", {"path": str(tmp_path / "nowhere.py"), "instruction": "add a docstring"})
        assert absolute.is_error and f"no such file: {tmp_path / 'nowhere.py'}" in absolute.content[0].text
        ambiguous = await client.call_tool("edit_file", {"path": "basket.py", "diff": "@@ ... @@\n-    return 0.0\n+    return None\n\n",
                                                         "instruction": "also this"})
        assert ambiguous.is_error and "give only one of" in ambiguous.content[0].text
        alone = await client.call_tool("edit_file", {"path": "basket.py", "symbol": "average"})
        assert alone.is_error and "'symbol' goes with an 'instruction'" in alone.content[0].text
        unknown = await client.call_tool("edit_file", {"path": "basket.py", "instruction": "add a docstring",
                                                       "symbol": "median"})
        assert unknown.is_error and "no definition named 'median'" in unknown.content[0].text


async def test_rename_across_a_folder_answers_per_file_and_writes_them_all(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "basket.py").write_text(BASKET)
    (tmp_path / "pkg" / "report.py").write_text("from basket import total\n\n\ndef show(prices):\n    # total of the basket\n    print(total(prices))\n")
    (tmp_path / "pkg" / "other.py").write_text("x = 1\n")
    async with Client(server(tmp_path), read_timeout_seconds=600) as client:
        answer = await client.call_tool("rename_symbol", {"symbol": "total", "new_name": "subtotal", "paths": ["pkg"]})
    report = answer.content[0].text
    assert not answer.is_error, report
    assert "pkg/basket.py: changed" in report and "pkg/report.py: changed" in report and "other.py" not in report
    assert str(tmp_path) not in report and "--- a/pkg/report.py\n" in report, report
    assert "def subtotal(prices):" in (tmp_path / "pkg" / "basket.py").read_text()
    assert (tmp_path / "pkg" / "report.py").read_text() == (
        "from basket import subtotal\n\n\ndef show(prices):\n    # subtotal of the basket\n    print(subtotal(prices))\n")


def test_the_answer_says_which_definitions_a_free_form_edit_rewrote():
    from lsp_server.mcp_server import report
    from lsp_server.multifile import FileOutcome

    narrowed = FileOutcome("m.py", "a\n", "b\n", stats={"definitions": ["total"], "widened_for": []})
    widened = FileOutcome("n.py", "a\n", "b\n", stats={"definitions": [], "widened_for": ["Sequence"]})
    lines = report([narrowed, widened], dry_run=False).splitlines()
    assert lines[0] == "m.py: changed (only total)"
    assert lines[1] == "n.py: changed (the whole file: the new code uses Sequence, defined nowhere in it)"
