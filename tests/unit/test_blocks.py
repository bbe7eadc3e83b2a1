"""A type's several blocks (a Rust enum and its impls): which one a request is about."""

import pytest

from lsp_server import syntax
from lsp_server.engine import blocks
from lsp_server.engine.tasks import build_request, task_from

RS = '''use std::fmt;

/// A reading.
pub enum Reading {
    Missing,
    Celsius(f64),
}

impl fmt::Display for Reading {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.celsius())
    }
}

impl Reading {
    pub fn celsius(&self) -> Option<f64> {
        match self {
            Reading::Celsius(c) => Some(*c),
            _ => None,
        }
    }

    pub fn is_missing(&self) -> bool {
        matches!(self, Reading::Missing)
    }
}

impl From<f64> for Reading {
    fn from(c: f64) -> Self {
        Reading::Celsius(c)
    }
}
'''


def regions(instruction: str, text: str = RS, path: str = "r.rs") -> list[str]:
    request = build_request(text, task_from(instruction=instruction), path=path)
    return [text[r.start:r.end].splitlines()[0 if not text[r.start:r.end].startswith("///") else 1] for r in request.regions]


@pytest.mark.parametrize("instruction", [
    "Add a fahrenheit method to Reading that converts celsius.",
    "Add an is_freezing method to Reading, like is_missing.",
])
def test_a_new_method_goes_after_the_last_method_of_the_block_that_holds_the_types_methods(instruction):
    assert regions(instruction) == ["    pub fn is_missing(&self) -> bool {"]


def test_a_request_for_a_method_that_names_none_new_is_the_whole_block():
    assert regions("Give Reading a method that says whether the reading is below zero.") == ["impl Reading {"]


@pytest.mark.parametrize("instruction", ["Add a doc comment to Reading saying it is in Celsius.",
                                         "Derive Debug and Clone for Reading."])
def test_what_attaches_above_a_type_goes_on_its_declaration(instruction):
    assert regions(instruction) == ["pub enum Reading {"]


def test_other_requests_about_a_type_keep_all_its_blocks():
    request = build_request(RS, task_from(instruction="Rename the Missing variant of Reading to Unknown."), path="r.rs")
    assert [(r.start, r.end) for r in request.regions] == [(RS.index("/// A reading."), len(RS))]


def test_a_name_given_as_a_model_to_follow_is_not_what_changes():
    # "like is_missing": the request is about celsius alone
    assert regions("Make celsius return None for NaN, like is_missing does for Missing.") == [
        "    pub fn celsius(&self) -> Option<f64> {"]


PY = "class Reading:\n    def celsius(self):\n        return 1.0\n\n    def kelvin(self):\n        return 2.0\n\n\ndef other():\n    return 2\n"


@pytest.mark.parametrize("instruction", ["Add a fahrenheit method to Reading.",
                                         "Add fahrenheit and rankine methods to Reading.",
                                         "Write a getter for the scale in Reading."])
def test_a_new_method_of_a_class_of_one_block_goes_after_its_last_method(instruction):
    assert regions(instruction, PY, "r.py") == ["    def kelvin(self):"]


@pytest.mark.parametrize("instruction", ["Add type hints to the methods of Reading.",
                                         "Add a docstring to each method of Reading.",
                                         "Add an __init__ method to Reading that takes the scale.",
                                         "Add a constructor function to Reading.",
                                         "Make Reading round its values."])
def test_other_requests_about_a_class_of_one_block_are_that_block(instruction):
    assert regions(instruction, PY, "r.py") == ["class Reading:"]


def test_a_class_without_methods_is_the_class():
    assert regions("Add a size method to Empty.", "class Empty:\n    pass\n", "e.py") == ["class Empty:"]


def test_a_nested_class_method_is_not_the_last_method_and_a_second_request_keeps_the_class():
    nested = "class A:\n    def f(self):\n        return 1\n\n    class Meta:\n        def g(self):\n            return 2\n"
    assert regions("Add a method h to A.", nested, "a.py") == ["    def f(self):"]
    assert regions("Add a fahrenheit method to Reading. Then rename kelvin to k.", PY, "r.py") == ["class Reading:"]


CHECK = ("package cobra\n\nimport \"fmt\"\n\nfunc Other() {}\n\n// CheckErr prints msg and exits.\nfunc CheckErr(msg interface{}) {\n"
         "\tif msg != nil {\n\t\tfmt.Println(msg)\n\t}\n}\n")
CHECKF = "func CheckErrf(format string, args ...interface{}) {\n\tCheckErr(fmt.Sprintf(format, args...))\n}\n"


def test_a_new_function_asked_for_written_in_place_of_the_regions_goes_beside_it():
    from lsp_server import syntax
    from lsp_server.engine.keep import Keeper
    from lsp_server.errors import EditError
    start = CHECK.index("// CheckErr")
    go = syntax.language_for("c.go")
    keeper = Keeper(CHECK, start, len(CHECK), "Add a CheckErrf function that formats its message and calls CheckErr.", go)
    assert keeper.final(CHECKF)[0] == CHECK[start:] + "\n" + CHECKF
    # Python: as far apart as the region is from the code above it
    py = "import sys\n\n\ndef check(msg):\n    print(msg)\n"
    keeper = Keeper(py, py.index("def"), len(py), "Write a `checkf` function that calls check.", syntax.language_for("c.py"))
    assert keeper.final("def checkf(fmt, *args):\n    check(fmt % args)\n")[0] == (
        "def check(msg):\n    print(msg)\n\n\ndef checkf(fmt, *args):\n    check(fmt % args)\n")
    # A request for no new definition, or one the answer did not write, is still refused.
    for instruction in ("Make CheckErr print to stderr.", "Add a Fatal function that calls CheckErr."):
        with pytest.raises(EditError, match="no longer defines CheckErr"):
            Keeper(CHECK, start, len(CHECK), instruction, go).final(CHECKF)


def _big_c() -> str:
    filler = "".join(f"/* Helper number {i}. */\nint helper_{i}(int x) {{\n    return x + {i};\n}}\n\n" for i in range(100))
    return ("#include <ctype.h>\n\n" + filler + "/* Lower it. */\nvoid strtolower(char *s) {\n    for (; *s; s++) *s = tolower(*s);\n}\n\n"
            "/* Upper it. */\nvoid strtoupper(char *s) {\n    for (; *s; s++) *s = toupper(*s);\n}\n\nint main(void) {\n    return 0;\n}\n")


TITLE = "/* Title it. */\nvoid strtotitle(char *s) {\n    if (*s) *s = toupper(*s);\n    strtolower(s + 1);\n}\n"


def test_a_new_function_for_a_large_file_goes_after_the_one_named_most_like_it():
    from lsp_server.engine.asked import insertion_after
    from tests.unit.test_engine import chat_engine
    text = _big_c()
    c = syntax.language_for("s.c")
    instruction = "Add an strtotitle function that uppercases the first character and lowercases the rest."
    assert insertion_after(instruction, text, c) == ("strtoupper", text.index("/* Upper it."))
    request = build_request(text, task_from(instruction), path="s.c")
    region = request.regions[0]
    assert region.lead == text[region.start:region.end] == "/* Upper it. */\nvoid strtoupper(char *s) {\n" \
        "    for (; *s; s++) *s = toupper(*s);\n}\n\n"
    # the model goes on after the lead; it wrote strtolower again first: that copy goes, the blank line stays
    again = "/* Lower it. */\nvoid strtolower(char *s) {\n    for (; *s; s++) *s = tolower(*s);\n}\n\n"
    result = chat_engine(request, again + TITLE).edit(request)
    assert result.text == text.replace("int main(void)", TITLE + "\nint main(void)")
    # nothing written after the lead is no change, never the function gone
    assert not chat_engine(request, "").edit(request).changed
    # not where the file is small, the request names a definition (a place), or no name is like the new one
    assert insertion_after(instruction, text[-400:], c) is None
    assert insertion_after("Add an strtotitle function after main.", text, c) is None
    assert insertion_after("Add a capitalize function.", text, c) is None


def test_no_new_function_beside_an_answer_that_also_rewrote_the_regions_other_definitions():
    from lsp_server.engine.keep import Keeper
    from lsp_server.errors import EditError
    go = syntax.language_for("c.go")
    start = CHECK.index("func Other")
    answer = "func Other() { fmt.Println(\"hello\") }\n\n" + CHECKF
    with pytest.raises(EditError, match="no longer defines CheckErr"):
        Keeper(CHECK, start, len(CHECK), "Make Other print hello, and add a CheckErrf function that calls CheckErr.",
               go).final(answer)


def test_where_a_new_function_does_not_go_after_the_one_named_like_it():
    from lsp_server.engine.asked import insertion_after
    from tests.unit.test_engine import ScriptedModel, Engine, Settings
    from lsp_server.errors import EditError
    text, c = _big_c(), syntax.language_for("s.c")
    for instruction in ("Add a callback function parameter to strtoupper.",  # a part of one, not a new one
                        "Add a new function that lowercases it.",  # no name of its own
                        "Add an strtotitle function at the end of the file.",  # a place given
                        "Add a helpful function that pads it."):  # a plain word that starts as helper_0 does, barely
        assert insertion_after(instruction, text, c) is None, instruction
    # a backend that cannot open the answer with the function (a base model's completion prompt) says so
    request = build_request(text, task_from("Add an strtotitle function that uppercases the first character."), path="s.c")
    engine = Engine(Settings(), model=ScriptedModel({text[r.start:r.end]: TITLE for r in request.regions}))
    with pytest.raises(EditError, match="would go after strtoupper"):
        engine.edit(request)


def test_a_block_whose_head_names_what_the_request_names_is_the_one():
    # the trait of an impl; a generic type's impls are its blocks too (`impl<C> Debug for Quoted<C>`)
    assert regions("Make Reading's Display print the value in Fahrenheit.") == ["impl fmt::Display for Reading {"]
    generic = ("struct Quoted<C>(C);\n\nimpl<C> Debug for Quoted<C> {\n    fn fmt(&self) {}\n}\n\n"
               "impl Write for Quoted<&mut String> {\n    fn write_str(&mut self) {}\n}\n")
    assert regions("Make Quoted's Debug write single quotes.", generic) == ["impl<C> Debug for Quoted<C> {"]
    assert regions("Make Quoted public.", generic) == ["struct Quoted<C>(C);"]  # all three, one region
    assert len(build_request(generic, task_from(instruction="Make Quoted public."), path="q.rs").regions[0:2]) == 1


AUTH = ('package gin\n\nimport "strconv"\n\nfunc ForRealm(realm string) string {\n\tif realm == "" {\n\t\trealm = "Required"\n\t}\n'
        '\treturn "Basic realm=" + strconv.Quote(realm)\n}\n\nfunc ForProxy(realm string) string {\n\tif realm == "" {\n'
        '\t\trealm = "Proxy Required"\n\t}\n\treturn "Basic realm=" + strconv.Quote(realm)\n}\n')
QUOTED = 'func quotedRealm(realm string) string {\n\treturn "Basic realm=" + strconv.Quote(realm)\n}\n'


def test_extracting_a_helper_keeps_the_definitions_it_comes_from_and_refuses_an_answer_that_wrote_over_one():
    from lsp_server.engine.keep import Keeper
    from lsp_server.errors import EditError
    go = syntax.language_for("auth.go")
    start, end = AUTH.index("func ForRealm"), AUTH.index("func ForProxy")
    instruction = "Extract the realm quoting shared by ForRealm and ForProxy into a helper named quotedRealm."
    keeper = Keeper(AUTH, start, end, instruction, go)
    assert keeper.extracting and not keeper.removing
    with pytest.raises(EditError, match="no longer defines ForRealm"):  # not put back beside it, unchanged
        keeper.final(QUOTED + "\n")
    calls = AUTH[start:end].replace('"Basic realm=" + strconv.Quote(realm)', "quotedRealm(realm)")
    assert keeper.final(calls + "\n" + QUOTED + "\n")[0] == calls + "\n" + QUOTED + "\n"
    # moving or removing code besides, or no helper named: taken at its word, as before
    for words in ("Extract ForRealm into a helper named quotedRealm and remove ForProxy.", "Extract ForRealm into realm.go."):
        assert not Keeper(AUTH, start, end, words, go).extracting


def test_a_definition_written_twice_is_one_the_original_had_fewer_of_with_that_line():
    go = syntax.language_for("auth.go")
    twice = AUTH.replace("func ForRealm", QUOTED + "\nfunc ForRealm").replace("func ForProxy", QUOTED + "\nfunc ForProxy")
    assert blocks.written_twice(AUTH, twice, go) == ["quotedRealm"]
    assert blocks.written_twice(AUTH, AUTH.replace("func ForProxy", QUOTED + "\nfunc ForProxy"), go) == []
    # a method of two types, a getter and its setter: lines of their own
    methods = "package b\n\ntype a struct{}\ntype b struct{}\n\nfunc (a) Name() string {\n\treturn \"a\"\n}\n"
    assert blocks.written_twice(methods, methods + "\nfunc (b) Name() string {\n\treturn \"b\"\n}\n", go) == []
    prop = "class C:\n    @property\n    def x(self):\n        return self._x\n"
    setter = prop + "\n    @x.setter\n    def x(self, value):\n        self._x = value\n"
    assert blocks.written_twice(prop, setter, syntax.language_for("c.py")) == []
    assert blocks.written_twice(prop, prop + "\n    def x(self):\n        return 1\n", syntax.language_for("c.py")) == ["x"]
    # the same method in two classes or two impls: each in its own (the review's)
    two = "class Stack:\n    def __init__(self):\n        self.items = []\n\n\nclass Queue:\n    pass\n"
    assert blocks.written_twice(two, two.replace("    pass", "    def __init__(self):\n        self.items = []"),
                                syntax.language_for("q.py")) == []
    display = "impl fmt::Display for A {\n    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {\n        Ok(())\n    }\n}\n"
    for other in ("impl fmt::Debug for A {", "impl fmt::Display for B {"):
        both = display + "\n" + display.replace("impl fmt::Display for A {", other)
        assert blocks.written_twice(display, both, syntax.language_for("a.rs")) == []
