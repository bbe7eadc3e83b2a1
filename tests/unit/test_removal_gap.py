"""Code removed whole takes blank lines with it so that the gap left is as wide as the wider side's
(engine/spacing.py removal_gap; code written here, no benchmark task)."""

from __future__ import annotations

import pytest

from lsp_server.engine.spacing import removal_gap

GO = "package p\n\nfunc a() {}\n\nfunc b() {}\n\nfunc c() {}\n"
PY = "import os\n\n\ndef a():\n    pass\n\n\ndef b():\n    pass\n\n\ndef c():\n    pass\n"


def removed(text: str, what: str) -> str:
    start = text.index(what)
    lo, hi = removal_gap(text, start, start + len(what))
    assert lo <= start and start + len(what) <= hi
    return text[:lo] + text[hi:]


@pytest.mark.parametrize("text, what, expected", [
    (GO, "func b() {}\n", "package p\n\nfunc a() {}\n\nfunc c() {}\n"),
    (PY, "def b():\n    pass\n", "import os\n\n\ndef a():\n    pass\n\n\ndef c():\n    pass\n"),
    # the wider side's gap stays: two blank lines above, one below
    ("a = 1\n\n\nb = 2\n\nc = 3\n", "b = 2\n", "a = 1\n\n\nc = 3\n"),
    # at the end: the blank lines above go too; at the start: those below
    (PY, "def c():\n    pass\n", "import os\n\n\ndef a():\n    pass\n\n\ndef b():\n    pass\n"),
    (GO, "package p\n", "func a() {}\n\nfunc b() {}\n\nfunc c() {}\n"),
    # CRLF lines, and whitespace-only blank lines
    ("x\r\n\r\ny\r\n  \r\nz\r\n", "y\r\n", "x\r\n\r\nz\r\n"),
    # no blank line on one side: nothing more goes
    ("a\nb\n\nc\n", "b\n", "a\n\nc\n"),
])
def test_a_removal_leaves_one_gap_as_wide_as_the_wider_side(text, what, expected):
    assert removed(text, what) == expected


def test_part_of_a_line_is_not_a_removal_of_lines():
    assert removal_gap("a = 1\n\nb = 2\n\nc = 3\n", 9, 12) == (9, 12)


@pytest.mark.parametrize("text, what, expected", [
    # the first method of a class, the first statement of a block: no blank line left under its opening
    ("class K:\n    def a(self):\n        pass\n\n    def b(self):\n        pass\n", "    def a(self):\n        pass\n",
     "class K:\n    def b(self):\n        pass\n"),
    ("func f() {\n\tx()\n\n\ty()\n}\n", "\tx()\n", "func f() {\n\ty()\n}\n"),
    # the last one before a closing brace: no blank line left above it
    ("func f() {\n\tx()\n\n\ty()\n}\n", "\ty()\n", "func f() {\n\tx()\n}\n"),
])
def test_a_removal_at_a_blocks_edge_leaves_no_blank_line_against_it(text, what, expected):
    assert removed(text, what) == expected
