"""Comments that only narrate the edit are taken out of an answer (engine/narration.py), on code written here."""

import pytest

from lsp_server import syntax
from lsp_server.engine.narration import unnarrated

JS = "const types = {\n  '.html': 'text/html',\n  '.css': 'text/css',\n};\n"
PY = "def total(xs):\n    # the sum, or 0\n    return sum(xs)\n"


def clean(text: str, answer: str, instruction: str, name: str) -> str:
    return unnarrated(text, 0, len(text), answer, instruction, syntax.language_for(name))


@pytest.mark.parametrize("comment", ["// Added this line", "// added", "// New line", "// <- changed",
                                     "/* Added */", "// this line added", "// NEW"])
def test_a_comment_after_code_that_says_it_is_new_goes(comment):
    answer = JS.replace("'text/css',", f"'text/css',\n  '.wasm': 'application/wasm', {comment}")
    assert clean(JS, answer, "Add .wasm to types.", "s.js") == JS.replace("'text/css',", "'text/css',\n  '.wasm': 'application/wasm',")


def test_a_line_that_only_narrates_goes_whole():
    answer = PY.replace("    return sum(xs)", "    # Changed here\n    return sum(xs or [])")
    assert clean(PY, answer, "Accept None.", "t.py") == PY.replace("return sum(xs)", "return sum(xs or [])")


@pytest.mark.parametrize("answer, instruction", [
    # Comments that say something about the code.
    (JS.replace("'text/css',", "'text/css', // new in CSS3"), "Add a note to css."),
    (JS.replace("'text/css',", "'text/css',\n  '.wasm': 'application/wasm', // WebAssembly"), "Add .wasm to types."),
    # A request for comments: what it wrote may be what was asked.
    (JS.replace("'text/css',", "'text/css', // added"), "Add a comment marking added entries."),
    # The region had the comment already.
    (JS.replace("'text/css',", "'text/css', // added"), "Sort types."),
])
def test_other_comments_and_requests_for_comments_keep_them(answer, instruction):
    text = JS if "Sort" not in instruction else answer
    assert clean(text, answer, instruction, "s.js") == answer


def test_a_region_inside_a_file_keeps_the_rest_as_it_was():
    text = "x = 1  # added\n\n" + PY
    start = text.index("def")
    answer = PY.replace("return sum(xs)", "return sum(xs) or 0  # updated")
    out = unnarrated(text, start, len(text), answer, "Return 0 for empty.", syntax.language_for("t.py"))
    assert out == PY.replace("return sum(xs)", "return sum(xs) or 0")


def test_a_docstring_is_no_comment_to_take_out():
    answer = 'class Entry:\n    """New."""\n'
    assert clean("class Entry:\n    pass\n", answer, "Give Entry a docstring.", "e.py") == answer
    assert clean("class Entry:\n    pass\n", answer, "Replace pass.", "e.py") == answer
