"""A rename at the cursor renames that binding: a local within its scope, a parameter within its function,
a module-level name, method or attribute everywhere except where a local of the same name shadows it."""

from __future__ import annotations

import pytest

from lsp_server.cli import main
from lsp_server.demo import SAMPLE, demo_task
from lsp_server.engine.tasks import Task, build_request
from lsp_server.errors import EditError
from lsp_server.syntax import identifier_at, language_for, rename_draft
from lsp_server.syntax.queries import query

CURSOR = "‸"  # marks the occurrence under the cursor; removed before renaming

# (file, source with the cursor, new name, expected). The name renamed is the identifier after the cursor.
CASES = {
    "python: the method, not the local of the same name inside it": (
        "a.py",
        "class Cart:\n    def ‸total(self):\n        total = 0\n        for p in self.items:\n            total += p\n"
        "        return total\n\n    def report(self):\n        return f'total: {self.total()}'\n",
        "subtotal",
        "class Cart:\n    def subtotal(self):\n        total = 0\n        for p in self.items:\n            total += p\n"
        "        return total\n\n    def report(self):\n        return f'total: {self.subtotal()}'\n",
    ),
    "python: the local, not the method": (
        "a.py",
        "class Cart:\n    def total(self):\n        total = 0\n        for p in self.items:\n            total += p\n"
        "        return ‸total\n\n    def report(self):\n        return self.total()\n",
        "acc",
        "class Cart:\n    def total(self):\n        acc = 0\n        for p in self.items:\n            acc += p\n"
        "        return acc\n\n    def report(self):\n        return self.total()\n",
    ),
    "python: a parameter named like a method": (
        "a.py",
        "class Cart:\n    def total(self):\n        return 1\n\n    def add(self, ‸total):\n"
        "        self.items.append(total)\n        return self.total() + total\n",
        "amount",
        "class Cart:\n    def total(self):\n        return 1\n\n    def add(self, amount):\n"
        "        self.items.append(amount)\n        return self.total() + amount\n",
    ),
    "python: nested functions, a closure and a shadowing parameter": (
        "a.py",
        "def outer(items):\n    ‸count = 0\n    def inner(count):\n        return count + 1\n"
        "    def bump():\n        return count + 1  # count of outer\n    return inner(count) + bump()\n",
        "n",
        "def outer(items):\n    n = 0\n    def inner(count):\n        return count + 1\n"
        "    def bump():\n        return n + 1  # n of outer\n    return inner(n) + bump()\n",
    ),
    "python: a nested function's own name lives in the outer function": (
        "a.py",
        "def helper():\n    pass\n\ndef outer():\n    def ‸helper():\n        return 2\n    return helper()\n\nhelper()\n",
        "local_helper",
        "def helper():\n    pass\n\ndef outer():\n    def local_helper():\n        return 2\n    return local_helper()\n\nhelper()\n",
    ),
    "python: a module-level name everywhere but where a local shadows it": (
        "a.py",
        "‸rate = 2\n\ndef price(x):\n    return x * rate\n\ndef other(rate):\n    return rate\n",
        "factor",
        "factor = 2\n\ndef price(x):\n    return x * factor\n\ndef other(rate):\n    return rate\n",
    ),
    "python: a comprehension's variable is its own": (
        "a.py",
        "def f(x):\n    ys = [x * 2 for x in range(3)]\n    return ‸x, ys\n",
        "base",
        "def f(base):\n    ys = [x * 2 for x in range(3)]\n    return base, ys\n",
    ),
    "python: a name declared global in a function is the module's": (
        "a.py",
        "count = 0\n\ndef bump():\n    global count\n    ‸count += 1\n",
        "hits",
        "hits = 0\n\ndef bump():\n    global hits\n    hits += 1\n",
    ),
    "python: nonlocal joins the inner function to the outer one; another function's local stays": (
        "a.py",
        "def outer():\n    ‸n = 0\n    def inner():\n        nonlocal n\n        n += 1\n    return n\n\n"
        "def other():\n    n = 5\n    return n\n",
        "m",
        "def outer():\n    m = 0\n    def inner():\n        nonlocal m\n        m += 1\n    return m\n\n"
        "def other():\n    n = 5\n    return n\n",
    ),
    "javascript: block shadowing": (
        "a.js",
        "function f() {\n  let ‸x = 1;\n  {\n    let x = 2;\n    use(x);\n  }\n  return x;\n}\nconst x = 3;\n",
        "y",
        "function f() {\n  let y = 1;\n  {\n    let x = 2;\n    use(x);\n  }\n  return y;\n}\nconst x = 3;\n",
    ),
    "javascript: a parameter named like a method": (
        "a.js",
        "class Cart {\n  total() { return 1; }\n  add(‸total) { this.items.push(total); return this.total() + total; }\n}\n",
        "amount",
        "class Cart {\n  total() { return 1; }\n  add(amount) { this.items.push(amount); return this.total() + amount; }\n}\n",
    ),
    "javascript: the method everywhere, not the parameter": (
        "a.js",
        "class Cart {\n  ‸total() { return 1; }\n  add(total) { return this.total() + total; }\n}\n",
        "sum",
        "class Cart {\n  sum() { return 1; }\n  add(total) { return this.sum() + total; }\n}\n",
    ),
    "javascript: nested functions and an arrow's own parameter": (
        "a.js",
        "function outer(items) {\n  const ‸n = items.length;\n  const inner = (n) => n + 1;\n"
        "  function bump() { return n + 1; }\n  return inner(n) + bump();\n}\n",
        "count",
        "function outer(items) {\n  const count = items.length;\n  const inner = (n) => n + 1;\n"
        "  function bump() { return count + 1; }\n  return inner(count) + bump();\n}\n",
    ),
    "javascript: destructured names and a catch parameter": (
        "a.js",
        "function f({‸a, b}) {\n  try { g(a); } catch (a) { log(a); }\n  return a + b;\n}\nconst a = 1;\n",
        "first",
        "function f({first, b}) {\n  try { g(first); } catch (a) { log(a); }\n  return first + b;\n}\nconst a = 1;\n",
    ),
    "javascript: var is function-wide, so it stays file-wide; for (x of ...) without a declaration binds nothing": (
        "a.js",
        "function f() {\n  if (a) { var ‸i = 1; }\n  return i;\n}\nfunction h() { let x = 1; for (x of xs) {} return x; }\n",
        "k",
        "function f() {\n  if (a) { var k = 1; }\n  return k;\n}\nfunction h() { let x = 1; for (x of xs) {} return x; }\n",
    ),
    "typescript: typed parameters, shadowing and a method": (
        "a.ts",
        "class Cart {\n  total(): number { return 1; }\n  add(‸total: number, rest?: number[]): number {\n"
        "    const f = (total: number) => total * 2;\n    return this.total() + f(total);\n  }\n}\n",
        "amount",
        "class Cart {\n  total(): number { return 1; }\n  add(amount: number, rest?: number[]): number {\n"
        "    const f = (total: number) => total * 2;\n    return this.total() + f(amount);\n  }\n}\n",
    ),
    "typescript: a module-level function everywhere but where a local shadows it": (
        "a.ts",
        "function ‸scale(x: number): number { return x * 2; }\n"
        "function g(scale: number): number { return scale; }\nexport const y = scale(3);\n",
        "double",
        "function double(x: number): number { return x * 2; }\n"
        "function g(scale: number): number { return scale; }\nexport const y = double(3);\n",
    ),
    "go: the method, not the local of the same name": (
        "a.go",
        "package main\n\nfunc (c *Cart) ‸Total() int {\n\tTotal := 0\n\tfor _, p := range c.items {\n\t\tTotal += p\n\t}\n"
        "\treturn Total\n}\n\nfunc (c *Cart) Report() int { return c.Total() }\n",
        "Sum",
        "package main\n\nfunc (c *Cart) Sum() int {\n\tTotal := 0\n\tfor _, p := range c.items {\n\t\tTotal += p\n\t}\n"
        "\treturn Total\n}\n\nfunc (c *Cart) Report() int { return c.Sum() }\n",
    ),
    "go: shadowing in an if's initializer and a parameter": (
        "a.go",
        "package main\n\nfunc f(‸err error) error {\n\tif err := g(); err != nil {\n\t\treturn err\n\t}\n\treturn err\n}\n",
        "cause",
        "package main\n\nfunc f(cause error) error {\n\tif err := g(); err != nil {\n\t\treturn err\n\t}\n\treturn cause\n}\n",
    ),
    "go: a closure sees the outer variable; its parameter is its own": (
        "a.go",
        "package main\n\nfunc f() int {\n\t‸n := 1\n\tinc := func() int { return n + 1 }\n"
        "\tdouble := func(n int) int { return n * 2 }\n\tfor i, v := range xs {\n\t\tn += i + v\n\t}\n\treturn inc() + double(n)\n}\n",
        "count",
        "package main\n\nfunc f() int {\n\tcount := 1\n\tinc := func() int { return count + 1 }\n"
        "\tdouble := func(n int) int { return n * 2 }\n\tfor i, v := range xs {\n\t\tcount += i + v\n\t}\n\treturn inc() + double(count)\n}\n",
    ),
    "go: a struct key names the field, not the local": (
        "a.go",
        "package main\n\nfunc f() P {\n\t‸x := 1\n\treturn P{x: x}\n}\n",
        "y",
        "package main\n\nfunc f() P {\n\ty := 1\n\treturn P{x: y}\n}\n",
    ),
    "go: `range` with = assigns the outer variable, with := declares a new one": (
        "a.go",
        "package main\n\nfunc f() int {\n\t‸v := 1\n\tfor _, v = range xs {\n\t}\n\tfor _, v := range ys {\n\t\tuse(v)\n\t}\n\treturn v\n}\n",
        "w",
        "package main\n\nfunc f() int {\n\tw := 1\n\tfor _, w = range xs {\n\t}\n\tfor _, v := range ys {\n\t\tuse(v)\n\t}\n\treturn w\n}\n",
    ),
    "rust: the method, not the local of the same name": (
        "a.rs",
        "impl Cart {\n    fn ‸total(&self) -> i32 {\n        let total = self.items.iter().sum();\n        total\n    }\n"
        "    fn report(&self) -> i32 { self.total() }\n}\n",
        "sum",
        "impl Cart {\n    fn sum(&self) -> i32 {\n        let total = self.items.iter().sum();\n        total\n    }\n"
        "    fn report(&self) -> i32 { self.sum() }\n}\n",
    ),
    "rust: a parameter named like a method, shadowed in a block": (
        "a.rs",
        "impl Cart {\n    fn total(&self) -> i32 { 1 }\n    fn add(&mut self, ‸total: i32) -> i32 {\n"
        "        {\n            let total = 2;\n            println!(\"{}\", total);\n        }\n        self.total() + total\n    }\n}\n",
        "amount",
        "impl Cart {\n    fn total(&self) -> i32 { 1 }\n    fn add(&mut self, amount: i32) -> i32 {\n"
        "        {\n            let total = 2;\n            println!(\"{}\", total);\n        }\n        self.total() + amount\n    }\n}\n",
    ),
    "rust: a nested fn, a closure and a match binding": (
        "a.rs",
        "fn outer(v: Option<i32>) -> i32 {\n    let ‸x = 1;\n    fn inner(x: i32) -> i32 { x }\n    let add = |y| x + y;\n"
        "    match v { Some(x) => x, None => add(x) + inner(x) }\n}\n",
        "base",
        "fn outer(v: Option<i32>) -> i32 {\n    let base = 1;\n    fn inner(x: i32) -> i32 { x }\n    let add = |y| base + y;\n"
        "    match v { Some(x) => x, None => add(base) + inner(base) }\n}\n",
    ),
    "rust: a capitalized name in a match arm is a variant, not a binding": (
        "a.rs",
        "enum O { ‸Empty, Full(i32) }\nfn f(o: O) -> i32 {\n    match o { Empty => 0, Full(v) => v }\n}\n",
        "Nothing",
        "enum O { Nothing, Full(i32) }\nfn f(o: O) -> i32 {\n    match o { Nothing => 0, Full(v) => v }\n}\n",
    ),
    "c: a function and a local of the same name": (
        "a.c",
        "int total(int *items, int n) {\n    int ‸total = 0;\n    for (int i = 0; i < n; i++) { total += items[i]; }\n"
        "    return total;\n}\nint main(void) { return total(0, 0); }\n",
        "sum",
        "int total(int *items, int n) {\n    int sum = 0;\n    for (int i = 0; i < n; i++) { sum += items[i]; }\n"
        "    return sum;\n}\nint main(void) { return total(0, 0); }\n",
    ),
    "java: the method and field everywhere, not a parameter of the same name": (
        "A.java",
        "class Cart {\n    int ‸total() { int n = 0; return n; }\n"
        "    int report(int total) { return total() + total + this.total(); }\n}\n",
        "sum",
        "class Cart {\n    int sum() { int n = 0; return n; }\n"
        "    int report(int total) { return sum() + total + this.sum(); }\n}\n",
    ),
}


def cursor_and_source(marked: str) -> tuple[int, bytes]:
    source = marked.replace(CURSOR, "").encode()
    return len(marked[: marked.index(CURSOR)].encode()), source


@pytest.mark.parametrize("case", sorted(CASES))
def test_rename_at_the_cursor_renames_that_binding(case):
    path, marked, new_name, expected = CASES[case]
    at, source = cursor_and_source(marked)
    language = language_for(path)
    name = identifier_at(source, language, at)[2]
    assert rename_draft(source, language, name, new_name, at=at).decode() == expected


@pytest.mark.parametrize("path", ["a.py", "a.js", "a.ts", "a.tsx", "a.go", "a.rs", "a.c", "a.cpp", "a.java"])
def test_the_locals_query_compiles(path):
    assert query(language_for(path), "locals") is not None


def test_without_a_cursor_every_occurrence_is_renamed_as_before():
    _, source = cursor_and_source(CASES["python: the method, not the local of the same name inside it"][1])
    renamed = rename_draft(source, language_for("a.py"), "total", "subtotal")
    assert b"total" not in renamed.replace(b"subtotal", b"").replace(b"'total:", b"")


def test_a_language_without_locals_renames_file_wide():
    source = b"def total\n  total = 1\nend\n"
    assert rename_draft(source, language_for("a.rb"), "total", "sum", at=4) == b"def sum\n  sum = 1\nend\n"


def test_a_task_with_a_position_renames_the_binding_there():
    text = "def total(items):\n    total = 0\n    return total\n"
    request = build_request(text, Task("rename", symbol="total", new_name="acc", position=text.index("total =")), path="a.py")
    assert request.drafted_text == "def total(items):\n    acc = 0\n    return acc\n"


def test_a_position_on_another_name_is_a_clear_error():
    text = "def total(items):\n    return items\n"
    with pytest.raises(EditError, match="'items', not 'total'"):
        build_request(text, Task("rename", symbol="total", new_name="acc", position=text.index("items)")), path="a.py")


def test_the_demo_renames_the_method_and_leaves_the_local_alone():
    text = SAMPLE.read_text(encoding="utf-8")
    drafted = build_request(text, demo_task(text), path=str(SAMPLE)).drafted_text
    assert "    def subtotal(self):\n        total = 0\n" in drafted
    assert "            total += item" in drafted and "        return total\n" in drafted
    assert "self.subtotal()" in drafted and "subtotal = 0" not in drafted


@pytest.mark.parametrize("extra, message", [
    (["--at", "2"], "bad position '2': use LINE:COL"),
    (["--at", "9:1"], "line 9 is past the end of the file"),
    (["--at", "1:1"], "(line 1) is on no identifier, not 'total'"),
])
def test_cli_at_is_checked_before_any_model_loads(tmp_path, capsys, extra, message):
    path = tmp_path / "a.py"
    path.write_text("def total():\n    total = 0\n    return total\n")
    assert main(["edit", str(path), "--symbol", "total", "--new-name", "acc", *extra]) == 2
    assert message in capsys.readouterr().err
    assert path.read_text() == "def total():\n    total = 0\n    return total\n"


def test_cli_at_needs_a_symbol(tmp_path, capsys):
    path = tmp_path / "a.py"
    path.write_text("x = 1\n")
    assert main(["edit", str(path), "-i", "do it", "--at", "1:1"]) == 2
    assert "--at needs --symbol" in capsys.readouterr().err
