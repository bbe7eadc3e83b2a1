"""The benchmark's [check] rules (bench/harness/checks.py) and the tasks whose tool-made draft alone is wrong."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import checks  # noqa: E402
from bench.harness.checks import expected_text, judge  # noqa: E402
from bench.harness.lintfix import find_linter, with_linter_fix  # noqa: E402
from bench.harness.tasks import TaskFileError, default_task_dirs, load_task, load_tasks  # noqa: E402
from lsp_server import build_request  # noqa: E402


def task(tmp_path: Path, source: str, check_toml: str, file: str = "a.py", lines: str | None = None):
    """A made-up edit task on `source` whose right answers are the [check] table's."""
    folder = tmp_path / "t"
    folder.mkdir(exist_ok=True)
    (folder / file).write_text(source)
    spec = f'file = "{file}"\nkind = "edit"\ninstruction = "i"\n' + (f'lines = "{lines}"\n' if lines else "")
    (folder / "task.toml").write_text(spec + "[check]\nmust_parse = true\n" + check_toml)
    return load_task(folder)


# -- regular expressions ------------------------------------------------------------------------

PY = "def total(xs):\n    s = 0\n    for x in xs:\n        s += x\n    return s\n"


def test_must_match_and_must_not_match_search_the_rewritten_lines(tmp_path):
    bt = task(tmp_path, PY, "must_match = ['return sum\\(\\w+\\)']\nmust_not_match = ['^\\s*for\\b']\n")
    assert judge(bt, "def total(xs):\n    return sum(xs)\n") == (True, None)
    assert judge(bt, "def total(ys):\n    return sum(ys)\n") == (True, None)  # any variable name
    assert judge(bt, PY.replace("return s", "return sum([s])")) == (
        False, "nothing matches 'return sum\\\\(\\\\w+\\\\)'")
    loop = "def total(xs):\n    for x in xs:\n        pass\n    return sum(xs)\n"
    assert judge(bt, loop) == (False, "matches '^\\\\s*for\\\\b' at line 2: '    for'")


# -- only these lines changed -------------------------------------------------------------------

SEVEN = "".join(f"line{n} = {n}\n" for n in range(1, 8))


@pytest.mark.parametrize("result, why", [
    (SEVEN.replace("line3 = 3", "line3 = 30"), None),  # inside
    (SEVEN.replace("line4 = 4\n", ""), None),  # a deletion inside
    (SEVEN.replace("line3 = 3\n", "x = 0\nline3 = 3\n"), None),  # inserted right before the range
    (SEVEN.replace("line4 = 4\n", "line4 = 4\nx = 0\n"), None),  # right after it
    (SEVEN.replace("line6 = 6", "line6 = 60"), "line 6 changed, outside the lines that may change: 'line6 = 6'"),
    (SEVEN.replace("line6 = 6\n", ""), "line 6 changed, outside the lines that may change: 'line6 = 6'"),
    (SEVEN.replace("line6 = 6\n", "line6 = 6\nx = 0\n"), "lines were inserted after line 6, outside the lines that may change"),
])
def test_changed_only_keeps_every_other_line_in_order(tmp_path, result, why):
    bt = task(tmp_path, SEVEN, 'changed_only = ["3:4"]\n')
    assert judge(bt, result) == (why is None, why)


# -- the same code, comments and layout free ----------------------------------------------------


@pytest.mark.parametrize("file, source, right, wrong, why", [
    ("a.py", PY,
     PY.replace("    s = 0\n", '    """Add up xs."""\n    s = 0  # the running sum\n'),
     PY.replace("s += x", "s -= x"), "the code changed at line 4: '-=' where the input has '+='"),
    ("a.js", "function f(a, b) {\n  return g(a, b);\n}\n",
     "/** Calls g. */\nfunction f(a, b) {\n  return g(\n    a,\n    b,\n  );\n}\n",  # layout and a trailing comma
     "function f(a, b) {\n  return g(b, a);\n}\n", "the code changed at line 2: 'b' where the input has 'a'"),
    ("a.go", 'package a\n\nfunc F() string {\n\treturn "a b"\n}\n',
     'package a\n\n// F says a b.\nfunc F() string {\n\treturn "a b"\n}\n',
     'package a\n\nfunc F() string {\n\treturn "a  b"\n}\n',  # a string's content is code, spaces and all
     "the code changed at line 4: 'a  b' where the input has 'a b'"),
    ("a.rs", "fn f() -> u8 {\n    1\n}\n", "/// One.\nfn f() -> u8 {\n    1 // always\n}\n",
     "fn f() -> u8 {\n    2\n}\n", "the code changed at line 2: '2' where the input has '1'"),
])
def test_same_code_allows_comments_docstrings_and_layout_only(tmp_path, file, source, right, wrong, why):
    bt = task(tmp_path, source, "same_code = true\n", file=file)
    assert judge(bt, right) == (True, None)
    assert judge(bt, wrong) == (False, why)


def test_same_code_reports_added_code_at_its_end(tmp_path):
    bt = task(tmp_path, "x = 1\n", "same_code = true\n")
    assert judge(bt, "x = 1\ny = 2\n") == (False, "the code changed at line 2: 'y' where the input has 'the end'")


# -- Python: the same AST but for some parts; imports used; names defined -----------------------

SIG = "import os\n\n\ndef scale(xs, k=None):\n    return [x * (k or 1) for x in xs]\n\n\nprint(os.sep)\n"
HINTS = "from typing import List, Optional\n"
HINTED = SIG.replace("def scale(xs, k=None):", "def scale(xs: List[float], k: Optional[float] = None) -> List[float]:")
HINT_CHECKS = 'same_ast_except = ["annotations", "imports"]\nimports_used = true\nnames_defined = true\n'


@pytest.mark.parametrize("result", [
    SIG.replace("def scale(xs, k=None):", "def scale(xs: list[float], k: float | None = None) -> list[float]:"),
    HINTS + HINTED,
    "from __future__ import annotations\n\n" + HINTS + HINTED,
    "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from typing import List\n"
    + SIG.replace("def scale(xs, k=None):", "def scale(xs: 'List[float]', k=None):"),  # a string annotation uses List
])
def test_type_hints_in_any_spelling_are_right(tmp_path, result):
    bt = task(tmp_path, SIG, HINT_CHECKS)
    assert judge(bt, result) == (True, None)


@pytest.mark.parametrize("result, why", [
    (HINTED, "uses List at line 4 but never defines or imports it"),
    ("from typing import List, Optional, TypeVar\n" + HINTED, "imports TypeVar at line 1 but never uses it"),
    (HINTS + HINTED.replace("(k or 1)", "(k or 2)"), "the code changed beyond the annotations and imports at line 5"),
    (HINTS + HINTED.replace("import os\n", ""), "uses os at line 8 but never defines or imports it"),
])
def test_type_hints_that_break_or_add_code_are_wrong(tmp_path, result, why):
    bt = task(tmp_path, SIG, HINT_CHECKS)
    assert judge(bt, result) == (False, why)


def test_imports_and_names_the_input_already_had_are_not_the_edits(tmp_path):
    source = "import os\nimport sys\n\n\ndef f():\n    return missing\n"  # os unused, missing undefined: the input's
    bt = task(tmp_path, source, "imports_used = true\nnames_defined = true\n")
    assert judge(bt, source.replace("return missing", "return missing + 1 if sys.argv else 0")) == (True, None)
    exported = "import json\n\n__all__ = ['json']\n"
    assert checks.unused_import("", exported) is None  # __all__ exports it
    assert checks.undefined_name("", "def f(x, *a, **k):\n    y = [z for z in a]\n    return x, y, k, len(a)\n") is None


def test_docstrings_may_be_added_or_reworded_but_the_code_kept(tmp_path):
    source = 'class A:\n    def f(self):\n        return 1\n'
    bt = task(tmp_path, source, 'same_ast_except = ["docstrings"]\n')
    assert judge(bt, 'class A:\n    """An A."""\n\n    def f(self):\n        """One."""\n        return 1\n') == (True, None)
    assert judge(bt, 'class A:\n    def f(self):\n        """One."""\n        return 2\n') == (
        False, "the code changed beyond the docstrings at line 1")


# -- Python: run a test on the result -----------------------------------------------------------


def test_python_test_runs_the_result_and_reports_the_failure(tmp_path):
    bt = task(tmp_path, PY, "python_test = '''\nassert total([1, 2, 3]) == 6, total([1, 2, 3])\n'''\n")
    assert judge(bt, "def total(xs):\n    return sum(xs)\n") == (True, None)
    assert judge(bt, "def total(xs):\n    return max(xs)\n") == (False, "the test failed: AssertionError: 3")
    assert judge(bt, "def total(xs):\n    return sum(xs) / 0\n") == (False, "the test failed: ZeroDivisionError: division by zero")


def test_python_test_stops_a_result_that_does_not_finish(tmp_path, monkeypatch):
    monkeypatch.setattr(checks, "PYTHON_TEST_TIMEOUT_S", 1)
    bt = task(tmp_path, PY, "python_test = 'total([1])'\n")
    assert judge(bt, "def total(xs):\n    while True:\n        pass\n") == (False, "the test did not finish in 1 s")


# -- the task file says what is wrong with a [check] table --------------------------------------


@pytest.mark.parametrize("check_toml, file, message", [
    ("must_match = ['(']\n", "a.py", "check.must_match: '\\(' is not a regular expression"),
    ('same_ast_except = ["comments"]\n', "a.py", "same_ast_except takes annotations, docstrings, imports"),
    ("python_test = 'assert 1'\n", "a.js", "check.python_test needs a Python source, not a.js"),
    ("imports_used = true\n", "a.go", "check.imports_used needs a Python source"),
    ("python_test = ' '\n", "a.py", "python_test must be a non-empty string"),
    ('same_code = "yes"\n', "a.py", "check.same_code must be true or false"),
    ('changed_only = ["4-"]\n', "a.py", "check.changed_only: bad line range"),
])
def test_bad_check_tables_are_refused_with_the_reason(tmp_path, check_toml, file, message):
    with pytest.raises(TaskFileError, match=message):
        task(tmp_path, "x = 1\n", check_toml, file=file)


# -- the bundled tasks: right answers in other spellings, wrong ones, drafts that are not enough --

BUNDLED = {bt.name: bt for bt in load_tasks(default_task_dirs())[0]}


def edited(name: str, *replacements: tuple[str, str]) -> str:
    """The task's expected result with each (old, new) replaced once (old must occur)."""
    text = expected_text(BUNDLED[name])
    for old, new in replacements:
        assert old in text, f"{name}: {old!r} is not in the expected result"
        text = text.replace(old, new, 1)
    return text


RANK = "def rank_players(players: list[Player], limit: int | None = None) -> list[tuple[str, int]]:"
AVG = "def average_total(players: list[Player]) -> float:"
TYPING = ("import logging\n", "import logging\nfrom typing import List, Optional, Tuple\n")
RIGHT = {
    "py_leaderboard_type_hints": [
        (TYPING, (RANK, "def rank_players(\n    players: List[Player], limit: Optional[int] = None\n) -> List[Tuple[str, int]]:"),
         (AVG, "def average_total(players: List[Player]) -> float:")),
    ],
    "py_leaderboard_ties_alphabetical": [
        (("key=lambda p: (-p.total, p.name))", "key=lambda p: p.name)\n    ranked.sort(key=lambda p: p.total, reverse=True)"),),
    ],
    "py_leaderboard_empty_guard": [
        (("    if not players:\n        return 0.0\n    totals = [p.total for p in players]\n    return sum(totals) / len(totals)",
          "    totals = [p.total for p in players]\n    return sum(totals) / len(totals) if totals else 0.0"),),
    ],
    "py_leaderboard_lint_fstring": [(('f"bonus for {player.name}: {bonus}")', '"bonus for %s: %d", player.name, bonus)'),)],
    "py_leaderboard_rename_article": [(("Describe an entrant", "Describe one entrant, in one line"),
                                       ("in one line of the results page", "for the results page"))],
    "go_ledger_ties_by_name": [
        ((("\t\tif totals[i].Cents != totals[j].Cents {\n\t\t\treturn totals[i].Cents > totals[j].Cents\n\t\t}\n"
           "\t\treturn totals[i].Account < totals[j].Account\n"),
          "\t\ta, b := totals[i], totals[j]\n\t\treturn a.Cents > b.Cents || (a.Cents == b.Cents && a.Account < b.Account)\n"),),
    ],
    "go_ledger_doc_comments": [(("// Surrounding spaces are trimmed from each field.\n", ""),)],
    "js_settings_lint_eqeqeq_null": [
        (("value === null || value === undefined", "value === undefined || value === null"),),
        (("value === null || value === undefined", "typeof value === 'undefined' || value === null"),),
    ],
    "js_emitter_jsdoc": [(("@returns {boolean}", "@return {boolean}"), ("{Function} listener", "{function(...*): void} listener"))],
    "ts_shifts_types": [(("new Map<string, number>()", "new Map()"), ("(shifts: Shift[], limit: number =", "(shifts: readonly Shift[], limit ="))],
    "ts_shifts_reformat": [(('    shiftHours(shift) + "h",\n  ]', '    shiftHours(shift) + "h"\n  ]'),)],
    "c_ringbuf_null_guard": [(("    if (r == NULL || src == NULL) {\n        return 0;\n    }\n    size_t count = 0;\n",
                               "    size_t count = 0;\n    if (!r || !src)\n        return 0;\n"),)],
    "rust_window_iterator": [(("filter(|s| **s > limit)", "filter(|&&s| s > limit)"),)],
    "rust_window_lint_unused_param": [(("|s| *s *= factor", "|s| *s = *s * factor"),)],
}
WRONG = {
    "py_leaderboard_type_hints": [
        (((RANK, RANK.replace("list[Player]", "List[Player]")),), "uses List at line 31 but never defines or imports it"),
        ((("import logging\n", "import logging\nfrom typing import TypeVar\n"),), "imports TypeVar at line 4 but never uses it"),
        (((AVG, AVG.replace("-> float", "-> int")),), "nothing matches"),
        ((("    scores: list = field", "    scores: list[int] = field"),), "line 18 changed, outside the lines that may change"),
    ],
    "py_leaderboard_ties_alphabetical": [
        ((("key=lambda p: (-p.total, p.name))", "key=lambda p: (p.total, p.name), reverse=True)"),), "the test failed"),
    ],
    "py_leaderboard_comprehension": [
        ((("for scores in round_scores]", "for scores in round_scores if scores]"),), "the test failed"),
    ],
    "py_leaderboard_fstrings": [((('f"{position:2d}. ', 'f"{position}. '),), "the test failed")],
    "go_ledger_ties_by_name": [
        ((("totals[i].Account < totals[j].Account", "totals[i].Account > totals[j].Account"),), "nothing matches"),
    ],
    "go_ledger_doc_comments": [
        ((("// Balance returns the sum", "// Returns the sum"),), "nothing matches"),
        ((("sum += e.Cents", "sum -= e.Cents"),), "the code changed at line 51"),
    ],
    "c_ringbuf_null_guard": [  # the guard after ring_free(r), which already read r
        ((("    if (r == NULL || src == NULL) {\n        return 0;\n    }\n    size_t count = 0;\n    size_t room = ring_free(r);\n",
           "    size_t count = 0;\n    size_t room = ring_free(r);\n    if (r == NULL || src == NULL) {\n        return 0;\n    }\n"),),
         "lines were inserted after line 83"),
    ],
    "java_bank_tostring_format": [((("balance=%s]", "balance=%.2f]"),), "nothing matches")],
    "rust_window_rename_plural": [((("/// The history is kept", "/// The history are kept"),), "matches")],
}


@pytest.mark.parametrize("name, replacements", [(n, r) for n, variants in RIGHT.items() for r in variants])
def test_other_right_answers_of_bundled_tasks_are_accepted(name, replacements):
    assert judge(BUNDLED[name], edited(name, *replacements)) == (True, None)


@pytest.mark.parametrize("name, replacements, why", [(n, r, w) for n, variants in WRONG.items() for r, w in variants])
def test_wrong_answers_of_bundled_tasks_are_refused(name, replacements, why):
    ok, reason = judge(BUNDLED[name], edited(name, *replacements))
    assert not ok and why in reason, reason


# Tasks where the tool's draft (a rename, a linter's fix, a one-token syntax repair) changes the
# code but is not right: the model must add the judgment (issue: the model's contribution).
DRAFT_NOT_ENOUGH = {
    "py_leaderboard_rename_article": "matches '\\\\b[Aa] entrant\\\\b' at line 78: 'a entrant'",
    "py_leaderboard_lint_fstring": "the test failed: AssertionError: ['bonus for player.name: bonus']",
    "py_leaderboard_fix_syntax_paren": "the test failed: TypeError: unsupported operand type(s) for /: 'generator' and 'int'",
    "py_leaderboard_fix_syntax_walrus": "the test failed: AssertionError",
    "go_ledger_rename_article": "matches '\\\\ban posting\\\\b' at line 33: 'an posting'",
    "rust_window_rename_plural": "matches '\\\\bhistory (?:are|took)\\\\b' at line 8: 'history are'",
    "rust_window_lint_unused_param": "nothing matches",
    "js_settings_lint_eqeqeq_null": "nothing matches",
    "js_settings_fix_syntax_concat": "nothing matches",
    "c_ringbuf_fix_syntax_for": "nothing matches",
}
# rustc's suggestion for the unused `factor` (what the draft is when rustc is not installed here).
RUSTC_SUGGESTION = ("pub fn scale(&mut self, factor: f64)", "pub fn scale(&mut self, _factor: f64)")


def draft_of(name: str) -> str:
    """The file as the tools alone would leave it: build_request's drafts, with the linter's fix."""
    bt = BUNDLED[name]
    if name == "rust_window_lint_unused_param" and find_linter("rustc") is None:
        text = bt.text.replace(*RUSTC_SUGGESTION)
        return text
    bt, _note = with_linter_fix(bt)
    request = build_request(bt.text, bt.task, path=str(bt.path))
    assert request.draft_led, f"{name}: no tool made a draft"
    return request.drafted_text


@pytest.mark.parametrize("name", sorted(DRAFT_NOT_ENOUGH))
def test_the_draft_alone_is_judged_wrong_and_the_expected_result_right(name):
    draft = draft_of(name)
    ok, why = judge(BUNDLED[name], draft)
    assert not ok and DRAFT_NOT_ENOUGH[name] in why, why
    assert why != "unchanged"  # the tool did change something: it is the change that is not enough
    assert judge(BUNDLED[name], expected_text(BUNDLED[name])) == (True, None)


def test_rustcs_suggestion_is_the_one_the_test_assumes():
    if find_linter("rustc") is None:
        return  # nothing to compare with; draft_of() uses RUSTC_SUGGESTION
    bt = BUNDLED["rust_window_lint_unused_param"]
    fixed, note = with_linter_fix(bt)
    assert note == "rustc's fix is the draft"
    drafted = build_request(fixed.text, fixed.task, path=str(fixed.path)).drafted_text
    assert drafted == bt.text.replace(*RUSTC_SUGGESTION)
    assert dataclasses.replace(bt, task=fixed.task).task.fix_edits
