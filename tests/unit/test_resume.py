"""An answer that stopped after its prose gets the region's code after it back (engine/resume.py)."""

from __future__ import annotations

from lsp_server.coords import lsp_lines
from lsp_server import syntax
from lsp_server.engine.resume import resumed, without_lines_above, without_lines_below

REGION = ("def area(w, h):\n    # width times height\n    if w < 0 or h < 0:\n        raise ValueError(w, h)\n"
          "    # done\n    return w * h\n")
LINES = lsp_lines(REGION)
CODE = [0, 2, 3, 5]
COMMENTS = {1, 4}


def test_the_code_after_the_prose_follows_with_the_comments_above_it():
    answer = 'def area(w, h):\n    """The area of a w by h rectangle."""'
    assert resumed(LINES, answer, CODE, COMMENTS, [2, 3, 5], "\n") == answer + "\n" + "".join(LINES[1:])


def test_a_loss_that_is_no_early_stop_is_left_to_refuse():
    assert resumed(LINES, "def area(w, h):\n    return w * h\n", CODE, COMMENTS, [2, 3], "\n") is None  # the tail kept
    assert resumed(LINES, "def area(w, h):\n    # done\n", CODE, COMMENTS, [2, 3, 5], "\n") is None  # a line of it written
    assert resumed(LINES, "def area(w, h):\n", CODE, COMMENTS, [], "\n") is None


ABOVE = "#include <stdlib.h>\n\ntypedef struct {\n    int *data;\n} ring_t;\n\n"
FUNCTION = "ring_t *ring_new(void) {\n    return calloc(1, sizeof(ring_t));\n}\n"
CHANGED = "ring_t *ring_new(void) {\n    ring_t *r = calloc(1, sizeof(ring_t));\n    return r;\n}\n"


def test_an_answer_that_began_with_the_lines_above_its_region_loses_them():
    assert without_lines_above(ABOVE, ABOVE + CHANGED, FUNCTION) == CHANGED
    # some of them, the blank line between left out or doubled, trailing spaces: the same
    assert without_lines_above(ABOVE, "typedef struct {\n    int *data;\n} ring_t;  \n" + CHANGED, FUNCTION) == CHANGED
    assert without_lines_above(ABOVE, "} ring_t;\n\n\n" + CHANGED, FUNCTION) == CHANGED
    assert without_lines_above(ABOVE, "} ring_t;\r\n\r\n" + CHANGED, FUNCTION) == CHANGED


def test_lines_like_those_above_that_are_the_answers_own_stay():
    assert without_lines_above(ABOVE, CHANGED, FUNCTION) == CHANGED  # nothing repeated
    # a new line that happens to open like the one above (a lone brace, no word) is not a repeat
    assert without_lines_above("int a(void) {\n    return 1;\n}\n\n", "}\n" + CHANGED, FUNCTION) == "}\n" + CHANGED
    # the region itself begins with the line above it: the answer copies the region
    assert without_lines_above("    x = 1\n", "    x = 1\n    y = 3\n", "    x = 1\n    y = 2\n") == "    x = 1\n    y = 3\n"
    # the lines above and nothing else: left to the checks after (a removal, an astray answer)
    assert without_lines_above(ABOVE, ABOVE, FUNCTION) == ABOVE
    assert without_lines_above("", CHANGED, FUNCTION) == CHANGED  # the region starts the file
    # a repeat of lines further up, not the last ones above the region, is the answer's own
    assert without_lines_above(ABOVE, "#include <stdlib.h>\n" + CHANGED, FUNCTION) == "#include <stdlib.h>\n" + CHANGED


TS = "class History {\n  undo(): void {\n    this.n--;\n  }\n}\n\nexport default History;\n"
NEW = "  undo(): void {\n    this.n--;\n  }\n\n  clear(): void {\n    this.n = 0;\n  }\n"


def test_an_answer_that_closes_the_class_around_its_region_too_loses_that_line():
    start, end = TS.index("  undo"), TS.index("}\n\nexport")
    ts = syntax.language_for("h.ts")
    assert without_lines_below(TS, start, end, NEW + "}\n", ts) == NEW
    assert without_lines_below(TS, start, end, NEW + "}\n\n", ts) == NEW
    assert without_lines_below(TS, start, end, NEW, ts) == NEW  # nothing repeated
    # Lines that repeat the next ones but parse: the answer's own (a second closing brace it opened for).
    own = "  undo(): void {\n    if (this.n) {\n      this.n--;\n    }\n  }\n"
    assert without_lines_below(TS, start, end, own, ts) == own
    # Where the file does not parse without them either: as written.
    broken = NEW.replace("this.n = 0;", "this.n = (0;") + "}\n"
    assert without_lines_below(TS, start, end, broken, ts) == broken


def test_a_definition_written_again_as_it_stands_outside_goes_but_not_one_inside_another():
    from lsp_server.engine.resume import without_copies
    py = syntax.language_for("m.py")
    two = "def a():\n    return 1\n\n\ndef b():\n    return 2\n"
    start = two.index("def b")
    assert without_copies(two, start, len(two), "def b():\n    return 3\n\n\ndef a():\n    return 1\n", py) == (
        "def b():\n    return 3\n")
    # a class's method like another class's, a decorator's inner function like another's: kept
    shapes = "class Circle:\n    def __repr__(self):\n        return 'shape'\n\n\nclass Square:\n    pass\n"
    square = "class Square:\n    def __repr__(self):\n        return 'shape'\n"
    assert without_copies(shapes, shapes.index("class Square"), len(shapes), square, py) == square
    logged = "def logged(fn):\n    def wrapper(*a):\n        return fn(*a)\n    return wrapper\n\n\ndef timed(fn):\n    return fn\n"
    timed = "def timed(fn):\n    def wrapper(*a):\n        return fn(*a)\n    return wrapper\n"
    assert without_copies(logged, logged.index("def timed"), len(logged), timed, py) == timed


def test_a_run_of_comment_lines_written_again_as_it_stands_outside_goes():
    from lsp_server.engine.resume import without_copies
    js = syntax.language_for("o.js")
    text = ("class O {\n  /**\n   * Preset the value.\n   *\n   * @param {*} arg\n   */\n\n  preset(arg) {\n"
            "    this.arg = arg;\n  }\n}\n")
    start, end = text.index("  preset"), text.index("}\n}") + 2
    copied = ("  preset(arg) {\n    /**\n     * Preset the value.\n     *\n     * @param {*} arg\n     */\n"
              "    this.arg = arg;\n  }\n")
    assert without_copies(text, start, end, copied, js) == text[start:end]
    # new comment lines, two lines alike, or the region's own: they stay
    own = copied.replace("Preset the value.", "Preset it.")
    assert without_copies(text, start, end, own, js) == own
    short = "  preset(arg) {\n    /**\n     */\n    this.arg = arg;\n  }\n"
    assert without_copies(text, start, end, short, js) == short
    assert without_copies(text, text.index("  /**"), end, text[text.index("  /**"):end], js) == text[text.index("  /**"):end]
    # At the answer's start, the blank line after the copy goes with it (express's createApplication, whose doc is
    # above it past a blank line: the answer was that doc again, a blank line, the function; a blank line landed)
    above = "  /**\n   * Preset the value.\n   *\n   * @param {*} arg\n   */\n\n"
    assert without_copies(text, start, end, above + text[start:end], js) == text[start:end]
    blank_first = text.replace("  */\n\n  preset", "  */\n\n\n  preset")  # a region that starts with its blank line
    at = blank_first.index("\n\n  preset") + 1
    assert without_copies(blank_first, at, len(blank_first) - 2, above + blank_first[at + 1:len(blank_first) - 2], js) == (
        blank_first[at:len(blank_first) - 2])


def test_attributes_and_argument_lines_are_no_comment_copies():
    from lsp_server.engine.resume import without_copies
    rs = ('#[derive(Debug, Clone)]\n#[serde(rename_all = "x")]\n#[cfg_attr(test, derive(Default))]\npub struct Foo {}\n\n'
          "fn make() {}\n")
    answer = ('fn make() {}\n\n#[derive(Debug, Clone)]\n#[serde(rename_all = "x")]\n#[cfg_attr(test, derive(Default))]\n'
              "pub struct Bar {}\n")
    assert without_copies(rs, rs.index("fn make"), len(rs), answer, syntax.language_for("a.rs")) == answer
