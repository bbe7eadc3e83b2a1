"""Linters' findings and fixes in three formats, from the real ruff (PyPI) and the real eslint (npm), as drafts."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lsp_server import linters
from lsp_server.engine.tasks import Task, build_request

DATA = Path(__file__).resolve().parents[1] / "data" / "linters"
RUFF = [str(Path(sys.executable).parent / "ruff"), "check", "--no-cache", "--isolated", "--select", "F401,E711",
        "--output-format=json", "--stdin-filename", "{file}", "-"]
ESLINT_VERSION = "9.9.1"
ESLINT_HOME = Path.home() / ".cache" / "specedit" / f"eslint-{ESLINT_VERSION}"


def test_plain_lines_give_the_rest_of_the_line():
    text = "a = 1\nb = c\n"
    found = linters.parse("x.py:2:5: F821 undefined name 'c'\nnoise\nother.py:1:1: E1 no\n", "x.py", text)
    assert [(text[f.start:f.end], f.message, f.fix) for f in found] == [("c", "F821 undefined name 'c'", [])]


def test_eslint_json_fix_ranges_are_utf16_offsets():
    text = 'let s = "😀";\nlet t = s;\n'
    report = [{"filePath": "/w/x.js", "messages": [{
        "ruleId": "prefer-const", "message": "'t' is never reassigned. Use 'const' instead.", "line": 2, "column": 5,
        "endLine": 2, "endColumn": 6, "fix": {"range": [14, 17], "text": "const"}}]}]
    (finding,) = linters.parse(json.dumps(report), "/w/x.js", text)
    assert text[finding.start:finding.end] == "t"
    assert finding.fix == [(13, 16, "const")] and text[13:16] == "let"  # the emoji is 2 UTF-16 units, 1 str index


@pytest.fixture(scope="module")
def ruff() -> list[str]:
    if not Path(RUFF[0]).exists():
        pytest.fail("ruff is part of the test extras (pip install -e '.[test]')")
    return RUFF


def test_real_ruff_json_fixes_become_the_fix_draft(ruff):
    path = DATA / "args.py"
    text = path.read_text()
    findings = linters.run_sync(ruff, str(path), text)
    messages = [f.message for f in findings]
    assert any(m.startswith("F401") for m in messages) and any(m.startswith("E711") for m in messages), messages
    e711 = next(f for f in findings if f.message.startswith("E711"))
    assert text[e711.start:e711.end] == "None"
    fix = linters.fix_for(findings, e711.message)
    request = build_request(text, Task("fix", diagnostic=e711.message, fix_edits=fix), path=str(path))
    assert request.drafted_text == text.replace("x == None", "x is None")
    assert len(request.regions) == 1 and request.regions[0].end - request.regions[0].start < len(text)


@pytest.fixture(scope="module")
def eslint() -> list[str]:
    binary = ESLINT_HOME / "node_modules" / ".bin" / "eslint"
    if not binary.exists():
        if shutil.which("npm") is None:
            pytest.skip("npm is not installed")
        done = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(ESLINT_HOME),
                               f"eslint@{ESLINT_VERSION}"], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
    return [str(binary), "--no-config-lookup", "--rule", "prefer-const: error", "--format", "json",
            "--stdin", "--stdin-filename", "{file}"]


def test_real_eslint_json_fixes_become_the_fix_draft(eslint):
    path = DATA / "total.js"
    text = path.read_text()
    findings = linters.run_sync(eslint, str(path), text)
    assert any("prefer-const" in f.message for f in findings), findings
    finding = next(f for f in findings if "'label'" in f.message)
    request = build_request(text, Task("fix", diagnostic=finding.message, fix_edits=linters.fix_for(findings, finding.message)),
                            path=str(path))
    assert request.drafted_text == text.replace('let label = "total"', 'const label = "total"')


def test_a_message_that_names_the_fix_is_the_draft():
    text = "function off(list, fn) {\n  const index = list.indexOf(fn);\n  if (index == -1) return;\n}\n"
    request = build_request(text, Task("fix", diagnostic="x.js:3:13: Expected '===' and instead saw '=='. (eqeqeq)"),
                            path="x.js")
    assert request.drafted_text == text.replace("index == -1", "index === -1")


def test_real_clippy_json_suggestions_become_the_fix_draft(tmp_path):
    driver = shutil.which("clippy-driver") or str(Path.home() / ".cargo" / "bin" / "clippy-driver")
    if not Path(driver).exists():
        pytest.skip("clippy-driver is not installed (rustup component add clippy)")
    text = "pub fn f(x: i32) -> i32 {\n    let y = x + 1;\n    return y;\n}\n"
    path = tmp_path / "m.rs"
    path.write_text(text)
    argv = [driver, "--edition", "2021", "--crate-type", "lib", "-W", "clippy::needless_return", "--error-format", "json",
            "--emit", "metadata", "--out-dir", str(tmp_path), "{file}"]  # never -o /dev/null: rustc renames over it
    findings = linters.run_sync(argv, str(path), text)
    (finding,) = [f for f in findings if "return" in f.message]
    request = build_request(text, Task("fix", diagnostic=finding.message, fix_edits=finding.fix), path=str(path))
    assert request.drafted_text == text.replace("return y;", "y")
