"""Keeper.keep: what a free-form answer left out is put back, and only that (real tree-sitter, no model)."""

import pytest

from lsp_server.engine.keep import Keeper
from lsp_server.syntax import language_for, region_units

RUST = """\
impl Grid {
    pub fn width(&self) -> usize {
        self.width
    }

    /// The cell count.
    pub fn area(&self) -> usize {
        self.width * self.height
    }

    pub fn flip(&self) -> Grid {
        Grid::new(self.height, self.width)
    }
}
"""

PYTHON = """\
class Shelf:
    def add(self, book):
        self.books.append(book)

    def take(self, title):
        return self.books.pop(self.index(title))

    def count(self):
        return len(self.books)


@dataclass
class Book:
    title: str
"""

GO = """\
// Point is a place on the map.
type Point struct {
	X, Y int
}

func (p Point) Shift(dx int) Point {
	return Point{p.X + dx, p.Y}
}

func origin() Point {
	return Point{}
}
"""


def _region(text: str, first_line: str, last_line: str) -> tuple[int, int]:
    """Str span from the line starting with `first_line` to the end of the last line starting with `last_line`."""
    start = text.index(first_line)
    end = text.index("\n", text.rindex(last_line)) + 1
    return start, end


def _keep(text, span, answer, instruction, name):
    return Keeper(text, span[0], span[1], instruction, language_for(name)).keep(answer)


def test_region_units_are_outermost_definitions_with_their_doc_and_the_edges():
    source = PYTHON.encode()
    start = source.index(b"    def take")
    units = region_units(source, language_for("shelf.py"), start, source.index(b"class Book"))
    assert [u.name for u in units] == ["take", "count", None]
    assert source[units[-1].start:units[-1].end] == b"@dataclass\n"  # the decorator of a class that runs on
    rust = RUST.encode()
    units = region_units(rust, language_for("grid.rs"), rust.index(b"    pub fn width"), rust.index(b"}\n", rust.index(b"Grid::new")) + 2)
    assert [u.name for u in units] == ["width", "area", "flip"]
    assert rust[units[1].start:].startswith(b"    /// The cell count.")  # the doc comment goes with it


def test_a_definition_the_answer_left_out_is_put_back_where_it_stood():
    span = _region(RUST, "    pub fn width", "        Grid::new")
    span = (span[0], span[1] + len("    }\n"))
    # The model answered with the one function it changed, as a small model does.
    answer = "    /// The grid turned on its side.\n    pub fn flip(&self) -> Grid {\n        Grid::new(self.height, self.width)\n    }\n"
    kept, count = _keep(RUST, span, answer, "Document flip: it swaps width and height.", "grid.rs")
    assert count == 2
    assert kept == RUST[span[0]:span[1]].replace("    pub fn flip", "    /// The grid turned on its side.\n    pub fn flip")


def test_a_rewritten_definition_or_an_answer_that_kept_everything_is_left_alone():
    span = _region(RUST, "    pub fn width", "        Grid::new")
    span = (span[0], span[1] + len("    }\n"))
    region = RUST[span[0]:span[1]]
    assert _keep(RUST, span, region.replace("self.width\n", "self.w\n"), "Use w.", "grid.rs") == (
        region.replace("self.width\n", "self.w\n"), 0)
    # Every line of width rewritten, its header too: the function is there, not left out.
    rewritten = region.replace("    pub fn width(&self) -> usize {\n        self.width\n    }\n",
                               "    pub const fn width(&self) -> usize { self.width }\n")
    assert _keep(RUST, span, rewritten, "Make width const.", "grid.rs") == (rewritten, 0)


@pytest.mark.parametrize("instruction", [
    "Delete area, nobody calls it.",
    "Remove the unused methods.",
    "Move width below flip.",
    "Merge width and area into one size() method.",
    "Rename width to cols and add a doc comment.",
])
def test_a_request_to_remove_move_merge_or_rename_is_taken_at_its_word(instruction):
    span = _region(RUST, "    pub fn width", "        Grid::new")
    span = (span[0], span[1] + len("    }\n"))
    answer = RUST[span[0]:span[1]].replace("    /// The cell count.\n    pub fn area(&self) -> usize {\n"
                                           "        self.width * self.height\n    }\n\n", "")
    assert _keep(RUST, span, answer, instruction, "grid.rs") == (answer, 0)


def test_quoted_text_and_the_regions_names_are_not_requests_to_remove():
    text = PYTHON.replace("def take", "def remove")
    span = _region(text, "    def add", "@dataclass")
    region = text[span[0]:span[1]]
    # Asked to document `remove`, the model answered with remove alone and dropped the decorator below.
    answer = '    def remove(self, title):\n        """Delete the book called `title`."""\n        return self.books.pop(self.index(title))\n'
    kept, count = _keep(text, span, answer, 'Add the docstring "Delete the book called `title`." to the remove method.',
                        "shelf.py")
    assert count == 3  # add, count and the decorator
    assert kept == region.replace("        return self.books.pop", '        """Delete the book called `title`."""\n'
                                  "        return self.books.pop")


def test_units_go_back_around_the_answers_new_text_in_order_and_apart():
    span = (0, len(GO))
    # The answer kept only Shift (changed) and wrote a new helper where origin was.
    answer = ("func (p Point) Shift(dx, dy int) Point {\n\treturn Point{p.X + dx, p.Y + dy}\n}\n\n"
              "func (p Point) Up() Point {\n\treturn p.Shift(0, 1)\n}\n")
    kept, count = _keep(GO, span, answer, "Give Shift a dy argument too, and add an Up helper.", "map.go")
    assert count == 2
    assert kept == ("// Point is a place on the map.\ntype Point struct {\n\tX, Y int\n}\n\n" + answer
                    + "\nfunc origin() Point {\n\treturn Point{}\n}\n")


def test_a_rewritten_last_statement_of_a_block_is_not_put_back():
    # The region is the function's last line, its parent runs from above it: nothing of the region is a unit.
    text = "def total(items):\n    count = 0\n    for item in items:\n        count += item\n    return count\n"
    span = _region(text, "    return count", "    return count")
    assert _keep(text, span, "    return count or None\n", "Return None when the total is zero.", "t.py") == (
        "    return count or None\n", 0)
    span = _region(text, "    count = 0", "    return count")
    answer = "    return sum(items)\n"
    assert _keep(text, span, answer, "Use sum.", "t.py") == (answer, 0)


@pytest.mark.parametrize("name, text, answer, instruction", [
    ("ops.js", "function add(a, b) {\n  return a + b;\n}\n\nfunction mul(a, b) {\n  return a * b;\n}\n",
     "const add = (a, b) => a + b;\nconst mul = (a, b) => a * b;\n", "Use const and => for these."),
    ("shape.py", "class Point:\n    def __init__(self, x, y):\n        self.x, self.y = x, y\n",
     "Point = collections.namedtuple('Point', 'x y')\n", "Make it a namedtuple."),
    ("area.py", "def square(x):\n    return x * x\n\n\ndef cube(x):\n    return x ** 3\n",
     "def power(x, n):\n    return x ** n\n", "Replace these two with a single power(x, n)."),
    ("store.py", "class Store:\n    def get(self, k):\n        return self.d[k]\n\n    def delete(self, k):\n        del self.d[k]\n",
     "class Store:\n    def get(self, k):\n        return self.d[k]\n", "delete the delete method"),
])
def test_a_definition_rewritten_under_its_name_or_asked_away_is_not_put_back(name, text, answer, instruction):
    assert _keep(text, (0, len(text)), answer, instruction, name) == (answer, 0)


def test_units_go_back_in_their_order_when_the_answer_adds_a_definition():
    text = "class S:\n" + "".join(f"    def f{i}(self):\n        return {i}\n\n" for i in range(4))
    text = text.rstrip("\n") + "\n"
    span = _region(text, "    def f0", "        return 3")
    answer = ("    def f2(self):\n        return 20\n\n    def extra(self):\n        return 9\n\n"
              "    def f3(self):\n        return 3\n")
    kept, count = _keep(text, span, answer, "Make f2 return 20 and add extra.", "s.py")
    assert count == 2
    assert [line.split("(")[0].strip() for line in kept.splitlines() if "def " in line] == [
        "def f0", "def f1", "def f2", "def extra", "def f3"]


def test_put_back_lines_keep_the_regions_line_ends_and_odd_characters():
    text = 'def a():\r\n    return "x\u2028y"\r\n\r\n\r\ndef b():\r\n    return 1'
    answer = "def b():\r\n    return 2"
    kept, count = _keep(text, (0, len(text)), answer, "Make b return 2.", "m.py")
    assert count == 1
    assert kept == 'def a():\r\n    return "x\u2028y"\r\n\r\n\r\ndef b():\r\n    return 2'


def test_unknown_language_and_no_units_leave_the_answer_as_it_is():
    assert _keep("a\nb\n", (0, 4), "a\n", "drop nothing", "notes.txt") == ("a\n", 0)


# A small model that jumps from the first lines of one function to like lines of another, further
# on, skips everything between; a def line kept and its body gone is not a definition left out, so
# nothing is put back there, and the answer is refused (Keeper.final) rather than landed.
GEOMETRY = """\
import math


def circle_area(radius):
    if radius < 0:
        raise ValueError("negative radius")
    area = math.pi * radius ** 2
    log_shape("circle", area)
    return area


def ring_area(outer, inner):
    if outer < inner:
        raise ValueError("outer smaller than inner")
    if inner < 0:
        raise ValueError("negative radius")
    big = math.pi * outer ** 2
    small = math.pi * inner ** 2
    area = big - small
    log_shape("ring", area)
    return area


def square_area(side):
    if side < 0:
        raise ValueError("negative side")
    area = side * side
    log_shape("square", area)
    return area
"""


def _keeper(text, instruction, name="geometry.py", span=None):
    from lsp_server.engine.keep import Keeper

    start, end = span or (0, len(text))
    return Keeper(text, start, end, instruction, language_for(name))


def test_an_answer_that_skips_a_run_of_lines_is_refused_with_the_lines_it_dropped():
    from lsp_server.errors import EditError

    skipping = _skipping()
    keeper = _keeper(GEOMETRY, "Add type hints to ring_area and square_area")
    first, last, lost = keeper.skipped(skipping)
    assert GEOMETRY.splitlines()[first - 1] == "def ring_area(outer, inner):"
    assert GEOMETRY.splitlines()[last - 1] == "def square_area(side):"
    assert lost == 10  # 11 lines with words gone, 1 written in their place; the blank lines do not count
    with pytest.raises(EditError, match=rf"dropped 10 of lines {first}-{last}, .*--lines or --symbol\); nothing was changed$"):
        keeper.final(skipping)
    # In a region that starts further down, the lines are still the file's.
    start = GEOMETRY.index("def ring_area")
    shifted = _keeper(GEOMETRY, "Add type hints to ring_area and square_area", span=(start, len(GEOMETRY)))
    assert shifted.skipped(skipping[skipping.index("def ring_area"):])[:2] == (first, last)


def _skipping():
    """GEOMETRY with hints on ring_area's line, then on at square_area's check: ring_area's body and square_area's head gone."""
    return GEOMETRY.replace(GEOMETRY[GEOMETRY.index("def ring_area"):GEOMETRY.index("    if side < 0")],
                            "def ring_area(outer: float, inner: float) -> float:\n")


@pytest.mark.parametrize("instruction", [
    "Remove the logging from ring_area and square_area",
    "Simplify ring_area and square_area",
    "Use a list comprehension in ring_area",
    "Delete ring_area, nothing uses it",
])
def test_a_request_that_may_shorten_the_code_lands_as_the_model_wrote_it(instruction):
    assert _keeper(GEOMETRY, "Add type hints to ring_area and square_area").skipped(_skipping()) is not None
    assert _keeper(GEOMETRY, instruction).skipped(_skipping()) is None


def test_lines_rewritten_shorter_or_a_short_cut_are_no_skip():
    keeper = _keeper(GEOMETRY, "Make ring_area check its radii in one place")
    # Ten lines with words become four new ones: written in their place, not skipped.
    rewritten = GEOMETRY.replace(GEOMETRY[GEOMETRY.index("    if outer < inner"):GEOMETRY.index("\n\n\ndef square_area")],
                                 "    check_radii(outer, inner)\n    area = math.pi * (outer ** 2 - inner ** 2)\n"
                                 "    log_shape(\"ring\", area)\n    return area")
    assert keeper.skipped(rewritten) is None
    # Eight lines gone with nothing in their place: under DROPPED_MIN_LINES.
    eight = GEOMETRY.replace(GEOMETRY[GEOMETRY.index("    if outer < inner"):GEOMETRY.index("    return area\n\n\ndef square")], "")
    assert keeper.skipped(eight) is None
    assert keeper.final(GEOMETRY) == (GEOMETRY, 0)


# A whole file asked for two functions' doc comments; the model answered with those two functions
# alone: what stood before the first definition and after the last goes back too.
SPAWN = """\
'use strict';

const path = require('path');
const which = require('./which');

const isWindows = process.platform === 'win32';

function findCommand(name) {
    return which(name) || path.resolve(name);
}

function quoteArgument(arg) {
    return isWindows ? `"${arg}"` : arg;
}

function spawnArgs(command, args) {
    return [findCommand(command), args.map(quoteArgument)];
}

module.exports = spawnArgs;
"""
FRAGMENT = """\
/** Where `name` is found on the PATH, else `name` as a path. */
function findCommand(name) {
    return which(name) || path.resolve(name);
}

/** `arg` quoted for cmd.exe on Windows. */
function quoteArgument(arg) {
    return isWindows ? `"${arg}"` : arg;
}
"""


def test_a_fragment_answer_gets_the_code_before_and_after_its_definitions_back():
    text, count = _keep(SPAWN, (0, len(SPAWN)), FRAGMENT, "Add a doc comment to findCommand and quoteArgument", "spawn.js")
    assert count == 3  # the head (strict mode, requires, the constant), spawnArgs, the export
    assert text == SPAWN.replace("function findCommand", FRAGMENT.splitlines()[0] + "\nfunction findCommand").replace(
        "function quoteArgument", FRAGMENT.splitlines()[5] + "\nfunction quoteArgument")


def test_a_python_fragment_gets_its_module_docstring_and_imports_back():
    text = '"""Shapes."""\n\nimport math\n\n\ndef area(r):\n    return math.pi * r * r\n\n\ndef rim(r):\n    return 2 * math.pi * r\n'
    answer = 'def area(r: float) -> float:\n    return math.pi * r * r\n'
    kept, count = _keep(text, (0, len(text)), answer, "Add type hints to area", "shapes.py")
    assert count == 2
    assert kept == text.replace("def area(r):", "def area(r: float) -> float:")


@pytest.mark.parametrize("name, text, answer_from", [
    # A docstring whose opening quotes stand alone on the first line.
    ("sums.py", '"""\nHelpers for sums.\n"""\n\nimport os\n\n\ndef total(xs):\n    return sum(xs)\n', "def total"),
    # A banner whose first and last lines are comment characters only (llama.cpp's kernels).
    ("scale.c", "//****\n// Scale kernel\n//****\n\n#include <stdint.h>\n\nint scale(int x) {\n    return -1;\n}\n",
     "int scale"),
    # Closed by a line without words, right before the definition.
    ("sums2.py", '"""\nHelpers for sums.\n"""\n\n\ndef total(xs):\n    return sum(xs)\n', "def total"),
    ("scale2.c", "/*\n * Scale kernel\n */\n\nint scale(int x) {\n    return -1;\n}\n", "int scale"),
])
def test_a_head_that_opens_with_a_line_without_words_goes_back_whole(name, text, answer_from):
    answer = text[text.index(answer_from):].replace("return", "return 2 *")
    kept, count = _keep(text, (0, len(text)), answer, "Double the result", name)
    assert count == 1
    assert kept == text.replace("return", "return 2 *")


def test_a_tail_that_opens_with_a_line_without_words_goes_back_whole():
    text = "function a() {\n  return 1;\n}\n\n/*\n * exports\n */\nmodule.exports = { a };\n"
    kept, _ = _keep(text, (0, len(text)), "function a() {\n  return 2;\n}\n", "Return 2 in a.", "x.js")
    assert kept == text.replace("return 1;", "return 2;")


def test_a_closing_line_the_answer_wrote_itself_is_not_put_back_again():
    text = "int a(void) {\n    return 1;\n}\n\nstatic int count = 0;\n\nint b(void) {\n    return 1;\n}\n"
    start = text.index("}\n\nstatic")
    answer = "}\n\nint b(void) {\n    return 2;\n}\n"
    kept, _ = _keep(text, (start, len(text)), answer, "Return 2 in b.", "x.c")
    assert kept == "}\n\nstatic int count = 0;\n\nint b(void) {\n    return 2;\n}\n"


def test_a_tail_that_closes_with_a_line_without_words_goes_back_whole():
    text = "const x = 1;\n\nfunction a() {\n  return x;\n}\n\nmodule.exports = {\n  a,\n  x,\n};\n"
    kept, count = _keep(text, (0, len(text)), "function a() {\n  return x + 1;\n}\n", "Return x + 1 in a.", "x.js")
    assert count == 2  # the head and the tail
    assert kept == text.replace("return x;", "return x + 1;")


@pytest.mark.parametrize("answer, instruction", [
    # The head rewritten: code of its own before the answer's first kept line.
    ("import path from 'path';\nimport which from './which';\n\n" + FRAGMENT, "Use ES module imports"),
    # A line of the head kept: the answer covers the head itself.
    ("'use strict';\n\n" + FRAGMENT, "Add a doc comment to findCommand and quoteArgument"),
    # Asked to drop code.
    (FRAGMENT, "Delete everything but findCommand and quoteArgument, with doc comments"),
])
def test_a_head_the_answer_rewrote_kept_or_was_asked_to_drop_is_not_put_back(answer, instruction):
    kept, _ = _keep(SPAWN, (0, len(SPAWN)), answer, instruction, "spawn.js")
    assert "const path = require('path');" not in kept


def test_a_tail_is_not_put_back_after_new_code_at_the_answers_end():
    answer = FRAGMENT + "\nexport default spawnArgs;\n"
    kept, _ = _keep(SPAWN, (0, len(SPAWN)), answer, "Add a doc comment to findCommand and quoteArgument", "spawn.js")
    assert "module.exports" not in kept and "\nexport default spawnArgs;\n" in kept
    assert kept.startswith("'use strict';")  # the head still goes back: the answer starts at a definition


def test_the_stream_holds_once_the_answer_has_passed_the_head_without_it():
    keeper = _keeper(SPAWN, "Add a doc comment to findCommand and quoteArgument", name="spawn.js")
    at = SPAWN.index("function findCommand")
    assert at in [e for e in keeper.ends]  # a check point, so the stream never shows the head gone
    doc_only = FRAGMENT[: FRAGMENT.index("function findCommand")]
    assert keeper.left_out(doc_only, at) == 1
    assert keeper.left_out(SPAWN[:at], at) == 0  # an answer that copies the head holds nothing


def test_comments_at_the_regions_end_go_back_after_a_rewritten_last_line():
    # The lines a user selected end with the comment of the function below; the model answered with
    # the function it changed, its last line rewritten, and closed the block there.
    text = SPAWN.replace("function quoteArgument", "// Quoted for cmd.exe; other shells take it as it is.\nfunction quoteArgument")
    span = _region(text, "function findCommand", "// Quoted for cmd.exe")
    answer = "function findCommand(name) {\n    return which(name) || path.resolve(name) || name;\n}\n"
    kept, count = _keep(text, span, answer, "Fall back to the name itself in findCommand", "spawn.js")
    assert count == 1
    assert kept == text[span[0]:span[1]].replace("path.resolve(name);", "path.resolve(name) || name;")
    # Python: the last line of the function rewritten, deeper than its def line.
    text = "def area(r):\n    return 3.14 * r * r\n\n# The rim, for fences.\ndef rim(r):\n    return 6.28 * r\n"
    span = _region(text, "def area", "# The rim")
    kept, count = _keep(text, span, "def area(r):\n    return math.pi * r * r\n", "Use math.pi in area", "shapes.py")
    assert (kept, count) == ("def area(r):\n    return math.pi * r * r\n\n# The rim, for fences.\n", 1)


@pytest.mark.parametrize("line, declares", [
    ("function escapeQuotes(arg) {", True),
    ("    escapeQuotes(arg) {", True),  # a method
    ("const escapeQuotes = (arg) => arg;", True),
    ("static char *escapeQuotes(const char *arg)", True),
    ("func (e Escaper) escapeQuotes(arg string) string {", True),
    ("    pub fn escapeQuotes(&self) -> String {", True),
    ("def escapeQuotes(arg: str) -> str:", True),
    ("    return `\"${escapeQuotes(arg)}\"`;", False),  # a call inside another definition
    ("    quoted = escapeQuotes(arg)", False),
    ("    self.escapeQuotes(arg)", False),
    ("    return escapeQuotes(arg);", False),
    ("        yield await escapeQuotes(arg)", False),
    ("    if (escapeQuotes == null) {", False),
])
def test_a_definitions_name_is_declared_only_at_the_start_of_a_line(line, declares):
    from lsp_server.engine.keep import _declaring

    assert bool(_declaring(["escapeQuotes"]).search(line)) is declares


def test_a_definition_called_from_moved_code_is_still_put_back():
    # The model moved escapeCommand above quoteArgument and left escapePercent out: the call to it in the
    # moved code is no declaration, so escapePercent goes back.
    text = ("function assertOneLine(arg) {\n    if (/\\n/.test(arg)) {\n        throw new TypeError('a line break');\n    }\n}\n\n"
            "function escapePercent(arg) {\n    return arg.replace(/%/g, '%%');\n}\n\n"
            "function quoteArgument(arg) {\n    return `\"${arg}\"`;\n}\n\n"
            "function escapeCommand(arg) {\n    return `\"${escapePercent(arg)}\"`;\n}\n")
    answer = ("function assertOneLine(arg) {\n    if (/\\n/.test(arg)) {\n        throw new TypeError('a line break');\n    }\n}\n\n"
              "/** Quoted for cmd.exe. */\nfunction escapeCommand(arg) {\n    return `\"${escapePercent(arg)}\"`;\n}\n\n"
              "/** Quoted. */\nfunction quoteArgument(arg) {\n    return `\"${arg}\"`;\n}\n")
    kept, count = _keep(text, (0, len(text)), answer, "Add a JSDoc comment to every function", "escape.js")
    assert count == 1 and kept.count("function escapePercent(arg) {") == 1
    assert "/** Quoted. */\nfunction quoteArgument" in kept  # the doc stays with its function
    assert kept.index("function escapePercent") < kept.index("/** Quoted. */")


TIMER = '''\
def elapsed(start, now):
    """Seconds between start and now."""
    if now < start:
        raise ValueError("now is before start")
    return now - start
'''


def test_an_answer_that_stopped_after_a_new_docstring_gets_the_body_back_and_one_that_lost_part_is_refused():
    from lsp_server.errors import EditError

    keeper = _keeper(TIMER, "Give elapsed a longer docstring", name="timer.py")
    hollow = 'def elapsed(start, now):\n    """Seconds between start and now.\n\n    Raises ValueError when now is before start.\n    """\n'
    assert keeper.code_lost(hollow) == [2, 3, 4]
    body = TIMER[TIMER.index("    if now < start"):]
    assert keeper.final(hollow) == (hollow + body, 0)  # it stopped after its docstring: the body as it was
    # The body's last line written, the lines before it lost: no early stop, a loss.
    with pytest.raises(EditError, match="wrote no code, yet dropped 2 line.*first line 3"):
        keeper.final(hollow + "    return now - start\n")
    # The same docstring with the body kept; hints on the def line are no new code either.
    whole = hollow + TIMER[TIMER.index("    if now < start"):]
    assert keeper.code_lost(whole) == []
    assert keeper.code_lost(whole.replace("def elapsed(start, now):", "def elapsed(start: float, now: float) -> float:")) == []


def test_an_answer_that_wrote_code_or_was_asked_to_shorten_is_not_checked_for_lost_code():
    from lsp_server.errors import EditError

    rewritten = TIMER.replace('    if now < start:\n        raise ValueError("now is before start")\n    return now - start\n',
                              "    return max(0.0, now - start)\n")
    assert _keeper(TIMER, "Clamp elapsed at zero instead of raising", name="timer.py").code_lost(rewritten) == []
    assert _keeper(TIMER, "Remove the check from elapsed", name="timer.py").code_lost(
        TIMER.replace('    if now < start:\n        raise ValueError("now is before start")\n', "")) == []
    # JavaScript: a doc comment written, the body lost.
    js = "function elapsed(start, now) {\n    if (now < start) {\n        throw new RangeError('now is before start');\n    }\n    return now - start;\n}\n"
    answer = "/** Seconds from start to now. */\nfunction elapsed(start, now) {\n}\n"
    js_keeper = _keeper(js, "Add a JSDoc comment to elapsed", name="timer.js")
    assert js_keeper.code_lost(answer) == [1, 2, 4]
    with pytest.raises(EditError, match="wrote no code"):  # its closing brace written: not an early stop
        js_keeper.final(answer)
    stopped = "/** Seconds from start to now. */\nfunction elapsed(start, now) {\n"
    assert js_keeper.final(stopped)[0] == "/** Seconds from start to now. */\n" + js


def test_lines_changed_in_spacing_only_go_back_unless_the_request_is_about_layout():
    from lsp_server.engine.keep import Keeper

    text = ("def blend(a, b, w):\n    mix = a*w + b*(1-w) # weighted\n    label = 'a  b'\n"
            "    if mix>1:\n        return 1\n    return mix\n")
    answer = ("def blend(a: float, b: float, w: float) -> float:\n    mix = a * w + b * (1 - w)  # weighted\n"
              "    label = 'a b'\n    if mix > 1:\n            return 1\n    return mix\n")
    python = language_for("m.py")
    hinted, _ = Keeper(text, 0, len(text), "Add type hints to blend", python).final(answer)
    assert hinted == ("def blend(a: float, b: float, w: float) -> float:\n    mix = a*w + b*(1-w) # weighted\n"
                      "    label = 'a b'\n    if mix>1:\n            return 1\n    return mix\n")  # a string's spaces and an indent stand
    assert Keeper(text, 0, len(text), "Make blend PEP 8 clean", python).final(answer)[0] == answer
    crlf = text.replace("\n", "\r\n")
    assert Keeper(crlf, 0, len(crlf), "Add hints", python).final(answer.replace("\n", "\r\n"))[0] == hinted.replace("\n", "\r\n")


def test_an_answer_written_flush_left_of_an_indented_region_gets_its_indentation():
    from lsp_server.engine.keep import Keeper

    text = ".night {\n\t--gap: 8px;\n\t--ink: #eee;\n}\n"
    start, end = text.index("\t--ink"), text.index("}")
    css = language_for("s.css")
    assert Keeper(text, start, end, "Set --ink to #fff", css).final("--ink: #fff;\n")[0] == "\t--ink: #fff;\n"
    assert Keeper(text, start, end, "Add --line after --ink", css).final("--ink: #eee;\n--line: 1px;\n")[0] == (
        "\t--ink: #eee;\n\t--line: 1px;\n")
    go = "func f() {\n\tif x {\n\t\treturn\n\t}\n}\n"  # some lines indented: the answer's own, as it is
    start, end = go.index("\tif"), go.rindex("}")
    answer = "if x {\n\treturn 1\n}\n"
    assert Keeper(go, start, end, "Return 1", language_for("f.go")).final(answer)[0] == answer


def test_lines_joined_or_split_and_nothing_else_go_back_as_they_were():
    from lsp_server.engine.keep import Keeper

    text = ('def unescape(s):\n    """\n    Convert all references (e.g. &gt;,\n    &x3e;) in s to characters.\n    """\n'
            '    return call(a, b,\n                c)\n')
    answer = ('def unescape(s: str) -> str:\n    """\n    Convert all references (e.g. &gt;, &x3e;) in s to characters.\n'
              '    """\n    return call(\n        a, b, c)\n')
    python = language_for("m.py")
    assert Keeper(text, 0, len(text), "Add type hints to unescape", python).final(answer)[0] == (
        "def unescape(s: str) -> str:\n" + text.split("\n", 1)[1])
    assert Keeper(text, 0, len(text), "Wrap long lines in unescape", python).final(answer)[0] == answer


def test_blank_lines_an_answer_left_out_between_kept_or_new_lines_come_back():
    from lsp_server.engine.keep import Keeper

    text = ("import json\nimport os\n\n\nclass Store:\n    def load(self, path):\n        return os.path.exists(path)\n\n"
            "    def save(self):\n        json.dumps(self)\n")
    answer = ("import json\nfrom pathlib import Path\nclass Store:\n    def load(self, path):\n        return Path(path).exists()\n"
              "    def save(self):\n        json.dumps(self)\n")
    python = language_for("m.py")
    assert Keeper(text, 0, len(text), "Use pathlib instead of os.path", python).final(answer)[0] == (
        "import json\nfrom pathlib import Path\n\n\nclass Store:\n    def load(self, path):\n        return Path(path).exists()\n\n"
        "    def save(self):\n        json.dumps(self)\n")
    assert Keeper(text, 0, len(text), "Remove the blank lines", python).final(answer)[0] == answer  # layout asked for


def test_an_answer_that_wrote_another_functions_opening_over_one_is_refused():
    from lsp_server.errors import EditError

    text = ('"""Search."""\n\n\ndef insort(a, x):\n    """Insert x."""\n    a.insert(find(a, x), x)\n\n\n'
            'def find(a, x):\n    """Where x goes."""\n    lo = 0\n    while lo < len(a) and a[lo] <= x:\n'
            '        lo += 1\n    return lo\n')
    start = text.index("def find")
    # The answer for find began at the file's top: insort's opening and docstring, then find's body.
    astray = ('"""Search."""\n\n\ndef insort(a: list, x: int) -> None:\n    """Insert x."""\n    lo = 0\n'
              '    while lo < len(a) and a[lo] <= x:\n        lo += 1\n    return lo\n')
    keeper = _keeper(text, "Add type hints to find", span=(start, len(text)))
    assert keeper.undefined(astray) == ["find"]
    with pytest.raises(EditError, match=r"no longer defines find, which the request does not ask to remove or rename"):
        keeper.final(astray)
    right = text[start:].replace("def find(a, x):", "def find(a: list, x: int) -> int:")
    assert keeper.undefined(right) == [] and keeper.final(right)[0] == right
    # A region that ends without its last line break (a selection up to the end of a line), answered so.
    middle = _keeper(text, "Add type hints to insort", span=(text.index("def insort"), text.index("\n\n\ndef find")))
    assert middle.undefined("def insort(a: list, x: int) -> None:\n    a.insert(find(a, x), x)") == []
    # Asked to rename it, the answer stands.
    renamed = text[start:].replace("def find(", "def position(")
    assert _keeper(text, "Rename find to position", span=(start, len(text))).final(renamed)[0] == renamed


def test_an_answer_that_begins_with_other_code_of_the_file_is_told_at_its_first_line():
    text = ('"""Search."""\n\nimport re\n\n\ndef insort(a, x):\n    a.insert(find(a, x), x)\n\n\n'
            'def find(a, x):\n    return len([e for e in a if e <= x])\n')
    start = text.index("def find")
    keeper = _keeper(text, "Add type hints to find", span=(start, len(text)))
    assert keeper.astray('"""Sear') is None  # no whole line yet
    assert keeper.astray('"""Search."""\n') == 1  # the file's first line: it copies the file from its top
    fresh = _keeper(text, "Add type hints to find", span=(start, len(text)))
    assert fresh.astray("\ndef insort(a: list, x: int) -> None:\n") == 6  # another definition's opening
    # Imports and comments first, then another definition: still astray; then its own: not.
    assert _keeper(text, "Add type hints to find", span=(start, len(text))).astray(
        "from typing import *\nimport re\n# -- helpers --\n\ndef insort(a: list, x: int) -> None:\n") == 6
    assert _keeper(text, "Add type hints to find", span=(start, len(text))).astray(
        "from typing import List\n\ndef find(a: List[int], x: int) -> int:\ndef insort(a, x):\n") is None
    assert _keeper(text, "Add type hints to find", span=(start, len(text))).astray(
        "from search import insort\n\ndef find(a: list, x: int) -> int:\n") is None  # an import names, it opens nothing
    for first in ("def find(a: list, x: int) -> int:\n", "# Where x goes.\n", "@cache\n", "    return insort(a)\n"):
        assert _keeper(text, "Add type hints to find", span=(start, len(text))).astray(first) is None, first
    # A Go method's receiver before its name; a type line of no definition kind first
    go = ("package doc\n\nfunc force(s string) string {\n\treturn s\n}\n\ntype byName []string\n\n"
          "func (s byName) Len() int { return len(s) }\n")
    region = (go.index("func force"), go.index("type byName"))
    below = "type byName []string\n\nfunc (s byName) Len() int { return len(s) }\n"
    assert _keeper(go, "Make force take a limit", "d.go", span=region).astray(below) == 9
    # The region's own attribute line first says nothing: the struct above copied with its doc is astray.
    rust = ("use std::fmt;\n\n/// An error.\n#[derive(Debug)]\npub struct ParseError {\n    kind: Kind,\n}\n\n"
            "#[derive(Debug)]\nenum Kind {\n    Format,\n}\n")
    at = rust.index("#[derive(Debug)]\nenum")
    copied = "/// An error.\n#[derive(Debug)]\npub struct ParseError {\n"
    assert _keeper(rust, "Add a doc comment to Kind", "h.rs", span=(at, len(rust))).astray(copied) == 3  # where its doc starts
    assert _keeper(rust, "Add a doc comment to Kind", "h.rs", span=(at, len(rust))).astray(
        "/// The kind.\n#[derive(Debug)]\nenum Kind {\n") is None
    # Decided once: later lines do not change it.
    own = _keeper(text, "Add type hints to find", span=(start, len(text)))
    assert own.astray("def find(a, x):\n") is None and own.astray("def find(a, x):\ndef insort(a, x):\n") is None
    # A file that starts with an import: a model may write that import above its code.
    imported = text[text.index("import re"):]
    at = imported.index("def find")
    assert _keeper(imported, "Add type hints to find", span=(at, len(imported))).astray(
        "import re\n\ndef find(a: list, x: int) -> int:\n") is None
    # A region that starts the file, or has no whole definition, is not watched.
    assert _keeper(text, "Add type hints", span=(0, len(text))).astray('"""Search."""\n') is None
    line = text.index("    return len")
    assert _keeper(text, "Use sum", span=(line, len(text))).astray("def insort(a, x):\n") is None


def test_an_answer_that_stopped_inside_a_definition_is_a_syntax_error_not_a_lost_name():
    # The 1.5B's answer for a TypeScript arrow function ended before its closing `};`: the function is
    # still there, unfinished; the syntax check after says what is wrong, not "no longer defines".
    text = 'export const emails = (users: User[]) => users.map((u) => u.email);\n'
    keeper = _keeper(text, "Make emails skip users without an email.", "m.ts")
    cut = "export const emails = (users: User[]): string[] => {\n  return users.filter((u) => u.email).map((u) => u.email);\n"
    assert keeper.undefined(cut) == []
    assert keeper.undefined(cut + "};\n") == []
    assert keeper.undefined("export const mails = (users: User[]) => [];\n") == ["emails"]  # renamed: lost
