"""edit_scope and identifier_at: enclosing functions in every language, unions, fallbacks."""

from pathlib import Path

import pytest

from lsp_server.syntax import doc_sites, edit_scope, identifier_at, language_for

DATA = Path(__file__).resolve().parents[1] / "data" / "syntax"

# sample file, text the cursor sits in (the function's name), 1-based first and last line of the function.
FUNCTIONS = [
    ("sample.py", b"greet(name):", 15, 19),
    ("sample.js", b"greet(name) {", 14, 20),
    ("sample.ts", b"greet(name: string)", 16, 22),
    ("sample.tsx", b"greet(name: string)", 6, 9),
    ("sample.go", b"greet(name string)", 14, 20),
    ("sample.rs", b"greet(name: &str)", 14, 20),
    ("sample.c", b"greet(const char", 8, 15),
    ("sample.cpp", b"greet(const std", 12, 18),
    ("sample.java", b"greet(String name)", 11, 18),
    ("sample.sh", b"greet() {", 5, 11),
    ("sample.rb", b"greet(name)", 10, 16),
]


def _lines(source: bytes, first: int, last: int) -> tuple[int, int]:
    lines = source.splitlines(keepends=True)
    start = sum(len(line) for line in lines[: first - 1])
    return start, start + sum(len(line) for line in lines[first - 1 : last])


@pytest.mark.parametrize("name, needle, first, last", FUNCTIONS)
def test_cursor_on_function_name_scopes_the_whole_function(name, needle, first, last):
    source = (DATA / name).read_bytes()
    cursor = source.index(needle) + 2
    assert edit_scope(source, language_for(name), cursor, cursor, 100_000) == _lines(source, first, last)


@pytest.mark.parametrize("name, needle, first, last", FUNCTIONS)
def test_selection_inside_function_signature_scopes_the_function(name, needle, first, last):
    source = (DATA / name).read_bytes()
    start = source.index(needle)
    assert edit_scope(source, language_for(name), start, start + 5, 100_000) == _lines(source, first, last)


PY = (DATA / "sample.py").read_bytes()
PYTHON = language_for("a.py")


def test_cursor_in_a_statement_scopes_that_statement():
    cursor = PY.index(b"print(message)") + 3
    start, end = edit_scope(PY, PYTHON, cursor, cursor, 100_000)
    assert PY[start:end] == b"        print(message)\n"


def test_selection_across_statements_scopes_the_whole_statements():
    start, end = PY.index(b"message = "), PY.index(b"if name:") + 3
    scope = edit_scope(PY, PYTHON, start, end, 100_000)
    assert PY[scope[0] : scope[1]] == b'    message = "Hello, " + name\n    if name:\n        print(message)\n'


def test_decorated_method_includes_its_decorator():
    cursor = PY.index(b"shout")
    start, end = edit_scope(PY, PYTHON, cursor, cursor, 100_000)
    assert PY[start:end] == b"    @staticmethod\n    def shout(text):\n        return text.upper()\n"


def test_class_for_cursor_on_class_name():
    cursor = PY.index(b"Greeter")
    start, end = edit_scope(PY, PYTHON, cursor, cursor, 100_000)
    assert PY[start:end].startswith(b"class Greeter:\n") and PY[start:end].endswith(b"text.upper()\n")


def test_too_large_scope_falls_back_to_smaller_then_lines():
    cursor = PY.index(b"greet(name)")
    function = edit_scope(PY, PYTHON, cursor, cursor, 100_000)
    assert edit_scope(PY, PYTHON, cursor, cursor, function[1] - function[0] - 1) == _lines(PY, 15, 15)
    inner = PY.index(b"print(message)")
    assert edit_scope(PY, PYTHON, inner, inner, 10) == _lines(PY, 18, 18)  # even past max_bytes


def test_whole_file_selection_is_the_whole_file():
    assert edit_scope(PY, PYTHON, 0, len(PY), 10) == (0, len(PY))


def test_selection_ending_at_line_start_does_not_take_the_next_line():
    source = b"one\ntwo\nthree\n"
    assert edit_scope(source, language_for("x.txt"), 4, 8, 1000) == (4, 8)


@pytest.mark.parametrize(
    "start, end, expected",  # a cursor after the last '\n' is on the empty last line
    [(5, 5, (4, 8)), (0, 0, (0, 4)), (1, 6, (0, 8)), (9, 14, (8, 14)), (14, 14, (14, 14))],
)
def test_unknown_language_uses_whole_lines(start, end, expected):
    source = b"one\ntwo\nthree\n"
    assert edit_scope(source, language_for("x.txt"), start, end, 1000) == expected


def test_out_of_range_offsets_are_clipped():
    assert edit_scope(b"a = 1\n", PYTHON, 3, 99, 1000) == (0, 6)


@pytest.mark.parametrize(
    "name, needle, offset_in_needle, expected",
    [
        ("sample.py", b"self.name = name", 6, "name"),
        ("sample.py", b"message)", 0, "message"),
        ("sample.py", b"message)", 7, "message"),  # touching its end
        ("sample.js", b"this.name", 6, "name"),
        ("sample.go", b"fmt.Println", 5, "Println"),
        ("sample.rs", b"to_uppercase", 3, "to_uppercase"),
        ("sample.c", b"*name;", 2, "name"),
        ("sample.java", b"System.out", 1, "System"),
        ("sample.sh", b"$message", 3, "message"),
        ("sample.rb", b"@name = name", 2, "@name"),
        ("sample.css", b"padding", 2, "padding"),
        ("sample.json", b'"version"', 3, "version"),
    ],
)
def test_identifier_at(name, needle, offset_in_needle, expected):
    source = (DATA / name).read_bytes()
    offset = source.index(needle) + offset_in_needle
    start, end, text = identifier_at(source, language_for(name), offset)
    assert text == expected and source[start:end] == expected.encode()


def test_identifier_at_outside_a_name_is_none():
    assert identifier_at(b"x = (1 + 2)\n", PYTHON, 6) is None


def test_identifier_at_unknown_language_takes_the_word():
    assert identifier_at(b"hello wor_ld\n", language_for("a.txt"), 8) == (6, 12, "wor_ld")


def test_c_and_cpp_functions_are_definitions_by_the_name_their_declarator_declares():
    from lsp_server.syntax import definitions_named
    c = b'#include <stdio.h>\n\nstatic const char *name_of(int k) {\n    return "x";\n}\n\nint add(int a, int b) {\n    return a + b;\n}\n'
    assert [(u.name, u.start) for u in definitions_named(c, language_for("m.c"), "add")] == [("add", c.index(b"int add"))]
    assert definitions_named(c, language_for("m.c"), "name_of")[0].start == c.index(b"static")
    cpp = (b'class Stack {\npublic:\n    void push(int v) { items.push_back(v); }\n    ~Stack() {}\n    int size() const;\n};\n\n'
           b'int Stack::size() const { return 0; }\n\ntemplate <typename T>\nT twice(T v) { return v + v; }\n')
    lang = language_for("m.cpp")
    assert [u.start for u in definitions_named(cpp, lang, "push")] == [cpp.index(b"    void push")]
    assert [u.start for u in definitions_named(cpp, lang, "~Stack")] == [cpp.index(b"    ~Stack")]
    # the declaration in the class is not a definition; the one outside it is, once, as is a template
    assert [u.start for u in definitions_named(cpp, lang, "size")] == [cpp.index(b"int Stack::size")]
    assert [u.start for u in definitions_named(cpp, lang, "twice")] == [cpp.index(b"template")]
    assert [u.start for u in definitions_named(cpp, lang, "Stack")] == [0]


def test_javascript_functions_bound_to_a_name_are_definitions_by_that_name():
    from lsp_server.syntax import definitions_named
    js = (b"// Adds.\nconst add = (a, b) => a + b;\nvar mul = function (a, b) {\n  return a * b;\n};\n"
          b"Stack.prototype.push = function (v) {\n  this.items.push(v);\n};\nexports.parse = async (s) => s;\n"
          b"const api = {\n  fetch: function () {},\n  size: 3,\n};\nconst limit = 10;\n")
    lang = language_for("m.js")

    def starts(name):
        return [js[u.start:u.end].decode().splitlines()[0] for u in definitions_named(js, lang, name)]

    assert starts("add") == ["// Adds."]  # the comment above goes with it
    assert starts("mul") == ["var mul = function (a, b) {"]
    assert starts("push") == ["Stack.prototype.push = function (v) {"]
    assert starts("Stack") == ["Stack.prototype.push = function (v) {"]  # the constructor's too
    assert starts("parse") == ["exports.parse = async (s) => s;"]
    assert starts("fetch") == ["  fetch: function () {},"]
    assert starts("limit") == starts("size") == starts("api") == []  # values, not functions


def test_an_exported_definition_takes_the_comment_above_its_export():
    from lsp_server.syntax import definitions_named
    ts = (b"/** Adds. */\nexport function plus(a: number, b: number): number {\n  return a + b;\n}\n\n"
          b"/** Subtracts. */\nexport const minus = (a: number, b: number): number => a - b;\n")
    lang = language_for("m.ts")
    assert [u.start for u in definitions_named(ts, lang, "plus")] == [0]
    assert [u.start for u in definitions_named(ts, lang, "minus")] == [ts.index(b"/** Subtracts")]


def test_doc_sites_are_where_a_definitions_doc_has_been_written():
    python = (b'class Store:\n    """A store."""\n\n    def put(self, k, v):\n        """Put it."""\n'
              b'        self.d[k] = v\n\n    def get(self, k):\n        return self.d[k]\n\n\n'
              b'def helper(\n    a,\n    b,\n):\n    return a + b\n')
    sites = doc_sites(python, language_for("m.py"), 0, len(python), inside=True)
    # a docstring's site: its body's first statement, or past the docstring it already has
    at = {s.name: python[s.site:].split(b"\n")[0] for s in sites}
    assert at == {"Store": b"", "put": b"", "get": b"return self.d[k]", "helper": b"return a + b"}
    assert python[sites[0].site - 3:sites[0].site] == b'"""'  # Store's: right after "A store."
    store = next(s for s in sites if s.name == "Store")
    assert all(store.start <= s.start and s.end <= store.end for s in sites if s.name in ("put", "get"))
    go = b"package x\n\n// Put puts.\nfunc Put(k string) {\n\tm[k] = 1\n}\n\nfunc Get(k string) int {\n\treturn m[k]\n}\n"
    sites = doc_sites(go, language_for("x.go"), 0, len(go), inside=False)
    # a doc comment's site: the definition's own first line (its comment above belongs to it)
    assert [(s.name, go[s.start:].split(b"\n")[0], go[s.site:].split(b"\n")[0]) for s in sites] == [
        ("Put", b"// Put puts.", b"func Put(k string) {"), ("Get", b"func Get(k string) int {", b"func Get(k string) int {")]
    # only definitions lying whole inside the region
    assert [s.name for s in doc_sites(go, language_for("x.go"), go.index(b"func Get"), len(go), False)] == ["Get"]
    assert doc_sites(b"x = 1\n", language_for("m.txt"), 0, 6, True) == []
