"""Comments that only narrate the edit are taken out of an answer (engine/narration.py), on code written here."""

import pytest

from lsp_server import syntax
from lsp_server.engine.narration import docs_put_back, unnarrated

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


GO = ("package util\n\nimport \"fmt\"\n\n// rpad adds padding to the right of a string.\n// It counts bytes.\nfunc rpad(s string, padding int) string {\n"
      "\treturn fmt.Sprintf(fmt.Sprintf(\"%%-%ds\", padding), s)\n}\n")
JAVA = ("class Box {\n    /**\n     * The size, in cm.\n     */\n    @Override\n    public int size() {\n        return n;\n    }\n"
        "\n    // The weight.\n    int weight() {\n        return w;\n    }\n}\n")


def put_back(text: str, answer: str, instruction: str, name: str, start: int = 0, end: int | None = None) -> str:
    end = len(text) if end is None else end
    return docs_put_back(text, start, end, answer, instruction, syntax.language_for(name))


def test_a_doc_comment_the_answer_left_out_whole_is_put_back_above_its_definition():
    region = GO.index("// rpad")
    answer = "func rpad(s string, padding int) string {\n\tif padding < 0 {\n\t\treturn s\n\t}\n\treturn s\n}\n"
    assert put_back(GO, answer, "Make rpad return s for a negative padding.", "u.go", region) == (
        "// rpad adds padding to the right of a string.\n// It counts bytes.\n" + answer)
    # a Javadoc above an annotation, and a line comment, at the answer's indentation
    answer = ("  @Override\n  public int size() {\n    return n + 1;\n  }\n\n  int weight() {\n    return w;\n  }\n")
    region = JAVA.index("    /**")
    assert put_back(JAVA, answer, "Add one to size.", "Box.java", region, len(JAVA) - 2) == (
        "  /**\n   * The size, in cm.\n   */\n  @Override\n  public int size() {\n    return n + 1;\n  }\n\n"
        "  // The weight.\n  int weight() {\n    return w;\n  }\n")


@pytest.mark.parametrize("answer, instruction", [
    ("func rpad(s string, padding int) string {\n\treturn s\n}\n", "Remove the doc comment of rpad."),  # asked about
    ("func rpad(s string, padding int) string {\n\treturn s\n}\n", "Drop the comments."),
    ("// rpad pads s.\nfunc rpad(s string, padding int) string {\n\treturn s\n}\n", "Simplify rpad."),  # rewritten
    ("// It counts bytes.\nfunc rpad(s string, padding int) string {\n\treturn s\n}\n", "Simplify rpad."),  # kept a line
    ("func leftPad(s string, padding int) string {\n\treturn s\n}\n", "Make rpad pad on the left instead."),  # gone
])
def test_no_doc_comes_back_where_the_request_is_about_comments_or_the_answer_wrote_its_own(answer, instruction):
    region = GO.index("// rpad")
    assert put_back(GO, answer, instruction, "u.go", region) == answer


@pytest.mark.parametrize("instruction", ["Make foo add 2 and drop the pylint disable.", "Make foo add 2."])
def test_a_directive_or_a_comment_asked_away_is_not_put_back(instruction):
    py = "import os\n\n\n# pylint: disable=too-many-branches\ndef foo(x):\n    return x + 1\n"
    start = py.index("# pylint")
    answer = "def foo(x):\n    return x + 2\n"
    assert docs_put_back(py, start, len(py), answer, instruction, syntax.language_for("m.py")) == answer


def test_no_doc_is_put_back_where_the_request_may_mean_removing_code():
    from lsp_server.engine.narration import tidied
    py = "import os\n\n\n# old = os.getcwd()\ndef foo(x):\n    return x + 1\n"
    start, answer, lang = py.index("# old"), "def foo(x):\n    return x + 2\n", syntax.language_for("m.py")
    assert tidied(py, start, len(py), answer, "Delete the dead code above foo.", lang, removing=True) == answer
    assert tidied(py, start, len(py), answer, "Make foo add 2.", lang) == "# old = os.getcwd()\n" + answer
