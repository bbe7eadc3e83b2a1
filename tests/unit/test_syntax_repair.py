"""Syntax repair drafts: one separator or closer inserted or deleted so the code parses (token lists in grammars/)."""

from pathlib import Path

import pytest

from lsp_server import syntax
from lsp_server.engine.tasks import Task, build_request

CASES = [
    ("stack.rs", "fn push(v: &mut Vec<i32>) -> Result<(), ()> {\n    v.push(1)\n    Ok(())\n}\n",
     "fn push(v: &mut Vec<i32>) -> Result<(), ()> {\n    v.push(1);\n    Ok(())\n}\n"),
    ("m.js", "function f(a) {\n  const b = g(a;\n  return b;\n}\n", "function f(a) {\n  const b = g(a);\n  return b;\n}\n"),
    ("m.py", "def f(a)\n    return a + 1\n", "def f(a):\n    return a + 1\n"),
    ("Main.java", "class Main {\n  int f(int a) {\n    int b = a + 1\n    return b;\n  }\n}\n",
     "class Main {\n  int f(int a) {\n    int b = a + 1;\n    return b;\n  }\n}\n"),
]


@pytest.mark.parametrize("path, broken, fixed", CASES)
def test_one_token_repairs_parse_clean(path, broken, fixed):
    language = syntax.language_for(path)
    assert syntax.syntax_problems(broken.encode(), language)
    assert syntax.repair_draft(broken.encode(), language).decode() == fixed


def test_clean_code_needs_no_repair():
    assert syntax.repair_draft(b"x = 1\n", syntax.language_for("m.py")) is None


@pytest.mark.parametrize("path, broken, fixed", CASES[:2])
def test_a_syntax_fix_request_carries_the_repair_as_its_draft(path, broken, fixed):
    request = build_request(broken, Task("fix", diagnostic="expected `;`"), path=path)
    assert request.draft_led and request.drafted_text == fixed


@pytest.mark.parametrize("lines", [(16, 16), (17, 17), (18, 18)])
def test_a_compiler_message_about_the_next_line_still_gets_the_repair(lines):
    # rustc says "expected `;`, found `Ok`" at line 18; the missing `;` belongs at the end of line 17.
    text = (Path(__file__).resolve().parents[1] / "data" / "syntax" / "stack.rs").read_text()
    request = build_request(text, Task("fix", diagnostic="expected `;`, found `Ok`", lines=lines), path="stack.rs")
    assert request.drafted_text == text.replace("self.items.push(item)\n", "self.items.push(item);\n")
    assert len(request.regions) == 1 and request.regions[0].end - request.regions[0].start < 200
