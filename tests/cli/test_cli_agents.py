"""Agents' formats on the command line: `apply --diff`, SEARCH/REPLACE blocks and replace lists in a batch,
`edit --symbol X --new-name Y` over a folder, and a rule-named fix that runs its linter (real model)."""

from __future__ import annotations

import json
import queue
from pathlib import Path

import pytest

from lsp_server import linters

pytestmark = pytest.mark.model

TWO_FILES = """diff --git a/basket.py b/basket.py
--- a/basket.py
+++ b/basket.py
@@ -31,3 +31,5 @@ def total(prices):
 def average(prices):
+    if not prices:
+        return 0.0
     return total(prices) / len(prices)
--- a/ledger.py
+++ b/ledger.py
@@ ... @@
     def record(self, day, description, amount):
+        if amount == 0:
+            return
         self.entries.append(Entry(day, description, amount))
"""


def test_a_stale_diff_of_two_files_from_stdin_is_placed_verified_and_written(specedit, project, copy_in):
    basket, ledger = copy_in("basket.py"), copy_in("ledger.py")
    done = specedit("apply", "--diff", "-", stdin=TWO_FILES)
    assert done.returncode == 0, done.stdout + done.stderr
    answer = json.loads(done.stdout)
    assert answer["ok"] and [f["file"] for f in answer["files"]] == ["basket.py", "ledger.py"]
    assert [h["status"] for f in answer["files"] for h in f["hunks"]] == ["applied after relocation", "applied exactly"]
    assert "line 31" in answer["files"][0]["hunks"][0]["reason"]
    assert "    if not prices:\n        return 0.0\n    return total(prices)" in basket.read_text()
    assert "        if amount == 0:\n            return\n        self.entries.append" in ledger.read_text()


def test_atomic_writes_nothing_when_one_hunk_is_refused(specedit, project, copy_in):
    basket, ledger = copy_in("basket.py"), copy_in("ledger.py")
    before = basket.read_text(), ledger.read_text()
    refused = TWO_FILES.replace("     def record(self, day, description, amount):\n", "").replace(
        "         self.entries.append(Entry(day, description, amount))\n", "")
    (project / "change.diff").write_text(refused)
    done = specedit("apply", "--diff", "change.diff", "--atomic")
    answer = json.loads(done.stdout)
    assert done.returncode == 1 and not answer["ok"]
    ledger_answer = answer["files"][1]
    assert ledger_answer["hunks"][0]["status"] == "refused"
    assert "neither context nor a line number" in ledger_answer["hunks"][0]["reason"]
    assert "atomic" in answer["files"][0]["error"]
    assert (basket.read_text(), ledger.read_text()) == before


def test_blocks_and_replace_lists_in_one_batch(specedit, project, copy_in):
    basket = copy_in("basket.py")
    blocks = ("basket.py\n```python\n<<<<<<< SEARCH\n    result = 0\n=======\n    result = 0.0\n>>>>>>> REPLACE\n```\n")
    requests = [{"blocks": blocks, "root": ".", "id": "b"},
                {"file": "basket.py", "replace": [{"search": 'return "%d items, %.2f in all"',
                                                   "replace": 'return "%d items, %.2f in total"'}]},
                {"file": "basket.py", "replace": [{"search": "no such line\n", "replace": "x\n"}]}]
    done = specedit("apply", "--jsonl", "-", stdin="".join(json.dumps(r) + "\n" for r in requests))
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert [a["ok"] for a in answers] == [True, True, False], answers
    assert answers[0]["id"] == "b" and answers[0]["files"][0]["hunks"][0]["status"] == "applied exactly"
    assert "refused" in answers[2]["error"] and answers[2]["hunks"][0]["status"] == "refused"
    text = basket.read_text()
    assert "    result = 0.0\n" in text and "in total" in text


def test_a_rename_across_a_folder_prints_a_diff_per_file_then_writes_them(specedit, project, copy_in):
    copy_in("basket.py")
    (project / "report.py").write_text("from basket import total\n\nprint(total([1, 2]))  # the total\n")
    (project / "notes.md").write_text("total\n")
    shown = specedit("edit", ".", "--symbol", "total", "--new-name", "subtotal")
    assert shown.returncode == 0, shown.stderr
    assert "+++ b/./basket.py" in shown.stdout and "+++ b/./report.py" in shown.stdout and "notes.md" not in shown.stdout
    assert "total(" in (project / "report.py").read_text()  # printing writes nothing
    written = specedit("edit", "basket.py", "report.py", "--symbol", "total", "--new-name", "subtotal", "--write")
    assert written.returncode == 0, written.stderr
    assert (project / "report.py").read_text() == "from basket import subtotal\n\nprint(subtotal([1, 2]))  # the subtotal\n"
    assert "def subtotal(prices):" in (project / "basket.py").read_text()


@pytest.mark.skipif(linters.find_linter("ruff") is None, reason="ruff is not installed")
def test_ruffs_message_for_an_unused_import_in_a_327_line_module_is_fixed_by_ruffs_fix(specedit, project):
    lines = Path(queue.__file__).read_text().splitlines(keepends=True)
    module = project / "queue.py"
    module.write_text("".join(lines[:2] + ["import os\n"] + lines[2:]))
    done = specedit("edit", "queue.py", "--diagnostic", "queue.py:3:8: F401 [*] `os` imported but unused", "--write")
    assert done.returncode == 0, done.stderr  # before, the model made no change (exit 3): no tool draft
    assert module.read_text() == "".join(lines)
