"""Tolerant application of hunks to a file that moved on: each hunk placed, sketched or refused, and why."""

from __future__ import annotations

from lsp_server.patches import hunk_from_replace, parse_diff
from lsp_server.patching import MERGED, REFUSED, draft_file
from lsp_server.locate import EXACT, RELOCATED

LEDGER = """import json


class Ledger:
    def __init__(self):
        self.rows = []

    def add(self, amount, note=""):
        if amount == 0:
            return None
        self.rows.append((amount, note))
        return len(self.rows)

    def balance(self):
        total = 0
        for amount, _ in self.rows:
            total += amount
        return total

    def dump(self, path):
        with open(path, "w") as f:
            json.dump(self.rows, f)
"""


def diff(body: str) -> list:
    return [h for p in parse_diff("--- a/ledger.py\n+++ b/ledger.py\n" + body) for h in p.hunks]


def test_a_hunk_where_its_line_number_says_is_applied_exactly():
    result = draft_file(LEDGER, diff("@@ -14,3 +14,3 @@\n     def balance(self):\n-        total = 0\n+        total = 0.0\n         for amount, _ in self.rows:\n"))
    assert [(h.status, h.line) for h in result.hunks] == [(EXACT, 14)]
    assert "        total = 0.0\n" in result.drafted and result.drafted.count("\n") == LEDGER.count("\n")


def test_stale_line_numbers_are_relocated_and_later_hunks_move_with_the_first():
    result = draft_file(LEDGER, diff(
        "@@ -40,3 +40,3 @@\n     def add(self, amount, note=\"\"):\n-        if amount == 0:\n+        if not amount:\n             return None\n"
        "@@ -48,2 +48,2 @@\n         total = 0\n-        for amount, _ in self.rows:\n+        for amount, _note in self.rows:\n"))
    assert [h.status for h in result.hunks] == [RELOCATED, RELOCATED]
    assert "32 line(s) above line 40" in result.hunks[0].reason
    assert "if not amount:" in result.drafted and "for amount, _note in self.rows:" in result.drafted


def test_lost_indentation_is_found_and_the_new_lines_take_the_files_indentation():
    hunk = hunk_from_replace("def balance(self):\n    total = 0\n", "def balance(self):\n    total = 0\n    # every row counts\n")
    result = draft_file(LEDGER, [hunk])
    assert result.hunks[0].status == RELOCATED and "whitespace" in result.hunks[0].reason
    assert "        total = 0\n        # every row counts\n        for amount" in result.drafted


def test_tabs_for_spaces_and_trailing_spaces_do_not_stop_a_hunk():
    result = draft_file(LEDGER, diff("@@ ... @@\n \tdef dump(self, path):  \n-\t\twith open(path, \"w\") as f:\n+\t\twith open(path, \"w\", encoding=\"utf-8\") as f:\n"))
    assert result.hunks[0].status == RELOCATED
    assert '        with open(path, "w", encoding="utf-8") as f:\n' in result.drafted


def test_a_drifted_context_line_is_tolerated_but_a_missing_removed_line_is_not_guessed():
    drifted = diff("@@ -8,4 +8,4 @@\n     def add(self, amount, note=None):\n         if amount == 0:\n-            return None\n+            return 0\n         self.rows.append((amount, note))\n")
    result = draft_file(LEDGER, drifted)
    assert result.hunks[0].status == RELOCATED and "1 context line(s) differ" in result.hunks[0].reason
    assert "            return 0\n" in result.drafted and 'note=""' in result.drafted  # the file's line is kept
    missing = diff("@@ -8,4 +8,4 @@\n     def add(self, amount, note=\"\"):\n         if amount == 0:\n-            raise ValueError(amount)\n+            return 0\n")
    assert draft_file(LEDGER, missing).hunks[0].status != RELOCATED


def test_extra_lines_in_the_file_inside_the_hunk_are_kept():
    grown = LEDGER.replace("        total = 0\n", "        total = 0\n        # sum them up\n")
    result = draft_file(grown, diff("@@ -14,4 +14,4 @@\n     def balance(self):\n         total = 0\n         for amount, _ in self.rows:\n-            total += amount\n+            total += abs(amount)\n"))
    assert result.hunks[0].status == RELOCATED
    assert "        total = 0\n        # sum them up\n        for amount, _ in self.rows:\n            total += abs(amount)\n" in result.drafted


def test_a_brace_moved_to_its_own_line_is_found_by_its_text():
    c_code = "int f(int x) {\n    if (x > 0) {\n        return 1;\n    }\n    return 0;\n}\n"
    hunk = hunk_from_replace("    if (x > 0)\n    {\n        return 1;\n", "    if (x >= 0) {\n        return 1;\n")
    result = draft_file(c_code, [hunk])
    assert result.hunks[0].status == RELOCATED and "line breaks" in result.hunks[0].reason
    assert result.drafted == c_code.replace("x > 0", "x >= 0")


def test_an_ambiguous_hunk_without_a_line_number_is_refused_with_the_places():
    text = "a = 1\nprint(a)\n\nb = 2\nprint(a)\n"
    result = draft_file(text, diff("@@ ... @@\n-print(a)\n+print(b)\n"))
    assert result.hunks[0].status == REFUSED
    assert "occur 2 times (lines 2, 5)" in result.hunks[0].reason and result.drafted == text


def test_an_already_applied_hunk_is_refused_as_such():
    result = draft_file(LEDGER, diff("@@ -1,3 +1,3 @@\n-import yaml\n+import json\n \n \n"))
    assert result.hunks[0].status == REFUSED and "already applied" in result.hunks[0].reason


def test_a_hunk_that_cannot_be_placed_becomes_a_sketch_for_the_model():
    # The removed line was reworded beyond recognition: the hunk is merged by its context lines instead.
    hunk = diff("@@ ... @@\n     def balance(self):\n-        accumulated_value_of_every_row = 0\n+        total = 0  # cents\n         for amount, _ in self.rows:\n")[0]
    result = draft_file(LEDGER, [hunk])
    assert result.hunks[0].status == MERGED and result.sketch and "... existing code ..." in result.sketch
    assert "        total = 0  # cents\n        for amount, _ in self.rows:\n" in result.drafted
    assert result.drafted.count("def balance") == 1


def test_a_search_text_inside_a_line_is_replaced_where_it_stands_and_crlf_files_stay_crlf():
    crlf = LEDGER.replace("\n", "\r\n")
    result = draft_file(crlf, [hunk_from_replace('open(path, "w")', 'open(path, "w", newline="")')])
    assert result.hunks[0].status == EXACT
    assert 'with open(path, "w", newline="") as f:\r\n' in result.drafted and "\r\n" in result.drafted
    added = draft_file(crlf, diff("@@ -20,1 +20,2 @@\n     def dump(self, path):\n+        \"\"\"Write the rows as JSON.\"\"\"\n"))
    assert '    def dump(self, path):\r\n        """Write the rows as JSON."""\r\n' in added.drafted


def test_a_file_without_a_final_newline_keeps_it_that_way():
    text = "x = 1\ny = 2"
    result = draft_file(text, diff("@@ -2 +2,2 @@\n-y = 2\n+y = 3\n+z = 4\n"))
    assert result.drafted == "x = 1\ny = 3\nz = 4"


def test_an_empty_search_appends_and_overlapping_hunks_are_not_both_applied():
    appended = draft_file("a = 1\n", [hunk_from_replace("", "b = 2\n")])
    assert appended.drafted == "a = 1\nb = 2\n" and "end of the file" in appended.hunks[0].reason
    twice = draft_file("a = 1\nb = 2\n", [hunk_from_replace("a = 1\n", "a = 10\n"), hunk_from_replace("a = 1\n", "a = 11\n")])
    assert twice.hunks[0].status == EXACT and twice.hunks[1].status == REFUSED


def test_added_lines_move_with_the_line_after_them_when_the_agent_flattened_only_some_lines():
    # The agent kept `def` at the left margin and flattened its body there too.
    hunk = hunk_from_replace("def balance(self):\ntotal = 0\n", "def balance(self):\nif not self.rows:\n    return 0\ntotal = 0\n")
    result = draft_file(LEDGER, [hunk])
    assert "    def balance(self):\n        if not self.rows:\n            return 0\n        total = 0\n" in result.drafted
