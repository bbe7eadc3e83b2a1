"""keep_definitions: what a free-form answer left out is put back, and only that (real tree-sitter, no model)."""

import pytest

from lsp_server.engine.keep import keep_definitions
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
    return keep_definitions(text, span[0], span[1], answer, instruction, language_for(name))


def test_region_units_are_outermost_definitions_with_their_doc_and_the_edges():
    source = PYTHON.encode()
    start = source.index(b"    def take")
    units = region_units(source, language_for("shelf.py"), start, source.index(b"class Book"))
    assert [(u.name, u.header) for u in units] == [("take", "def take"), ("count", "def count"), (None, None)]
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
    kept, count = _keep(text, span, answer, 'Add the docstring "Delete the book called `title`." to remove.', "shelf.py")
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


def test_unknown_language_and_no_units_leave_the_answer_as_it_is():
    assert _keep("a\nb\n", (0, 4), "a\n", "drop nothing", "notes.txt") == ("a\n", 0)
