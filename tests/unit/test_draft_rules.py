"""Each rule that makes a tool's draft, on inputs that are not benchmark tasks (other typo shapes, other messages, other rules).

The rules were first written against the benchmark's own bugs (dropped-letter names, eslint's
eqeqeq); these inputs check that they generalise. Where a rule is known to give a wrong draft,
the case is an xfail(strict) that says what goes wrong, so it shows in every run and turns red
once fixed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from lsp_server import linters
from lsp_server.engine.fixes import closest_name, message_fix
from lsp_server.engine.tasks import Task, build_request
from tests.unit.test_linters import eslint  # noqa: F401  (the fixture: eslint from npm, installed once)


def drafted(text: str, diagnostic: str, path: str, lines: tuple[int, int] | None = None) -> str | None:
    """The whole text as the fix's draft makes it, or None when no tool made a draft."""
    request = build_request(text, Task("fix", diagnostic=diagnostic, lines=lines), path=path)
    return request.drafted_text if request.draft_led else None


# -- closest_name: the defined name an undefined one stands for --------------------------------------


@pytest.mark.parametrize("wrong, names, expected", [
    ("totla", {"total", "tools", "other"}, "total"),  # two letters swapped
    ("lenght", {"length", "left"}, "length"),
    ("nmae", {"name", "names"}, "name"),
    ("resultt", {"result", "result_text"}, "result"),  # a letter typed twice, beside a longer name holding its letters
    ("dataa", {"data", "data_frame"}, "data"),
    ("countt", {"count", "counter"}, "count"),
    ("NAME", {"name", "names"}, "name"),  # the wrong case
    ("Total", {"total", "Tools"}, "total"),
    ("userid", {"userId", "user"}, "userId"),
    ("idx", {"index", "items"}, "index"),  # an abbreviation
    ("cnt", {"count", "content"}, "count"),
    ("reponse", {"response", "request"}, "response"),  # a dropped letter
    ("xyz", {"alpha", "beta"}, None),  # nothing close: no draft
])
def test_closest_name_on_typos_of_every_shape(wrong, names, expected):
    assert closest_name(wrong, names) == expected


def test_a_slip_that_fits_two_names_falls_back_to_the_other_rules():
    # 'form' is a swap of 'from' and the wrong case of 'Form': no single slip, so the spelling decides.
    assert closest_name("form", {"from", "Form"}) in {"from", "Form"}


@pytest.mark.parametrize("path, text, diagnostic, fixed", [
    ("inv.py", "def restock(items, amount):\n    totla = 0\n    for item in items:\n        total += amount\n    return total\n",
     "inv.py:4:9: F821 undefined name 'total'",  # the definition is the typo: the uses follow it (the code runs)
     "def restock(items, amount):\n    totla = 0\n    for item in items:\n        totla += amount\n    return totla\n"),
    ("calc.py", "def mean(values):\n    total = sum(values)\n    return totla / len(values)\n",
     "calc.py:3:12: F821 undefined name 'totla'", "def mean(values):\n    total = sum(values)\n    return total / len(values)\n"),
    ("fetch.js", "function load(url, result_text) {\n  const result = fetch(url);\n  return resultt.json();\n}\n",
     "fetch.js:3:10: 'resultt' is not defined. (no-undef)",
     "function load(url, result_text) {\n  const result = fetch(url);\n  return result.json();\n}\n"),
    ("buf.c", "int fill(char *buf, int buf_size) {\n    for (int i = 0; i < Buf_size; i++) buf[i] = 0;\n    return buf_size;\n}\n",
     "buf.c:2:25: error: 'Buf_size' undeclared (first use in this function)",
     "int fill(char *buf, int buf_size) {\n    for (int i = 0; i < buf_size; i++) buf[i] = 0;\n    return buf_size;\n}\n"),
    ("walk.go", "package walk\n\nfunc Depth(nodes []int) int {\n\tcount := 0\n\tfor range nodes {\n\t\tcuont++\n\t}\n\treturn count\n}\n",
     "./walk.go:6:3: undefined: cuont",
     "package walk\n\nfunc Depth(nodes []int) int {\n\tcount := 0\n\tfor range nodes {\n\t\tcount++\n\t}\n\treturn count\n}\n"),
])
def test_undefined_name_drafts_in_four_languages(path, text, diagnostic, fixed):
    assert drafted(text, diagnostic, path) == fixed


# -- message_fix: a message that names the fix ("Expected '===' and instead saw '=='") ---------------


LINE = "if (a === b || c == d) {\n  go();\n}\n"


@pytest.mark.parametrize("text, diagnostic, fixed", [
    ("while (node != null) {\n  node = node.next;\n}\n", "list.js:1:13: Expected '!==' and instead saw '!='. (eqeqeq)",
     "while (node !== null) {\n  node = node.next;\n}\n"),
    # a '===' earlier on the line holds a '==': only the standalone one is what the message saw
    (LINE, "x.js:1:18: Expected '===' and instead saw '=='. (eqeqeq)", LINE.replace("c == d", "c === d")),
    (LINE, "x.js:1:1: Expected '===' and instead saw '=='.", LINE.replace("c == d", "c === d")),
    (LINE, "Expected '===' and instead saw '=='.", LINE.replace("c == d", "c === d")),  # no place: its one occurrence
    ("if (a !== b) x();\n", "x.js:1:7: Expected '!=' and instead saw '!=='.", "if (a != b) x();\n"),  # shrunk
])
def test_a_message_that_names_the_fix_is_applied_where_it_points(text, diagnostic, fixed):
    assert message_fix(text, (0, len(text)), diagnostic) == fixed


@pytest.mark.parametrize("text, diagnostic", [
    ("let a = b == c;\nlet d = e == f;\n", "Expected '===' and instead saw '=='."),  # two places, none given
    ("if (x) return y;\n", "x.js:1:8: Expected '{' and instead saw 'return'."),  # jshint's curly: not one text grown
    ("fn f() -> i32 { 1 }\n", "error: expected `;`, found `Ok`"),  # a missing separator: the syntax repair's job
    ("x = 1\n", "x.js:1:1: Strings must use singlequote. (quotes)"),  # a message that names no text
])
def test_no_message_draft_when_the_message_does_not_say_where_or_what(text, diagnostic):
    assert message_fix(text, (0, len(text)), diagnostic) is None


# -- syntax repair: one token inserted or deleted at the reported place ----------------------------


@pytest.mark.parametrize("path, text, diagnostic, fixed", [
    ("a.py", "def area(w, h):\n    return max(w, h\n\nprint(area(1, 2))\n", "a.py:2:20: SyntaxError: '(' was never closed",
     "def area(w, h):\n    return max(w, h)\n\nprint(area(1, 2))\n"),
    ("b.py", "items = [1, 2, 3\ntotal = sum(items)\n", "b.py:1:9: SyntaxError: '[' was never closed",
     "items = [1, 2, 3]\ntotal = sum(items)\n"),
    ("c.py", "for x in range(3)\n    print(x)\n", "c.py:1:18: SyntaxError: expected ':'", "for x in range(3):\n    print(x)\n"),
    ("m.c", "int main(void) {\n    int x = 1\n    return x;\n}\n", "m.c:2:14: error: expected ';' at end of declaration",
     "int main(void) {\n    int x = 1;\n    return x;\n}\n"),
    ("g.go", "package main\n\nfunc f() int {\n\treturn g(1, 2\n}\n",
     "g.go:4:15: syntax error: unexpected newline in argument list; possibly missing comma or )",
     "package main\n\nfunc f() int {\n\treturn g(1, 2)\n}\n"),
    ("c.json", '{\n  "a": 1\n  "b": 2\n}\n', "c.json:3:3: Expected comma", '{\n  "a": 1,\n  "b": 2\n}\n'),
    ("x.ts", "const xs: number[] = [1, 2;\n", "x.ts:1:27: error TS1005: ']' expected.", "const xs: number[] = [1, 2];\n"),
])
def test_syntax_repairs_outside_the_benchmark(path, text, diagnostic, fixed):
    assert drafted(text, diagnostic, path) == fixed


@pytest.mark.xfail(strict=True, reason="inserting beats deleting: an extra ')' gets a '(' at the line start, "
                                       "'(print(...))', which parses, instead of losing the ')' the message points at")
def test_an_unmatched_closer_is_deleted():
    assert drafted("print('a', 'b'))\n", "a.py:1:16: SyntaxError: unmatched ')'", "a.py") == "print('a', 'b')\n"


@pytest.mark.xfail(strict=True, reason="a '}' missing mid-file is added where the parser noticed, at the end of "
                                       "the file: the next function ends up nested in the unclosed one")
def test_a_missing_brace_closes_its_own_function():
    text = "function add(a, b) {\n  return a + b;\n\nfunction sub(a, b) {\n  return a - b;\n}\n"
    assert drafted(text, "a.js:2:16: SyntaxError: Unexpected end of input", "a.js") == text.replace(
        "a + b;\n", "a + b;\n}\n")


# -- linter JSON fixes: the real ruff and eslint on rules the benchmark does not use ----------------


RUFF = [str(Path(sys.executable).parent / "ruff"), "check", "--no-cache", "--isolated", "--select", "F401,F541,E713,F632",
        "--output-format=json", "--stdin-filename", "{file}", "-"]
RUFF_SOURCE = ('import os, sys\n\n\ndef check(xs, name, flag):\n    if not name in xs:\n        print(f"missing")\n'
               '    if flag is 1:\n        return sys.argv\n')


def linter_draft(argv: list[str], path: Path, text: str, diagnostic: str) -> str | None:
    path.write_text(text)
    findings = linters.run_sync(argv, str(path), text)
    fix = linters.fix_for(findings, diagnostic)
    assert fix, [f.message for f in findings]
    request = build_request(text, Task("fix", diagnostic=diagnostic, fix_edits=fix), path=str(path))
    return request.drafted_text if request.draft_led else None


@pytest.mark.parametrize("diagnostic, old, new", [
    ("F401 `os` imported but unused", "import os, sys\n", "import sys\n"),  # one name of two
    ("E713 Test for membership should be `not in`", "not name in xs", "name not in xs"),
    ("F541 f-string without any placeholders", 'f"missing"', '"missing"'),
    ("F632 Use `==` to compare constant literals", "flag is 1", "flag == 1"),
])
def test_ruff_fixes_of_other_rules_become_the_draft(tmp_path, diagnostic, old, new):
    if not Path(RUFF[0]).exists():
        pytest.fail("ruff is part of the test extras (pip install -e '.[test]')")
    assert linter_draft(RUFF, tmp_path / "check.py", RUFF_SOURCE, diagnostic) == RUFF_SOURCE.replace(old, new, 1)


ESLINT_SOURCE = 'var count = 0;\nfunction bump(obj) {\n  if (obj) count++;\n  return obj["value"];\n}\n'


@pytest.mark.parametrize("rule, diagnostic, old, new", [
    ("no-var", "Unexpected var, use let or const instead. (no-var)", "var count", "let count"),
    ("dot-notation", '["value"] is better written in dot notation. (dot-notation)', 'obj["value"]', "obj.value"),
    ("curly", "Expected { after 'if' condition. (curly)", "if (obj) count++;", "if (obj) {count++;}"),
])
def test_eslint_fixes_of_other_rules_become_the_draft(eslint, tmp_path, monkeypatch, rule, diagnostic, old, new):  # noqa: F811
    monkeypatch.chdir(tmp_path)  # eslint ignores files outside its working directory
    argv = [a.replace("prefer-const: error", f"{rule}: error") for a in eslint]
    assert linter_draft(argv, tmp_path / "bump.js", ESLINT_SOURCE, diagnostic) == ESLINT_SOURCE.replace(old, new)
