"""SyntaxIndex: chunk ends fall on statement and line ends; re-sync starts; bisect queries."""

from pathlib import Path

import pytest

from lsp_server.syntax import SyntaxIndex, language_for
from lsp_server.syntax.lines import line_starts

DATA = Path(__file__).resolve().parents[1] / "data" / "syntax"

# sample file -> a line holding two statements, and the end of the first one.
TWO_STATEMENTS = [
    ("sample.py", b"x = 1; y = 2", b"x = 1"),
    ("sample.js", b"let x = 1; let y = 2;", b"let x = 1;"),
    ("sample.ts", b"let x = 1; let y = 2;", b"let x = 1;"),
    ("sample.tsx", b"let x = 1; let y = 2;", b"let x = 1;"),
    ("sample.go", b"var x = 1; var y = 2", b"var x = 1"),
    ("sample.rs", b"const X: i32 = 1; const Y: i32 = 2;", b"const X: i32 = 1;"),
    ("sample.c", b"int x = 1; int y = 2;", b"int x = 1;"),
    ("sample.cpp", b"int x = 1; int y = 2;", b"int x = 1;"),
    ("sample.java", b"int a = 1; int b = 2;", b"int a = 1;"),
    ("sample.sh", b"x=1; y=2", b"x=1"),
    ("sample.rb", b"x = 1; y = 2", b"x = 1"),
    ("sample.json", b'"items": [1, 2, 3]', b'"items": [1'),
    ("sample.css", b"color: red; margin: 0;", b"color: red;"),
    ("sample.html", b"<b>bold</b><i>it</i>", b"<b>bold</b>"),
]


def _index(name):
    source = (DATA / name).read_bytes()
    return source, SyntaxIndex(source, language_for(name))


@pytest.mark.parametrize("name, line, first", TWO_STATEMENTS)
def test_chunk_end_after_first_statement_on_a_line(name, line, first):
    source, index = _index(name)
    assert source.index(line) + len(first) in index.chunk_ends


@pytest.mark.parametrize("name", [row[0] for row in TWO_STATEMENTS])
def test_chunk_ends_hold_every_line_end_and_eof(name):
    source, index = _index(name)
    assert set(line_starts(source)[1:]) <= set(index.chunk_ends)
    assert index.chunk_ends[-1] == len(source)
    assert index.chunk_ends == sorted(set(index.chunk_ends))
    assert index.sync_starts == sorted(set(index.sync_starts))
    assert set(line_starts(source)) <= set(index.sync_starts)


@pytest.mark.parametrize("name, line, first", TWO_STATEMENTS)
def test_second_statement_on_a_line_is_a_sync_start(name, line, first):
    source, index = _index(name)
    second = source.index(line) + len(first)
    while source[second : second + 1] in (b" ", b";", b","):
        second += 1
    if source[second : second + 1] != b"\n":
        assert index.is_sync_start(second)
    assert not index.is_sync_start(source.index(line) + 1)


def test_statement_end_followed_by_blank_takes_the_newline():
    source = b"a = 1   \nb = 2\n"
    index = SyntaxIndex(source, language_for("a.py"))
    assert index.chunk_ends == [9, 15]  # never 5: only blanks follow `a = 1`


def test_statement_end_before_a_trailing_comment_stays_mid_line():
    source = b"foo(); // note\nbar();\n"
    index = SyntaxIndex(source, language_for("a.js"))
    assert 6 in index.chunk_ends


NEXT_SOURCE = b"a = 1\nb = 22; c = 333\nd = 4\n"  # ends: 6 (line), 12 (`b = 22`), 22, 28 (EOF)


def test_chunk_ends_of_lines_and_mid_line_statements():
    assert SyntaxIndex(NEXT_SOURCE, language_for("a.py")).chunk_ends == [6, 12, 22, 28]


def test_unknown_language_uses_lines_only():
    source = b"one two\nthree\n"
    index = SyntaxIndex(source, language_for("notes.txt"))
    assert index.chunk_ends == [8, 14]
    assert index.sync_starts == [0, 8, 14]
