"""find_directives: `ai:` comments in #, //, /* */ and <!-- --> languages, and without a grammar."""

from pathlib import Path

import pytest

from lsp_server.syntax import Directive, find_directives, language_for

DATA = Path(__file__).resolve().parents[1] / "data" / "syntax"

SAMPLE_DIRECTIVES = [
    ("sample.py", "add type hints"),
    ("sample.js", "use template literals"),
    ("sample.ts", "make it generic"),
    ("sample.tsx", "add a prop type"),
    ("sample.go", "return an error too"),
    ("sample.rs", "derive Debug"),
    ("sample.c", "use snprintf"),
    ("sample.cpp", "use string_view"),
    ("sample.java", "make it a record"),
    ("sample.sh", "quote the variables"),
    ("sample.rb", "use keyword arguments"),
    ("sample.css", "use a CSS variable"),
    ("sample.html", "add a title"),
]


@pytest.mark.parametrize("name, instruction", SAMPLE_DIRECTIVES)
def test_sample_directive_covers_its_whole_line(name, instruction):
    source = (DATA / name).read_bytes()
    (directive,) = find_directives(source, language_for(name))
    assert directive.instruction == instruction
    text = source[directive.start : directive.end]
    assert text.endswith(b"\n") and text.count(b"\n") == 1
    assert directive.start == 0 or source[directive.start - 1 : directive.start] == b"\n"
    assert b"ai:" in text


@pytest.mark.parametrize(
    "path, source, instruction",
    [
        ("a.py", b"x = 1\n  # AI: Convert to a dataclass  \ny = 2\n", "Convert to a dataclass"),
        ("a.go", b"x := 1\n// ai: rename x\n", "rename x"),
        ("a.c", b"/* ai: use a loop */\nint x;\n", "use a loop"),
        ("a.java", b"/*\n * ai: split this\n * into two methods\n */\nclass A {}\n", "split this into two methods"),
        ("a.rs", b"/// ai: document it\nfn f() {}\n", "document it"),
        ("a.sh", b"#ai:quote\necho $x\n", "quote"),
    ],
)
def test_directive_forms(path, source, instruction):
    (directive,) = find_directives(source, language_for(path))
    assert directive.instruction == instruction
    assert source[directive.end - 1 : directive.end] == b"\n"


def test_plain_comments_are_not_directives():
    source = b"# air: no\n# ai\n# say ai: later\nx = 'ai: not a comment'\n"
    assert find_directives(source, language_for("a.py")) == []


def test_only_directives_overlapping_the_range():
    source = b"# ai: first\nx = 1\n# ai: second\n"
    python = language_for("a.py")
    assert [d.instruction for d in find_directives(source, python, 12, 18)] == []
    assert [d.instruction for d in find_directives(source, python, 12, 20)] == ["second"]
    assert [d.instruction for d in find_directives(source, python, 0, 5)] == ["first"]
    assert [d.instruction for d in find_directives(source, python)] == ["first", "second"]


def test_trailing_directive_keeps_the_code_before_it():
    source = b"x = compute()  # ai: cache this\ny = 2\n"
    (directive,) = find_directives(source, language_for("a.py"))
    assert source[: directive.start] + source[directive.end :] == b"x = compute()\ny = 2\n"


def test_unknown_language_uses_common_line_comment_prefixes():
    source = b"hello\n  # ai: shorten\n// ai: and this\nai: not this\n"
    directives = find_directives(source, language_for("notes.txt"))
    assert directives == [Directive(6, 22, "shorten"), Directive(22, 38, "and this")]


def test_removing_a_directive_leaves_the_rest_intact():
    source = b"def f():\n    # ai: add a docstring\n    return 1\n"
    (directive,) = find_directives(source, language_for("a.py"))
    assert source[: directive.start] + source[directive.end :] == b"def f():\n    return 1\n"
