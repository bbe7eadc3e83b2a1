"""A free-form edit whose answer writes new blocks (docstrings): what streaming "lines" shows as it is written.

Shared by the real-server test (tests/e2e/test_streaming_lines.py) and the real editors' tests.
"""

from __future__ import annotations

import ast

MODEL = "qwen2.5-coder-0.5b"  # an instruct model: it writes the docstrings (the embedded base model does not)
TEXT = (
    "def area(width, height):\n"
    "    return width * height\n"
    "\n"
    "\n"
    "def perimeter(width, height):\n"
    "    return 2 * (width + height)\n"
)
INSTRUCTION = "Add a Google-style docstring with Args and Returns sections to both functions."


def parses(text: str) -> bool:
    try:
        ast.parse(text)
        return True
    except SyntaxError:
        return False


def code_lines(text: str) -> list[str]:
    """The lines that are not part of a docstring (the code the edit must keep, in order)."""
    tree = ast.parse(text)
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and ast.get_docstring(node) is not None:
            doc = node.body[0]
            inside.update(range(doc.lineno, doc.end_lineno + 1))
    return [line for n, line in enumerate(text.splitlines(), 1) if n not in inside]


def assert_documented(final: str) -> None:
    """Both functions have a docstring, and every line of code is there, in order."""
    tree = ast.parse(final)
    assert all(ast.get_docstring(f) for f in tree.body), final
    assert code_lines(final) == TEXT.splitlines(), final


def shown_while_written(states: list[str]) -> bool:
    """Whether the editor showed a docstring before its closing quotes were written: final hunks alone
    never leave such a text (the new text had re-joined the original), new lines shown as written do."""
    return any(not parses(state) for state in states)
