"""A request for comments or docstrings only: its answer's code stays as it was, a doc comment opens above."""

from __future__ import annotations

import pytest

from lsp_server import syntax
from lsp_server.engine.docsonly import (code_kept, doc_lead, documented, documents_only, given_doc, one_line, own_words,
                                       settled_at)
from lsp_server.engine.tasks import Task, build_request
from lsp_server.errors import EditError
from tests.scripted import streamed_document
from tests.unit.test_engine import chat_engine

NAMES = {"New", "Put", "Get", "push", "pop", "mean", "f2", "x"}


@pytest.mark.parametrize("instruction", [
    "Add doc comments to New, Put and Get.",
    "Add Javadoc to push and pop.",
    "add a one-line docstring to mean()",
    "Please write a short comment above Put explaining why it locks the mutex.",
    'Add a doc comment above Get: "Get returns the value; an error when there is none."',
    "Fix the comment typo in Get.",
    "Update the docstring of mean to say it returns a float.",
    "Document the public API.",
    "Add docstrings in the same style as the existing ones.",
    "Add Rust doc comments to push and pop, starting with a one-line summary.",
    "Write Doxygen comments for mean listing its parameters.",
    "Shorten the doc comment of Put to two sentences.",
    "Condense the docstring of mean into one line.",
    "Clarify the comment above Get.",
])
def test_requests_for_prose_alone(instruction):
    assert documents_only(instruction, NAMES)


@pytest.mark.parametrize("instruction", [
    "Add docstrings and type hints.",
    "Add a docstring and make it faster.",
    "Document f2 and fix it.",  # a second verb
    "Add a `limit` parameter and document it.",
    "Add logging and comments.",
    "Remove the comments.",
    "Add a docstring to mean(): it returns the average. Also make it raise on an empty list.",
    "Make Put return an error.",
    "Add a comment to Put, then add a check for a nil map.",
    "Add a docstring explaining the function and fix the off-by-one bug.",
    "Add a comment starting with TODO and make Put return an error.",
    "Simplify Put.",  # no prose named: the code
    "Shorten Get to two lines.",
    "Simplify Put and its comments.",  # the code first (the review's)
    "Condense the loop in Put into one line with a comment.",
])
def test_requests_for_more_than_prose(instruction):
    assert not documents_only(instruction, NAMES)


GO = """package store

import "sync"

type Store struct {
	mu    sync.Mutex
	items map[string]int
}

func (s *Store) Put(key string, value int) {
	s.mu.Lock()
	s.items[key] = value
	s.mu.Unlock()
}

// Get returns the value.
func (s *Store) Get(key string) int {
	return s.items[key]
}
"""
PUT = GO[GO.index("func (s *Store) Put"):GO.index("// Get")]
GO_LANG = syntax.language_for("store.go")


def test_an_answer_that_also_changed_code_keeps_its_comments_and_the_code_as_it_was():
    # What the 1.5B wrote, asked for doc comments: comments inside, and Unlock moved into a defer.
    answer = ("// Put stores a value.\nfunc (s *Store) Put(key string, value int) {\n\t// Lock the map\n\ts.mu.Lock()\n"
              "\tdefer s.mu.Unlock()\n\n\t// Store the pair\n\ts.items[key] = value\n}\n\n")
    start = GO.index(PUT)
    kept = code_kept(GO, start, start + len(PUT), answer, GO_LANG)
    assert kept == ("// Put stores a value.\nfunc (s *Store) Put(key string, value int) {\n\t// Lock the map\n\ts.mu.Lock()\n"
                    "\t// Store the pair\n\ts.items[key] = value\n\ts.mu.Unlock()\n}\n\n")
    # only prose changed (a trailing comment too): the answer as it is
    prose = PUT.replace("\ts.mu.Lock()\n", "\ts.mu.Lock() // one writer at a time\n")
    assert code_kept(GO, start, start + len(PUT), prose, GO_LANG) == prose
    # a request for more than prose: whatever the answer does
    assert documented(GO, start, start + len(PUT), "Make Put use defer.", answer, GO_LANG) == answer
    assert documented(GO, start, start + len(PUT), "Add a doc comment to Put.", answer, GO_LANG) == kept


def test_an_answer_whose_comments_would_hide_code_is_refused_and_mixed_lines_keep_their_code():
    start = GO.index(PUT)
    # the new lines are all comment, yet with them the code between is commented out: refused
    answer = PUT.replace("\ts.mu.Lock()\n", "\t/* locked:\n\ts.mu.Lock()\n").replace("\ts.mu.Unlock()\n", "\ts.mu.Unlock()\n\t*/\n")
    with pytest.raises(EditError, match="changed code, which a request for comments or docstrings does not ask for"):
        documented(GO, start, start + len(PUT), "Add comments to Put.", answer, GO_LANG)
    # a line whose code and comment both changed: its code as it was, so here nothing changes
    mixed = PUT.replace("s.items[key] = value", "s.items[key] += value // add")
    assert documented(GO, start, start + len(PUT), "Add comments to Put.", mixed, GO_LANG) == PUT


def test_a_doc_comment_opens_above_a_definition_that_has_none():
    start = GO.index(PUT)
    # Go's docs start with the name they document
    assert doc_lead(GO, start, start + len(PUT), "Add doc comments to Put and Get.", GO_LANG) == "// Put"
    get = GO.index("// Get")
    assert doc_lead(GO, get, len(GO), "Add doc comments to Put and Get.", GO_LANG) is None  # it has one
    assert doc_lead(GO, start, start + len(PUT), "Fix the comment typo in Put.", GO_LANG) is None  # not adding
    assert doc_lead(GO, start, start + len(PUT), "Add a doc comment and a check to Put.", GO_LANG) is None
    apart = GO.replace("func (s *Store) Put", "// Put stores a value.\n\nfunc (s *Store) Put")
    at = apart.index("func (s *Store) Put")  # a comment above it, a blank line between: it has one
    assert doc_lead(apart, at, apart.index("// Get"), "Add doc comments to Put.", GO_LANG) is None
    body = GO.index("\ts.mu.Lock()")
    assert doc_lead(GO, body, body + len("\ts.mu.Lock()\n"), "Add a comment.", GO_LANG) is None  # no definition
    java = "class S {\n    void push(int v) {\n        items.add(v);\n    }\n}\n"
    at = java.index("    void push")
    assert doc_lead(java, at, java.index("}\n}") + 2, "Add Javadoc to push.", syntax.language_for("S.java")) == "    /**"
    python = "def mean(xs):\n    return sum(xs) / len(xs)\n"
    assert doc_lead(python, 0, len(python), "Add a docstring to mean.", syntax.language_for("m.py")) is None
    # where the file's docs open on a line of their own, this one does too, its words first
    js = "function d(a) {\n  return a;\n}\n\n/**\n * Twice a.\n */\nfunction t(a) {\n  return 2 * a;\n}\n"
    assert doc_lead(js, 0, js.index("\n\n") + 1, "Add a JSDoc comment to d.", syntax.language_for("d.js")) == "/**\n *"
    inline = js.replace("/**\n * Twice a.\n */", "/** Twice a. */")
    assert doc_lead(inline, 0, js.index("\n\n") + 1, "Add a JSDoc comment to d.", syntax.language_for("d.js")) == "/**"


def test_an_edit_asked_for_doc_comments_writes_the_opening_and_keeps_the_code():
    # (a comment, not a doc comment: decoded to the region's end, so that its streaming is seen whole)
    request = build_request(GO, Task("edit", "Add a comment above Put."), path="store.go")
    assert [GO[r.start:r.end] for r in request.regions] == [PUT.rstrip("\n") + "\n"]
    # after the prompt's "// Put", the model's answer; it also moved Unlock into a defer
    answer = (" stores a value under the lock.\nfunc (s *Store) Put(key string, value int) {\n\ts.mu.Lock()\n"
              "\tdefer s.mu.Unlock()\n\ts.items[key] = value\n}\n")
    engine = chat_engine(request, answer)
    assert engine.prepare(request, request.regions[0]).parts.lead == "// Put"
    seen = []
    result = engine.edit(request, on_progress=seen.append)
    assert result.text == GO.replace("func (s *Store) Put", "// Put stores a value under the lock.\nfunc (s *Store) Put")
    # Streamed, the comment the lead opened is new text above the original lines, not in place of them.
    (region,) = request.regions
    states = []
    assert streamed_document(GO, (region.start, region.end), seen, result.new_region, states=states) == result.text
    assert states and all(state.count("func (s *Store) Put(") == 1 for state in states)


def test_a_request_for_docs_is_settled_past_the_last_doc_site_of_what_it_names():
    put, get = GO.index("func (s *Store) Put"), GO.index("func (s *Store) Get")
    at = GO.encode().index  # byte offsets: the region is the whole file

    def settled(instruction: str, text: str = GO, language: syntax.Language = GO_LANG) -> int | None:
        return settled_at(text, 0, len(text), instruction, language)

    assert settled("Add a doc comment to Put.") == at(b"func (s *Store) Put")
    assert settled("Add doc comments to Put and Get.") == at(b"func (s *Store) Get")
    assert settled("Add a doc comment to Put and to every other function.") == at(b"func (s *Store) Get")
    assert settled("Document the methods.") == at(b"func (s *Store) Get")  # none named: every definition
    assert settled_at(GO, put, get, "Add a doc comment to Put.", GO_LANG) == 0  # from the region's start
    # not for comments that may go anywhere, nor for more than prose, nor where no definition is
    assert settled("Add comments to Put.") is None
    assert settled("Add a doc comment to Put and make it use defer.") is None
    assert settled("Make Put use defer.") is None
    body = GO.index("\ts.mu.Lock()")
    assert settled_at(GO, body, body + len("\ts.mu.Lock()\n"), "Add a doc comment.", GO_LANG) is None
    # a class named: its methods' docstrings too
    python = ('class Stats:\n    def mean(self, xs):\n        return sum(xs) / len(xs)\n\n'
              '    def spread(self, xs):\n        return max(xs) - min(xs)\n\n\ndef other():\n    return 1\n')
    last = python.encode().index(b"return max")
    assert settled("Add docstrings to the Stats class.", python, syntax.language_for("m.py")) == last
    assert settled("Add a docstring to mean.", python, syntax.language_for("m.py")) == python.index("return sum")


def test_an_answer_for_docs_goes_unverified_past_the_last_doc_site():
    request = build_request(GO, Task("edit", "Add a doc comment to Put."), path="store.go")
    # after the prompt's "// Put": the doc comment, then the body with Unlock moved into a defer
    answer = (" stores a value under the lock.\nfunc (s *Store) Put(key string, value int) {\n\ts.mu.Lock()\n"
              "\tdefer s.mu.Unlock()\n\ts.items[key] = value\n}\n")
    result = chat_engine(request, answer).edit(request)
    assert result.text == GO.replace("func (s *Store) Put", "// Put stores a value under the lock.\nfunc (s *Store) Put")
    # the model verified the doc comment and Put's first line at most, no more: the rest was taken as it was
    # (how much of that line, the pacer's chunk, depends on the pass times it measures)
    assert result.stats.stop_reason == "settled" and result.stats.settled_bytes > len("\ts.mu.Unlock()\n}\n")
    verified = b"".join(bytes([t]) for t in result.stats.output_token_ids).decode()
    assert verified.startswith(" stores a value under the lock.\n") and "s.mu.Lock" not in verified
    # a request for more than prose decodes to the end
    request = build_request(GO, Task("edit", "Add a doc comment to Put and lock it with defer."), path="store.go")
    assert chat_engine(request, answer).edit(request).stats.stop_reason == "end"


def test_a_doc_that_shares_words_with_a_comment_below_is_not_taken_for_the_copy_past_it():
    # The doc's last words are a comment's in Put's body: the output re-syncs there mid-line, which is no sign
    # that the doc is written (it had taken the rest of the body as it was, after the doc's first line).
    text = GO.replace("\ts.mu.Lock()\n", "\t// keys are kept as given, with no folding and no trimming\n\ts.mu.Lock()\n")
    request = build_request(text, Task("edit", "Add a doc comment to Put."), path="store.go")
    answer = (" stores value under key, with no folding and no trimming of the key.\n"
              + text[text.index("func (s *Store) Put"):text.index("// Get")].rstrip("\n") + "\n")
    result = chat_engine(request, answer).edit(request)
    assert result.text == text.replace("func (s *Store) Put", "// Put stores value under key, with no folding and no "
                                       "trimming of the key.\nfunc (s *Store) Put")
    assert result.stats.stop_reason == "settled"


def test_a_doc_line_that_ends_as_a_comment_below_ends_is_not_taken_for_the_copy_past_it():
    # The doc's first line ends with a comment's words in the body ("... no folding."), and its line break
    # follows: at a line's start the output's line so far and the original's are both empty, which is no sign.
    text = GO.replace("\ts.mu.Lock()\n", "\t// keys are kept as given, with no folding and no trimming of the key.\n"
                                         "\ts.mu.Lock()\n")
    request = build_request(text, Task("edit", "Add a doc comment to Put."), path="store.go")
    put = text[text.index("func (s *Store) Put"):text.index("// Get")].rstrip("\n") + "\n"
    doc = " stores value under key, with no folding and no trimming of the key.\n// Keys are case-sensitive.\n"
    result = chat_engine(request, doc + put).edit(request)
    assert result.text == text.replace("func (s *Store) Put", "// Put" + doc + "func (s *Store) Put")


SHAPES = ("import math\n\n\nclass Circle:\n    def __init__(self, r):\n        self.r = r\n\n"
          "    def area(self):\n        return math.pi * self.r ** 2\n\n\nclass Square:\n    def area(self):\n"
          "        return self.side ** 2\n\n\ndef largest(shapes):\n    return max(shapes, key=lambda s: s.area())\n")


@pytest.mark.parametrize("path, text, instruction, inserted, before", [
    ("shapes.py", SHAPES, 'Add the docstring "Area of the circle." to Circle.area.',
     '        """Area of the circle."""\n', "        return math.pi"),
    ("shapes.py", SHAPES, 'Add the docstring """The largest shape by area.""" to largest.',
     '    """The largest shape by area."""\n', "    return max("),
    ("store.go", GO, 'Add a doc comment above Put: "Put stores a value under the lock."',
     "// Put stores a value under the lock.\n", "func (s *Store) Put"),
    ("S.java", "class S {\n    @Override\n    public int pop() {\n        return 1;\n    }\n}\n",
     "Add the Javadoc “Removes and returns the top item.” to pop.",
     "    /** Removes and returns the top item. */\n", "    @Override"),
    ("lib.rs", "#[inline]\npub fn sum(xs: &[i64]) -> i64 {\n    xs.iter().sum()\n}\n",
     'Add a doc comment to sum: "Sum of the numbers."', "/// Sum of the numbers.\n", "#[inline]"),
    ("stats.rs", "impl Stats {\n    pub fn mean(&self) -> f64 {\n        self.total / self.n\n    }\n}\n",
     'Add a /// doc comment above mean: "The mean of the samples."', "    /// The mean of the samples.\n",
     "    pub fn mean"),
    ("repo.py", "class Repo:\n    def remove(self, key):\n        del self.rows[key]\n",
     'Add the docstring """Drop the row.""" to the remove method of Repo.', '        """Drop the row."""\n',
     "        del self"),
])
def test_a_doc_given_word_for_word_is_a_tools_draft_where_it_goes(path, text, instruction, inserted, before):
    language = syntax.language_for(path)
    drafted = given_doc(text, (0, len(text)), instruction, language)
    assert drafted == text.replace(before, inserted + before, 1)
    request = build_request(text, Task("edit", instruction), path=path)
    assert request.draft_certain and len(request.regions) == 1 and request.regions[0].draft is not None
    assert inserted in request.drafted_text


@pytest.mark.parametrize("text, instruction", [
    (SHAPES, 'Add the docstring "Area." to area.'),  # two definitions named area
    (SHAPES, "Add a docstring to largest."),  # no text given: the model writes it
    (SHAPES, 'Add the docstring "Biggest." to largest and make it return None for no shapes.'),
    (SHAPES, 'Add the docstrings "Biggest." and "Area." to largest and Square.area.'),  # two texts
    (SHAPES, 'Add the docstring "Biggest." to largest. Also sort the imports.'),
    ("def f(x): return 2 * x\n", 'Add the docstring "Twice." to f.'),  # no body line to hold it
    ('def f(x):\n    """Double."""\n    return 2 * x\n', 'Add the docstring "Twice." to f.'),  # has one: the model's
    (SHAPES, 'Remove the docstring "Area." from largest.'),
])
def test_no_tool_draft_for_a_doc_that_is_not_given_or_has_nowhere_plain_to_go(text, instruction):
    assert given_doc(text, (0, len(text)), instruction, syntax.language_for("shapes.py")) is None
    assert given_doc(GO, (0, len(GO)), 'Add the doc comment "Get returns it." to Get.', GO_LANG) is None  # has one
    outside = GO.index("func (s *Store) Get")
    assert given_doc(GO, (0, outside), 'Add the doc comment "Put stores it." to Put.', GO_LANG) is not None
    assert given_doc(GO, (outside, len(GO)), 'Add the doc comment "Put stores it." to Put.', GO_LANG) is None


PY = '''def to_rgb(y, i, q):
    # r = y + 0.95*i
    # g = y - 0.27*i
    r = y + 0.95*i
    g = y - 0.27*i
    return r, g
'''
PY_LANG = syntax.language_for("colors.py")


def test_comments_an_answer_dropped_for_the_docs_it_adds_are_put_back():
    # What the 1.5B wrote for "Add a docstring to yiq_to_rgb ..." of colorsys.py: the docstring in place of
    # the formulas noted in the function's body.
    answer = PY.replace("    # r = y + 0.95*i\n    # g = y - 0.27*i\n", '    """Convert YIQ to RGB."""\n')
    assert documented(PY, 0, len(PY), "Add a docstring to to_rgb.", answer, PY_LANG) == PY.replace(
        "def to_rgb(y, i, q):\n", 'def to_rgb(y, i, q):\n    """Convert YIQ to RGB."""\n')
    # a comment dropped with nothing in its place, the answer's code changed too
    answer = PY.replace("    # g = y - 0.27*i\n", "").replace("0.95*i\n    g", "0.95 * i\n    g")
    assert documented(PY, 0, len(PY), "Add comments to to_rgb.", answer, PY_LANG) == PY
    # not a request to add prose: rewriting or dropping comments is what it may ask
    answer = PY.replace("    # r = y + 0.95*i\n    # g = y - 0.27*i\n", "")
    assert documented(PY, 0, len(PY), "Update the comments of to_rgb.", answer, PY_LANG) == answer


def test_a_doc_comment_said_at_more_length_is_not_put_back_twice():
    get = GO.index("// Get")
    answer = GO[get:].replace("// Get returns the value.\n",
                              "// Get returns the value stored under key.\n// It returns 0 when there is none.\n")
    assert documented(GO, get, len(GO), "Add doc comments to Get.", answer, GO_LANG) == answer


def test_comments_put_back_land_after_a_docstring_whose_blank_line_matched_the_originals():
    # The 1.5B's answer on colorsys.py: a docstring with a blank line in it, matched line for line with
    # the blank line after the formulas; put back there, the formulas would be inside the docstring.
    spaced = PY.replace("    # g = y - 0.27*i\n", "    # g = y - 0.27*i\n\n")
    answer = spaced.replace("    # r = y + 0.95*i\n    # g = y - 0.27*i\n\n",
                            '    """Convert YIQ to RGB.\n\n    Returns the red and green parts.\n    """\n')
    assert documented(spaced, 0, len(spaced), "Add a docstring to to_rgb.", answer, PY_LANG) == answer.replace(
        '    """\n', '    """\n    # r = y + 0.95*i\n    # g = y - 0.27*i\n\n')  # with the blank line below them


LONG_DOC = '''def short_has_arg(opt, shortopts):
    """
    Check if the given short option takes an argument.

    Args:
    opt (str): The short option to check.
    """
    return opt in shortopts
'''


@pytest.mark.parametrize("path, text, answer, expected", [
    ("g.py", "def short_has_arg(opt, shortopts):\n    return opt in shortopts\n", LONG_DOC,
     'def short_has_arg(opt, shortopts):\n    """Check if the given short option takes an argument."""\n    return opt in shortopts\n'),
    ("h.ts", "function clear(): void {\n  stack = [];\n}\n",
     "/**\n * Empties the stack.\n * @returns nothing\n */\nfunction clear(): void {\n  stack = [];\n}\n",
     "/** Empties the stack. */\nfunction clear(): void {\n  stack = [];\n}\n"),
])
def test_docs_asked_for_in_one_line_are_cut_to_their_first_line(path, text, answer, expected):
    language = syntax.language_for(path)
    assert one_line(text, 0, len(text), "Add a one-line docstring to it.", answer, language) == expected
    assert one_line(text, 0, len(text), "Add a single-line doc comment.", answer, language) == expected
    # Asked for docs of no given length, or the doc the region had already: as written.
    assert one_line(text, 0, len(text), "Add a docstring to it.", answer, language) == answer
    assert one_line(answer, 0, len(answer), "Add a one-line docstring to it.", answer, language) == answer


def test_a_one_line_doc_in_a_request_for_more_goes_through_documented():
    text = "def short_has_arg(opt, shortopts):\n    return opt in shortopts\n"
    answer = LONG_DOC.replace("return opt in shortopts", "return opt in (shortopts or '')")
    out = documented(text, 0, len(text), "Accept None for shortopts and add a one-line docstring.", answer,
                     syntax.language_for("g.py"))
    assert out == ('def short_has_arg(opt, shortopts):\n    """Check if the given short option takes an argument."""\n'
                   "    return opt in (shortopts or '')\n")


def test_a_one_line_doc_that_would_not_parse_or_starts_with_a_star_is_kept_right():
    py = syntax.language_for("g.py")
    text = "def ans(x):\n    return x\n"
    quoted = 'def ans(x):\n    """\n    Return "yes" or "no"\n\n    Args: x\n    """\n    return x\n'
    assert one_line(text, 0, len(text), "Add a one-line docstring to ans.", quoted, py) == quoted  # '"""..."no""""'
    starred = quoted.replace('Return "yes" or "no"', "*Deprecated*: use other")
    assert one_line(text, 0, len(text), "Add a one-line docstring to ans.", starred, py) == (
        'def ans(x):\n    """*Deprecated*: use other"""\n    return x\n')


def test_a_comment_asked_at_a_place_named_by_the_codes_strings_is_comments_only_and_goes_inside():
    rs = ('fn show(f: &mut F) {\n    write!(f, "\\n\\nCaused by:")?;\n    for c in causes {\n        write!(f, "{}", c)?;\n'
          '    }\n}\n')
    rust = syntax.language_for("f.rs")
    instruction = "Add a comment above the Caused by loop explaining that it numbers the causes."
    assert documents_only(instruction, own_words(rs.encode(), rust))  # "Caused", "by": the string's words
    assert not documents_only(instruction, syntax.names_in(rs.encode(), rust))
    assert doc_lead(rs, 0, len(rs), instruction, rust) is None  # at the loop, not above the function
    assert doc_lead(rs, 0, len(rs), "Add a doc comment to show.", rust) == "///"


def test_a_type_named_like_code_inside_a_body_still_gets_its_doc_opening():
    go = "package m\n\ntype Message struct {\n\tText string\n}\n"
    at = go.index("type Message")
    assert doc_lead(go, at, len(go), "Add a doc comment to Message.", GO_LANG) == "// Message"
