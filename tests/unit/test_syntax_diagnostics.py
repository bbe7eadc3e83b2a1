"""syntax_problems and introduced_problems from tree-sitter ERROR/MISSING nodes."""

from pathlib import Path

import pytest

from lsp_server.syntax import SyntaxProblem, introduced_problems, language_for, syntax_problems

DATA = Path(__file__).resolve().parents[1] / "data" / "syntax"

BROKEN = [
    ("a.py", b"def f(:\n    pass\n"),
    ("a.js", b"function f( {\n}\n"),
    ("a.ts", b"let x: = 1;\n"),
    ("a.tsx", b"const a = <div>;\n"),
    ("a.go", b"package main\nfunc f( {\n}\n"),
    ("a.rs", b"fn f( {\n}\n"),
    ("a.c", b"int f( {\n}\n"),
    ("a.cpp", b"class A { void f( { } };\n"),
    ("A.java", b"class A { void f( { } }\n"),
    ("a.json", b'{"a": }\n'),
    ("a.sh", b"if then\n"),
    ("a.rb", b"def f(\n"),
    ("a.css", b"a { color: red; \n"),
    ("a.html", b"<div <p>\n"),  # note: <div></span> is no ERROR here (erroneous_end_tag)
]

SAMPLES = sorted(p.name for p in DATA.glob("sample.*"))


@pytest.mark.parametrize("path, source", BROKEN)
def test_broken_source_has_a_problem(path, source):
    problems = syntax_problems(source, language_for(path))
    assert problems
    assert all(0 <= p.start <= p.end <= len(source) and p.message for p in problems)


@pytest.mark.parametrize("name", SAMPLES)
def test_samples_parse_cleanly(name):
    assert syntax_problems((DATA / name).read_bytes(), language_for(name)) == []


def test_missing_node_names_what_is_missing():
    source = b"int main() { int x = 1 }\n"
    problems = syntax_problems(source, language_for("a.c"))
    assert problems == [SyntaxProblem(22, 22, "missing ';'")]


def test_only_outermost_errors_are_reported():
    source = b"def f(:\n    x = (((\n    return ]]\n"
    problems = syntax_problems(source, language_for("a.py"))
    spans = [(p.start, p.end) for p in problems if p.message == "syntax error"]
    assert all(not (s1 <= s2 and e2 <= e1 and (s1, e1) != (s2, e2)) for s1, e1 in spans for s2, e2 in spans)


def test_no_grammar_means_no_problems():
    assert syntax_problems(b"def f(:\n", language_for("a.txt")) == []


PY = language_for("a.py")
ORIGINAL = b"def f(:\n    pass\n\n\ndef g():\n    return 1\n"


def test_introduced_problem_is_reported_with_offsets_into_edited():
    edited = ORIGINAL.replace(b"return 1", b"return (1")
    introduced = introduced_problems(ORIGINAL, edited, PY)
    assert len(introduced) == 1
    assert introduced[0].start >= edited.index(b"def g")


def test_preexisting_problem_moved_elsewhere_is_not_introduced():
    edited = b"# header\n\n" + ORIGINAL
    assert syntax_problems(edited, PY)
    assert introduced_problems(ORIGINAL, edited, PY) == []


def test_fixing_a_problem_introduces_nothing():
    assert introduced_problems(ORIGINAL, ORIGINAL.replace(b"f(:", b"f():"), PY) == []


def test_same_message_on_another_line_counts_as_introduced():
    edited = ORIGINAL + b"\n\ndef h(:\n    pass\n"
    introduced = introduced_problems(ORIGINAL, edited, PY)
    assert len(introduced) == 1
    assert introduced[0].start >= edited.index(b"def h")


# Python rejects a compound statement with no body; tree-sitter-python parses one without an ERROR
# node (grammars/python/problems.scm). A free-form answer that kept a def line and skipped its body
# must not land as if it parsed.
@pytest.mark.parametrize("source", [
    b"def area(w, h):\n\ndef perimeter(w, h):\n    return 2 * (w + h)\n",
    b"class Shape:\n    def area(self):\n    sides = 4\n",
    b"if ready:\nelse:\n    wait()\n",
    b"for item in items:\n    # nothing yet\n\ntotal = 0\n",
])
def test_a_body_with_no_statement_is_a_problem(source):
    problems = syntax_problems(source, PY)
    assert [p.message for p in problems] == ["expected an indented block"]
    at = problems[0].start
    assert source[:at].endswith(b":") and source[at:at + 1] == b"\n"  # at the end of the line that opens it


@pytest.mark.parametrize("source", [
    b"def area(w, h): return w * h\n",
    b"def area(w, h):\n    # width times height\n    return w * h\n",
    b"class Empty:\n    pass\n",
    b"x = {\n}\n",
])
def test_bodies_with_a_statement_are_no_problem(source):
    assert syntax_problems(source, PY) == []


def test_an_emptied_body_is_introduced_and_reported_once_beside_a_parse_error():
    original = b"def area(w, h):\n    return w * h\n\n\ndef perimeter(w, h):\n    return 2 * (w + h)\n"
    skipped = b"def area(w: float, h: float) -> float:\n\n\ndef perimeter(w, h):\n    return 2 * (w + h)\n"
    introduced = introduced_problems(original, skipped, PY)
    assert [(p.start, p.message) for p in introduced] == [(skipped.index(b"\n"), "expected an indented block")]
    # A parse error inside a body: its ERROR node is the one problem, not an empty body as well.
    broken = original.replace(b"return 2 * (w + h)", b"return 2 * (w + h")
    assert [p.message for p in introduced_problems(original, broken, PY)] == ["syntax error"]


def test_a_loop_or_branch_outside_any_function_is_a_problem_in_c_and_cpp():
    # tree-sitter-c and -cpp parse them (macros); an answer for a constructor that was a loop alone landed above it
    cpp = b"namespace db {\n\nArena::Arena() : n_(0) {}\n\n}  // namespace db\n"
    stray = cpp.replace(b"Arena::Arena()", b"for (auto& b : blocks_) {\n  delete[] b;\n}\nArena::Arena()")
    assert [p.message for p in introduced_problems(cpp, stray, language_for("a.cc"))] == ["a statement outside any function"]
    c = b"int f(void) {\n  for (;;) {}\n  return 0;\n}\nFOO(bar);\n"  # inside a function, or a macro's call: none
    assert syntax_problems(c, language_for("a.c")) == []
    assert [p.message for p in syntax_problems(c + b"if (x) y();\n", language_for("a.c"))] == ["a statement outside any function"]
