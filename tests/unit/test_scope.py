"""A whole-file request that names definitions rewrites those only (engine/scope.py), on code written here."""

import pytest

from lsp_server import syntax
from lsp_server.config import Settings
from lsp_server.engine.engine import Engine
from lsp_server.engine.removal import removes_only
from lsp_server.engine.scope import named_definitions
from lsp_server.engine.undefined import imports_for, new_undefined, undefined_names
from lsp_server.engine.tasks import Task, build_request
from tests.scripted import ScriptedModel

PY = '''"""Parcel tracking."""
import json

RETRY_LIMIT = 3


class Parcel:
    def weigh(self, scale):
        return scale.read()

    def label(self):
        return json.dumps({"id": self.id})


def route(parcel, depots):
    return min(depots, key=lambda d: d.distance(parcel))


def deliver(parcel, van):
    van.load(parcel)
    return van.go()


def summary(parcels):
    return len(parcels)
'''

GO = '''package depot

const MaxLoad = 40

type Van struct {
	Load int
}

func (v *Van) Fill(n int) int {
	v.Load += n
	return v.Load
}

func Route(stops []string) []string {
	return stops
}
'''

JS = ''''use strict';
const LIMIT = 5;

function packBox(items) {
  return items.slice(0, LIMIT);
}

function shipBox(box) {
  return { box, shipped: true };
}

module.exports = { packBox, shipBox };
'''


def named(instruction: str, text: str = PY, path: str = "m.py") -> list[str]:
    return named_definitions(instruction, text, syntax.language_for(path))


@pytest.mark.parametrize("instruction, expected", [
    ("Add type hints to route and deliver.", ["route", "deliver"]),
    ("Add type hints to route, deliver and summary: parcels is a list.", ["route", "deliver", "summary"]),
    ("Add docstrings to route and deliver describing their parameters.", ["route", "deliver"]),
    ("Add a docstring to deliver explaining when it returns False.", ["deliver"]),
    ("Make deliver skip parcels that weigh nothing.", ["deliver"]),
    ("Convert route to use a list comprehension.", ["route"]),
    ("Simplify deliver and summary.", ["deliver", "summary"]),
    ("Remove summary.", ["summary"]),
    ("Give summary() a docstring.", ["summary"]),
    ("Make `deliver` return False when the van is full.", ["deliver"]),
    ("In Parcel.label, sort the keys.", ["Parcel.label"]),
    ("Add a docstring to the label method.", ["label"]),
    ("Add a docstring to the Parcel class.", ["Parcel"]),
    ("Add type hints to the route and deliver functions.", ["route", "deliver"]),
    ("Add docstrings to the route, deliver and summary functions.", ["route", "deliver", "summary"]),
    ("Add a __repr__ to Parcel.", ["Parcel"]),
    ("In deliver, check that parcel is a Parcel.", ["deliver"]),  # a class it refers to is no target beside a function
    # A class named as where a member goes is a target beside the function.
    ("Add a weight field to Parcel and use it in deliver.", ["deliver", "Parcel"]),
    ("Add a cancel method to the Parcel class and call it in deliver.", ["deliver", "Parcel"]),
    ("In deliver, return a Parcel with the van in its fields.", ["deliver"]),  # a member word, not "to Parcel"
])
def test_the_definitions_an_instruction_names_are_the_regions(instruction, expected):
    assert named(instruction) == expected


@pytest.mark.parametrize("instruction", [
    "Add type hints to every function.",
    "Rename deliver's callers too.",
    "Add logging to the whole file.",
    "Move summary above route.",
    "Change RETRY_LIMIT to 5 and use it in deliver.",  # a constant of the file: maybe what changes
    "Merge route and deliver.",
    "Make the code faster.",
    "Deliver parcels in route order.",  # plain words that happen to name functions, used as words
    "Use a constant for the weight limit in deliver.",
    "Add a function that counts parcels after route.",  # a definition named as a place: new code beside it
    "Insert a helper below the deliver function.",
    "Add a summary function above `route`.",
])
def test_a_request_that_may_reach_past_the_definitions_it_names_keeps_the_whole_file(instruction):
    assert named(instruction) == []


@pytest.mark.parametrize("instruction, expected", [
    # A function given as the means is no target: what uses it may be anywhere.
    ("Also check for a van with deliver().", []),
    ("Pick the depot using `route`.", []),
    ("Weigh each parcel in summary() via the weigh method.", ["summary"]),
    ("Decorate deliver() with summary().", ["deliver"]),
    # The trouble with a function is in it.
    ("Fix the bug with deliver().", ["deliver"]),
    ("Fix the problem with `route` when depots is empty.", ["route"]),
    ("Fix the issues with `route` and `deliver`.", ["route", "deliver"]),
])
def test_a_definition_given_as_a_means_is_not_what_changes(instruction, expected):
    assert named(instruction) == expected


def test_only_the_first_place_after_a_member_word_is_where_it_goes():
    two = "class Reader:\n    def rows(self):\n        return []\n\n\nclass Record:\n    pass\n"
    assert named("Add a method to Reader that converts rows into Record.", two, "r.py") == ["Reader"]
    assert named("Add a field to Record.", two, "r.py") == ["Record"]


def test_a_name_that_is_also_a_wide_word_is_a_name():
    script = "function usage() {\n    echo usage\n}\n\nfunction imports() {\n    ls\n}\n\nusage\n"
    assert named("Make usage print to stderr.", script, "w.sh") == ["usage"]
    assert named("Add a comment to imports.", script, "w.sh") == ["imports"]
    assert named("Make usage print to stderr in every file.", script, "w.sh") == []


def test_what_attaches_above_a_definition_named_as_its_place_is_an_edit_of_it():
    assert named("Add a doc comment above `route`.") == ["route"]
    assert named("Put a decorator before deliver().") == ["deliver"]
    assert named("Add a comment after `route`.") == []  # below it: beside it, not in it


def test_other_languages_name_functions_methods_and_skip_their_constants():
    assert named("Add a doc comment to Route and to Fill.", GO, "d.go") == ["Route", "Fill"]
    assert named("Change MaxLoad to 60 in Fill.", GO, "d.go") == []
    assert named("Add a JSDoc comment to packBox and shipBox.", JS, "b.js") == ["packBox", "shipBox"]
    assert named("Make packBox use LIMIT + 1.", JS, "b.js") == []
    assert named("Add type hints to route.", "route = 1\n", "notes.txt") == []  # no grammar: the whole file


def test_a_whole_file_edit_that_names_definitions_has_their_regions_and_lines_keep_theirs():
    request = build_request(PY, Task("edit", "Add type hints to route and deliver."), path="m.py")
    assert request.narrowed and request.definitions == ("route", "deliver")
    assert [PY[r.start:r.end].split("\n")[0] for r in request.regions] == ["def route(parcel, depots):",
                                                                         "def deliver(parcel, van):"]
    given = build_request(PY, Task("edit", "Add type hints to route and deliver.", (1, 25)), path="m.py")
    assert not given.narrowed and len(given.regions) == 1
    symbol = build_request(PY, Task("edit", "Add type hints.", symbol="label"), path="m.py")
    assert symbol.definitions == ("label",) and not symbol.narrowed


def test_a_qualified_name_is_the_definition_inside_that_class():
    text = "class A:\n    def run(self):\n        pass\n\n\nclass B:\n    def run(self):\n        pass\n"
    request = build_request(text, Task("edit", "Make B.run return 1."), path="m.py")
    assert [text[r.start:r.end] for r in request.regions] == ["    def run(self):\n        pass\n"]
    assert request.regions[0].start == text.index("class B")  + len("class B:\n")
    request = build_request(text, Task("edit", "Make B's run return 1."), path="m.py")  # a possessive says so too
    assert request.definitions == ("B.run",) and request.regions[0].start == text.index("class B") + len("class B:\n")


def test_a_name_qualified_the_rust_or_ruby_way_is_that_type_s_and_another_s_is_not_the_file_s():
    rust = ("struct Chain;\n\nimpl Chain {\n    fn new() -> Self {\n        Chain\n    }\n}\n\n"
            "fn new() -> Chain {\n    Chain\n}\n")
    request = build_request(rust, Task("edit", "Add a doc comment to Chain::new."), path="c.rs")
    assert request.definitions == ("Chain.new",)
    assert [rust[r.start:r.end] for r in request.regions] == ["    fn new() -> Self {\n        Chain\n    }\n"]
    assert named("Add a docstring to Depot#route.", "class Depot:\n    def route(self):\n        pass\n") == ["Depot.route"]
    java = ("class P {\n  public int hashCode() {\n    return 1;\n  }\n\n  static int mix(long v) {\n"
            "    return (int) (v ^ (v >>> 32));\n  }\n}\n")
    # Long is no class of the file, and hashCode does not say it: the library's
    assert named("Use Long.hashCode in mix instead of the shift and xor.", java, "P.java") == ["mix"]
    go = "package m\n\nfunc (s *Server) Start() {\n}\n\nfunc Start() {\n}\n"  # Server is another file's type
    request = build_request(go, Task("edit", "Make Server.Start log."), path="m.go")
    assert [go[r.start:r.end] for r in request.regions] == ["func (s *Server) Start() {\n}\n"]


def test_a_library_named_as_the_means_is_no_word_for_the_whole_file():
    assert named("Rewrite route with the bisect module.") == ["route"]
    assert named("Make deliver use Python's logging module.") == ["deliver"]
    assert named("Log from deliver across the module.") == []
    assert named("Add type hints to deliver and the whole module.") == []


def test_undefined_names_are_what_nothing_in_the_module_binds():
    code = ("from typing import List\nimport os\nX = 1\n\n"
            "def f(a: Sequence[int]) -> List[int]:\n    global Y\n    Y = len(a)\n    return helper(a, X, os.sep, Y)\n\n"
            "class C:\n    z = undefined_in_class\n    def m(self):\n        return __name__, f\n")
    assert undefined_names(code) == {"Sequence", "helper", "undefined_in_class"}
    assert undefined_names("from os import *\nx = path\n") is None  # cannot be told
    assert undefined_names("def f(:\n") is None


def test_new_undefined_names_are_those_the_edit_brought_in():
    py = syntax.language_for("m.py")
    before = "def f(a):\n    return missing(a)\n"
    after = "def f(a: Sequence[int]) -> int:\n    return missing(a)\n"
    assert new_undefined(before, after, py) == {"Sequence"}
    assert new_undefined(before, "from typing import Sequence\n" + after, py) == set()
    assert new_undefined("x\n", "y\n", syntax.language_for("m.js")) == set()  # Python only


def test_imports_for_standard_modules_used_as_modules_and_typing_names_only():
    py = syntax.language_for("m.py")
    code = "def f(x: Optional[int]) -> List[int]:\n    logging.info(x)\n    return [x]\n"
    assert imports_for({"logging", "Optional", "List"}, code, py) == [b"import logging", b"from typing import List, Optional"]
    assert imports_for({"string"}, "def f(s):\n    return string\n", py) is None  # a slip, not the module
    assert imports_for({"helper"}, "helper()\n", py) is None
    assert imports_for({"Optional"}, "x: Optional[int]\n", syntax.language_for("m.ts")) is None


def test_each_region_of_several_named_definitions_is_shown_its_own_names_of_a_list():
    from lsp_server.engine.scope import instruction_for

    named = ("split", "join", "quote")
    assert instruction_for("Add type hints to split, join and quote.", {"quote"}, named) == "Add type hints to quote."
    assert instruction_for("Add type hints to split, join and quote.", {"split", "join"}, named) == \
        "Add type hints to split and join."
    assert instruction_for("Document `fmtShort` and `fmtLong()`.", {"fmtLong"}, ("fmtShort", "fmtLong")) == \
        "Document `fmtLong()`."
    # Names that are no list stay: the sentence needs them.
    assert instruction_for("In parse_header, call read_line instead of read_raw.", {"read_line"},
                           ("parse_header", "read_line", "read_raw")) == "In parse_header, call read_line instead of read_raw."


def test_each_region_is_shown_only_the_details_that_speak_of_it():
    from lsp_server.engine.scope import instruction_for

    named = ("load", "save")
    py = syntax.language_for("m.py")
    load = syntax.names_in(b"def load(path, encoding=None):\n    with open(path, encoding=encoding) as f:\n"
                           b"        return f.read()\n", py)
    save = syntax.names_in(b"def save(path, data, mode='w'):\n    with open(path, mode) as f:\n        f.write(data)\n", py)
    asked = ("Add type hints to load and save: path is a str, encoding is an optional str, data is a str, "
             "mode is a str, load returns a str and save returns None.")
    # Another region's parameters and return value are left out; what both use stays.
    assert instruction_for(asked, {"load"}, named, load, save) == \
        "Add type hints to load: path is a str, encoding is an optional str and load returns a str."
    assert instruction_for(asked, {"save"}, named, save, load) == \
        "Add type hints to save: path is a str, data is a str, mode is a str and save returns None."
    # "Both" said of one function is said of it by name.
    assert instruction_for("Document load and save: both take a path, and both must name the encoding they use.",
                           {"save"}, named, save, load) == \
        "Document save: save takes a path and save must name the encoding they use."
    # Details of another shape, or none that speak of another region, stay as they are.
    assert instruction_for("Add docstrings to load and save: keep them short.", {"load"}, named, load, save) == \
        "Add docstrings to load: keep them short."
    assert instruction_for("In load, use pathlib: path is a str.", {"load"}, named, load, save) == \
        "In load, use pathlib: path is a str."
    # Two subjects, one of them another region's; a clause that leaves out its verb; "the" before a subject.
    assert instruction_for("Add type hints to load and save: path and data are str, mode a str, the encoding is "
                           "optional, and both return str.", {"load"}, named, load, save) == \
        "Add type hints to load: path is str, the encoding is optional and load returns str."
    # Words of another region's strings or comments are no names of it; "and" inside a clause splits nothing.
    assert instruction_for("Add type hints to load and save: the result is a list of str and int, and save returns "
                           "None.", {"load"}, named, load, save | {"result"} - {"result"}) == \
        "Add type hints to load: the result is a list of str and int."
    # Without the regions' names (one definition, or a drafted region) only lists are cut.
    assert instruction_for(asked, {"load"}, named) == asked.replace("load and save", "load")


def test_the_prompt_of_one_of_several_named_definitions_names_that_one():
    from types import SimpleNamespace

    from lsp_server.config import Settings
    from lsp_server.engine.engine import Engine
    from tests.scripted import ScriptedModel

    model = ScriptedModel({})
    model.info = SimpleNamespace(chat_template=None, embedded=True)
    engine = Engine(Settings(), model=model)
    request = build_request(PY, Task("edit", "Add type hints to route, deliver and summary."), path="m.py")
    shown = [bytes(engine.prepare(request, r).prompt_tokens).decode() for r in request.regions]
    assert [s.count("Change request: Add type hints to ") for s in shown] == [1, 1, 1]
    assert "Change request: Add type hints to deliver.\n" in shown[1]
    assert "Change request: Add type hints to summary.\n" in shown[2]


GO_UTIL = ('package util\n\nimport "strings"\n\n// Upper returns s in upper case.\nfunc Upper(s string) string {\n'
           '\treturn strings.ToUpper(s)\n}\n\n// legacyTrim trims spaces.\nfunc legacyTrim(s string) string {\n'
           '\treturn strings.TrimSpace(s)\n}\n\nfunc Lower(s string) string {\n\treturn strings.ToLower(Upper(s))\n}\n')


@pytest.mark.parametrize("instruction, names, expected", [
    ("Remove legacyTrim, it is unused.", ("legacyTrim",), True),
    ("Delete the print_shapes function.", ("print_shapes",), True),
    ("Drop `old_parse` since it is no longer used", ("old_parse",), True),
    ("Remove the unused helper _fmt; nothing calls it.", ("_fmt",), True),
    ("Remove the report method.", ("Store.report",), True),
    ("remove a and b", ("a", "b"), True),
    ("Remove it.", ("f",), True),  # the definitions given apart from the instruction (--symbol)
    # more than the definitions going, or not all of them
    ("Remove the print calls from report.", ("report",), False),
    ("Remove legacyTrim and use strings.TrimSpace instead.", ("legacyTrim",), False),
    ("Remove save's logging", ("save",), False),
    ("Remove a", ("a", "b"), False),
    ("Rename legacyTrim to trim.", ("legacyTrim",), False),
])
def test_a_request_that_only_removes_the_definitions_it_names_is_told_apart(instruction, names, expected):
    assert removes_only(instruction, names) is expected


def test_removing_a_definition_the_file_uses_elsewhere_rewrites_the_whole_file():
    assert named("Remove Upper.", GO_UTIL, "u.go") == []  # Lower calls it: that call must change too
    assert named("Remove legacyTrim, it is unused.", GO_UTIL, "u.go") == ["legacyTrim"]
    assert named("Add a doc comment to Upper.", GO_UTIL, "u.go") == ["Upper"]


def test_removing_named_definitions_asks_no_model_and_takes_one_blank_line_along():
    request = build_request(GO_UTIL, Task("edit", "Remove legacyTrim, it is unused."), path="u.go")
    assert request.removes and request.definitions == ("legacyTrim",)
    result = Engine(Settings(), model=ScriptedModel({})).edit(request)  # a model asked would have no answer
    assert result.text == GO_UTIL.replace(GO_UTIL[GO_UTIL.index("// legacyTrim"):GO_UTIL.index("func Lower")], "")
    assert result.stats.stop_reason == "removed" and result.stats.output_tokens == 0 and not result.problems


def test_a_plain_name_after_remove_at_a_sentence_start_is_the_definition_that_goes():
    text = "def keep(a):\n    return a\n\n\n# old printing\ndef dump(a):\n    print(a)\n\n\ndef other():\n    return 1\n"
    request = build_request(text, Task("edit", "Remove dump."), path="m.py")
    assert request.removes and request.definitions == ("dump",)
    result = Engine(Settings(), model=ScriptedModel({})).edit(request)  # a model asked would have no answer
    assert result.text == text.replace("# old printing\ndef dump(a):\n    print(a)\n\n\n", "")


def test_a_cursor_or_selection_on_a_definition_asked_away_removes_it_with_its_comment():
    from lsp_server.actions import plan_edit

    text = GO_UTIL
    removed = text[text.index("// legacyTrim"):text.index("func Lower")]
    for needle, instruction in [("legacyTrim(s", "Remove this function."), ("strings.TrimSpace", "Delete this function"),
                                ("legacyTrim(s", "Remove legacyTrim, it is unused.")]:
        at = text.index(needle)
        request = plan_edit(text, "u.go", "go", instruction, (at, at)).request
        assert request.removes and [text[r.start:r.end] for r in request.regions] == [removed.rstrip("\n") + "\n"]
    whole = plan_edit(text, "u.go", "go", "Remove these functions.", (text.index("// Upper"), text.index("func Lower"))).request
    assert whole.removes
    # a statement asked away, or a class named where the cursor is in a function: the model decides
    at = text.index("strings.TrimSpace")
    assert not plan_edit(text, "u.go", "go", "Remove this.", (at, at)).request.removes
    assert not plan_edit(text, "u.go", "go", "Remove this class.", (at, at)).request.removes
    assert not plan_edit(text, "u.go", "go", "Remove this function and its comment about spaces.", (at, at)).request.removes


def test_a_name_two_definitions_have_is_not_removed_without_the_model():
    text = ("class Store:\n    def save(self):\n        return 1\n\n\nclass Cache:\n    def save(self):\n        return 2\n")
    assert not build_request(text, Task("edit", "Remove the save method."), path="m.py").removes
    assert build_request(text, Task("edit", "Remove the save method.", symbol="Cache.save"), path="m.py").removes


@pytest.mark.parametrize("instruction", [
    "Remove old_parse, it is unused, and make main print a summary.",
    "Delete old_parse since it's no longer used; also print os.getcwd() at the start of the program",
    "Remove old_parse (it is unused) and add a new_parse that returns 2",
])
def test_a_removal_that_asks_for_more_after_its_reason_is_the_models(instruction):
    assert not removes_only(instruction, ("old_parse",))
    assert removes_only("Remove old_parse, it is not used any more.", ("old_parse",))


def test_only_the_definition_asked_away_goes_never_the_class_around_it_nor_the_whole_file():
    from lsp_server.actions import plan_edit

    java = ("public class Foo {\n    private int x;\n\n    public Foo() {\n        x = 1;\n    }\n\n"
            "    public int get() {\n        return x;\n    }\n}\n")
    at = java.index("x = 1")
    request = plan_edit(java, "Foo.java", "java", "Remove this method.", (at, at)).request
    assert request.removes and [java[r.start:r.end] for r in request.regions] == ["    public Foo() {\n        x = 1;\n    }\n"]
    at = java.index("class Foo")  # the cursor's node is the class: not a method
    assert not plan_edit(java, "Foo.java", "java", "Remove this method.", (at, at)).request.removes
    two = "def a():\n    return 1\n\n\ndef b():\n    return 2\n"
    for instruction in ("Remove this function.", "Delete these functions, they are unused"):
        assert not plan_edit(two, "m.py", "python", instruction, None).request.removes  # no selection: the file
    mac = "func legacy() {}\r\rfunc Keep() int { return 1 }\r"  # lone \r line breaks: syntax/ sees one line
    assert not build_request(mac, Task("edit", "Remove legacy, it is unused."), path="m.go").removes


def test_a_class_or_function_used_elsewhere_is_removed_with_its_uses_but_other_requests_stay_narrowed():
    py = "class Shape:\n    pass\n\n\nclass Circle(Shape):\n    pass\n\n\ndef area(c):\n    return 1\n\n\nprint(area(Circle()))\n"
    assert named("Remove the Shape class.", py) == []  # Circle derives from it
    assert named("Remove the debug print from area.", py) == ["area"]  # area is called, but stays
    assert named("Add a dropout argument to area.", py) == ["area"]


def test_a_narrowed_removal_redone_on_the_whole_file_asks_the_model():
    from lsp_server.engine.request import EditRequest, Region

    text = "def a():\n    return 1\n\n\ndef b():\n    return 2\n\n\nX = a\n"
    whole = "def b():\n    return 2\n\n\nX = b\n"
    request = EditRequest(text, "Remove a.", [Region(0, text.index("def b"))], path="m.py", definitions=("a",),
                          narrowed=True, removes=True)
    result = Engine(Settings(), model=ScriptedModel({text: whole})).edit(request)
    assert result.text == whole and result.widened_for == ["a"]  # not an empty file


def test_review_cases_of_names_means_and_owners():
    from lsp_server.engine.asked import asked_names, asked_unwritten
    assert asked_names("Add a $fetch function that wraps fetch") == {"$fetch"}  # no crash on `$`
    assert asked_unwritten("Add a cleanup() function call at the end of route.", "from u import cleanup\ncleanup()\n",
                           syntax.language_for("m.py")) == set()  # a call, not a definition asked for
    assert named("Make deliver use a single module-level cache.") == []  # not a library: module-level code
    assert named("Make deliver log through a shared module logger.") == []
    assert named("Make deliver's load call pass a timeout.") == ["deliver"]  # a function's possessive: that function


CSS = (":root {\n  --gap: 8px;\n  --ink: #222;\n}\n\n@media (min-width: 600px) {\n  :root {\n    --gap: 12px;\n  }\n}\n\n"
       ".night {\n  --ink: #eee;\n}\n\n.card {\n  padding: var(--gap);\n  margin: calc(var(--gap) * 2);\n}\n\n"
       "/* --ink is the text colour */\n.card-title {\n  color: var(--ink);\n}\n")


def lines_of(text: str, request) -> list[str]:
    return [text[r.start:r.end] for r in request.regions]


def test_a_stylesheet_request_rewrites_the_statements_that_hold_what_it_names():
    # a custom property: where it is declared, not where it is used
    request = build_request(CSS, Task("edit", "Set --ink to #111."), path="s.css")
    assert request.narrowed and lines_of(CSS, request) == ["  --ink: #222;\n", "  --ink: #eee;\n"]
    # a name that a rule's head holds says which rule: inside it, what holds the others
    request = build_request(CSS, Task("edit", "Set --ink in :root to #000."), path="s.css")
    assert lines_of(CSS, request) == ["  --ink: #222;\n"]
    # a name given as a place: the statement around it (shown the one line, the model wrote it back)
    request = build_request(CSS, Task("edit", "Add --line after --ink in :root."), path="s.css")
    assert lines_of(CSS, request) == [CSS[:CSS.index("\n\n") + 1]]
    request = build_request(CSS, Task("edit", "Add --line: 1px after --ink."), path="s.css")  # the rules' insides
    assert lines_of(CSS, request) == ["  --gap: 8px;\n  --ink: #222;\n", "  --ink: #eee;\n"]
    request = build_request(CSS, Task("edit", "Change the --ink colour in .night to #fff."), path="s.css")
    assert lines_of(CSS, request) == ["  --ink: #eee;\n"]
    # a selector: its rule, whole; `.card` is not `.card-title`
    request = build_request(CSS, Task("edit", "Give .card a border."), path="s.css")
    assert lines_of(CSS, request) == [".card {\n  padding: var(--gap);\n  margin: calc(var(--gap) * 2);\n}\n"]
    # a rename reaches the uses too, each its own statement (those on touching lines one region)
    request = build_request(CSS, Task("edit", "Rename --gap to --space."), path="s.css")
    assert lines_of(CSS, request) == ["  --gap: 8px;\n", "    --gap: 12px;\n",
                                      "  padding: var(--gap);\n  margin: calc(var(--gap) * 2);\n"]
    # nothing it names, a name only a comment has, or a language with definitions: the whole file
    for instruction in ("Make the colours warmer.", "Use the font-weight bold.", "Rename the ink-colour comment."):
        assert build_request(CSS, Task("edit", instruction), path="s.css").regions[0].end == len(CSS), instruction
    assert not build_request("x = {'--gap': 1}\n", Task("edit", "Set --gap to 2."), path="m.py").narrowed


def test_a_types_methods_named_by_the_type_are_the_methods_that_say_it():
    go = ("package doc\n\n// Force it.\nfunc force(s string) string {\n\treturn s\n}\n\ntype byName []string\n\n"
          "func (s byName) Len() int           { return len(s) }\nfunc (s byName) Swap(i, j int)      { s[i], s[j] = s[j], s[i] }\n"
          "\nfunc (s byName) Less(i, j int) bool { return s[i] < s[j] }\n")
    for instruction in ("Add doc comments to the byName methods.", "Add doc comments to byName's methods.",
                        "Add doc comments to the methods of byName."):
        request = build_request(go, Task("edit", instruction), path="d.go")
        assert request.definitions == ("byName.Len", "byName.Swap", "byName.Less"), instruction
        assert lines_of(go, request) == [go[go.index("func (s byName) Len"):]]  # one type's: one region
    assert named("Add doc comments to the string methods.", go, "d.go") == []  # a plain word names no type


def test_a_ruby_name_may_end_with_a_question_mark_and_a_question_does_not_make_one():
    rb = ("class Map\n  def remap(map)\n    @map = map\n  end\n\n  private\n  def casecmp?(a, b)\n"
          "    return true if a == b\n    a.casecmp(b).zero?\n  end\nend\n")
    assert named("Simplify casecmp? using String#casecmp?.", rb, "m.rb") == ["casecmp?"]  # String's is the library's
    assert named("Can you add a comment to remap?", rb, "m.rb") == ["remap"]
    assert named("Can you add a docstring to route?") == ["route"]
    assert build_request(rb, Task("edit", "Rename casecmp? to same?"), path="m.rb").draft_led  # a rename a tool drafts


def test_a_request_that_points_at_code_by_its_text_rewrites_the_definition_that_holds_it():
    rs = ('fn show(f: &mut F) {\n    write!(f, "\\n\\nCaused by:")?;\n    for c in causes {\n        write!(f, "{}", c)?;\n'
          '    }\n}\n\n// Capitalize to match "Caused by:"\nfn head(f: &mut F) {\n    write!(f, "Stack backtrace:")?;\n}\n')
    def lines(instruction):
        request = build_request(rs, Task("edit", instruction), path="f.rs")
        return request.definitions, [rs[r.start:r.end].split("\n")[0] for r in request.regions]
    # words of one string (a comment's aside), or a quoted text the code has once
    assert lines("Add a comment above the Caused by loop.") == (("show",), ["fn show(f: &mut F) {"])
    assert lines('Make the "Stack backtrace:" heading bold.') == (("head",), ['// Capitalize to match "Caused by:"'])
    # words no string holds, a text in two places, or words that reach further: the whole file
    for instruction in ("Add a comment above the loop.", 'Print "{}" twice.', "Make every Caused by heading bold."):
        request = build_request(rs, Task("edit", instruction), path="f.rs")
        assert not request.definitions and request.regions[0].end == len(rs), instruction


def test_what_a_reviewer_found_the_new_rules_took_too_far():
    # plain words that happen to be in one string point at nothing; a capital inside the sentence does
    db = 'def connect():\n    print("Connecting to the database")\n\n\ndef fetch_user(i):\n    return i\n'
    for instruction in ("Add type hints to the user functions", "Add error handling to the database calls"):
        assert build_request(db, Task("edit", instruction), path="db.py").regions[0].end == len(db), instruction
    assert build_request(db, Task("edit", "Make the Connecting to the database message shorter."),
                         path="db.py").definitions == ("connect",)
    # a property word is no selector; a class said only inside another selector is a rule still to write
    css = "body {\n  margin: 0;\n}\n\nh1 {\n  background-color: #eee;\n}\n\n.card .title {\n  color: red;\n}\n"
    for instruction in ("Add a background-color to the body", "Give .card a border"):
        assert build_request(css, Task("edit", instruction), path="a.css").regions[0].end == len(css), instruction
    # JSON: a key, where it is the key; removed, in the object around it; moved, the whole file
    pj = ('{\n  "scripts": {\n    "build": "tsc",\n    "test": "npm run lint && jest",\n    "lint": "eslint ."\n  },\n'
          '  "dependencies": {\n    "left-pad": "1.0.0"\n  }\n}\n')
    assert lines_of(pj, build_request(pj, Task("edit", "Change the `build` script to tsc -p ."), path="package.json")) == [
        '    "build": "tsc",\n']
    # (the object's members, not its braces: shown `"scripts": {...},`, the 1.5B dropped the comma after `}`)
    assert lines_of(pj, build_request(pj, Task("edit", "Remove the `lint` script."), path="package.json")) == [
        '    "build": "tsc",\n    "test": "npm run lint && jest",\n    "lint": "eslint ."\n']
    for instruction in ("Move `left-pad` to devDependencies.", "Add a `format` script that runs prettier."):
        assert build_request(pj, Task("edit", instruction), path="package.json").regions[0].end == len(pj), instruction
    # an instance's method is the file's (`cart.total`); a sentence's first word names no trait (`impl Add`)
    py = "class Cart:\n    def total(self):\n        return 1\n\n\ndef other():\n    pass\n"
    assert named("Make cart.total round to cents.", py) == ["cart.total"]
    rs = ("struct Point { x: i32 }\n\nimpl Point {\n    fn new() -> Self { Point { x: 0 } }\n}\n\n"
          "impl Add for Point {\n    fn add(self, o: Point) -> Point { o }\n}\n")
    request = build_request(rs, Task("edit", "Add a `length` method to Point."), path="p.rs")
    assert [rs[r.start:r.end].split("\n")[0] for r in request.regions] == ["    fn new() -> Self { Point { x: 0 } }"]
    # a type's methods: those it receives, not a function that takes or returns one
    go = ("package d\n\nfunc newByName(xs []string) byName { return xs }\n\ntype byName []string\n\n"
          "// Len of byName.\nfunc (s byName) Len() int { return len(s) }\n")
    assert named("Add doc comments to the byName methods.", go, "d.go") == ["byName.Len"]


def test_a_go_structs_methods_named_by_it_are_its_receivers():
    go = ("package s\n\ntype Server struct {\n\tAddr string\n}\n\nfunc (s *Server) Start() error {\n\treturn nil\n}\n\n"
          "func (s *Server) Stop() error {\n\treturn nil\n}\n\nfunc helper() {}\n")
    request = build_request(go, Task("edit", "Make the Server methods return wrapped errors."), path="s.go")
    assert request.definitions == ("Server.Start", "Server.Stop")
    assert lines_of(go, request) == [go[go.index("func (s *Server) Start"):go.index("\n\nfunc helper") + 1]]
    assert named("Add a Timeout field to Server.", go, "s.go") == ["Server"]  # the struct itself
    py = "class Depot:\n    def route(self):\n        pass\n\n    def load(self):\n        pass\n\n\ndef other():\n    pass\n"
    assert named("Add docstrings to the Depot methods.", py) == ["Depot"]  # a class's methods are its block's


def test_quoted_text_that_is_no_bare_name_names_nothing_and_attributes_are_code():
    java = ("class Regex {\n    Regex() {}\n\n    public String toString() {\n        return p.toString();\n    }\n}\n")
    lang = syntax.language_for("Regex.java")
    assert named_definitions('Make toString prefix the pattern with "Regex:".', java, lang) == ["toString"]
    assert named_definitions("Make toString return 'Regex: ' + the pattern.", java, lang) == ["toString"]
    assert named_definitions('Add a Javadoc comment to "toString".', java, lang) == ["toString"]  # a name, quoted
    rust = "fn escape(b: &[u8]) -> String {\n    String::new()\n}\n\nfn unescape(s: &str) -> Vec<u8> {\n    vec![]\n}\n"
    # `#[inline]` is code: not the word that asks to inline a function into its callers (the whole file)
    assert named_definitions("Mark escape and unescape with #[inline].", rust, syntax.language_for("e.rs")) == [
        "escape", "unescape"]
    assert named_definitions("Inline escape into its callers.", rust, syntax.language_for("e.rs")) == []
    # "Give X a ...": X is what changes, as after "Make"
    assert named_definitions("Give unescape a docstring example.", rust, syntax.language_for("e.rs")) == ["unescape"]


def test_a_classes_destructor_is_named_by_the_class_and_the_word():
    cpp = "Arena::Arena() : n_(0) {}\n\nArena::~Arena() {\n  for (size_t i = 0; i < n_; i++) delete[] b_[i];\n}\n"
    lang = syntax.language_for("arena.cc")
    for instruction in ("Use a range-based for loop in the Arena destructor.", "Make the destructor of Arena log.",
                        "Make Arena's destructor free blocks in reverse."):
        assert named_definitions(instruction, cpp, lang) == ["~Arena"], instruction
    assert named_definitions("Initialize n_ to 1 in the Arena constructor.", cpp, lang) == ["Arena"]


def test_what_the_review_found_quoted_names_and_calls_stay_names_and_quoted_words_ask_nothing():
    py = "class Stack:\n    def push(self, x):\n        pass\n\n\ndef parse(s):\n    return s\n\n\ndef log(m):\n    print(m)\n"
    lang = syntax.language_for("m.py")
    assert named_definitions('Add a docstring to "Stack.push".', py, lang) == ["Stack.push"]
    assert named_definitions('In parse, replace the "file" word with "path".', py, lang) == ["parse"]
    assert named_definitions("Mark log calls in parse with a TODO comment.", py, lang) == ["parse"]


def test_a_definition_is_declared_past_the_comments_attributes_and_decorators_above_it():
    from lsp_server.engine.scope import declared_at, opening
    from lsp_server.engine.request import Region
    py = "class C:\n    # x is the count\n    @x.setter\n    def x(self, value):\n        self._x = value\n"
    source = py.encode()
    at = declared_at(source, py.index("    # x"), len(py), "x")
    assert at == py.index("def x") + len("def ")
    # a retry's opening runs through that name, not through the decorator's
    assert opening(py, Region(py.index("    # x"), len(py)), syntax.language_for("c.py")) == (
        "    # x is the count\n    @x.setter\n    def x")
