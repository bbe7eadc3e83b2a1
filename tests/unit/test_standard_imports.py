"""New code that uses a standard package or type with no import gets one (Go, Rust, Java: language.toml's
`standard_imports`, imports.scm's @import.use); a name the file already has in any form is left be."""

from __future__ import annotations

from lsp_server import syntax
from lsp_server.config import Settings
from lsp_server.engine.engine import Engine
from lsp_server.engine.undefined import imports_for, new_undefined
from lsp_server.engine.tasks import Task, build_request
from tests.scripted import ScriptedModel

GO = ('package config\n\nimport (\n\t"strconv"\n\t"strings"\n)\n\n'
      'func Parse(line string) int {\n\tparts := strings.SplitN(line, "=", 2)\n'
      '\tv, err := strconv.Atoi(parts[1])\n\tif err != nil {\n\t\tpanic(err)\n\t}\n\treturn v\n}\n')
GO_ANSWER = ('func Parse(line string) (int, error) {\n\tparts := strings.SplitN(line, "=", 2)\n'
             '\tif len(parts) != 2 {\n\t\treturn 0, fmt.Errorf("bad line: %q", line)\n\t}\n'
             '\tv, err := strconv.Atoi(parts[1])\n\tif err != nil {\n\t\treturn 0, errors.New("not a number")\n\t}\n'
             '\treturn v, nil\n}\n')


def added(original: str, edited: str, path: str) -> str:
    language = syntax.language_for(path)
    names = new_undefined(original, edited, language)
    lines = imports_for(names, edited, language)
    return syntax.add_imports(edited.encode(), language, lines)[0].decode() if lines else edited


def test_a_go_package_the_new_code_calls_joins_the_import_group_in_order():
    edited = GO[:GO.index("func")] + GO_ANSWER
    assert new_undefined(GO, edited, syntax.language_for("c.go")) == {"errors", "fmt"}
    assert added(GO, edited, "c.go") == edited.replace('import (\n', 'import (\n\t"errors"\n\t"fmt"\n')


def test_a_go_file_with_one_import_or_none_gets_import_lines():
    one = 'package p\n\nimport "os"\n\nfunc f() {\n\tfmt.Println(os.Args)\n}\n'
    assert added('package p\n\nimport "os"\n', one, "p.go") == one.replace('import "os"\n', 'import "os"\nimport "fmt"\n')
    none = 'package p\n\nfunc f() time.Duration {\n\treturn time.Second\n}\n'
    assert added("package p\n", none, "p.go") == none.replace("package p\n\n", 'package p\n\nimport "time"\n\n')


def test_a_name_the_file_has_in_another_form_is_left_be():
    go = syntax.language_for("c.go")
    # a variable called errors; the package already imported
    local = 'package p\n\nfunc f() error {\n\terrors := 1\n\treturn errors.New("x")\n}\n'
    assert new_undefined("package p\n", local, go) == set()
    # a word only a comment or a string had binds nothing (cobra's "Such strings will be processed")
    assert new_undefined(GO + "// fmt\n", GO + "// fmt\nfunc g() { fmt.Println() }\n", go) == {"fmt"}
    said = GO + 'var s = "os"\n'
    assert new_undefined(said, said + "func g() { os.Exit(1) }\n", go) == {"os"}
    assert new_undefined(GO, GO + "func g() string { return strings.ToUpper(\"a\") }\n", go) == set()
    # a name no table has, and a language with none
    assert new_undefined(GO, GO + "func g() { yaml.Marshal(1) }\n", go) == set()
    assert new_undefined("let a = 1;\n", "let a = path.join('a');\n", syntax.language_for("m.js")) == set()


def test_rust_modules_and_types_get_use_lines_below_the_others():
    original = 'use std::fs;\n\npub fn load(p: &str) -> String {\n    fs::read_to_string(p).unwrap()\n}\n'
    edited = ('use std::fs;\n\npub fn load(p: &str) -> io::Result<HashMap<String, u32>> {\n'
              '    let text = fs::read_to_string(p)?;\n    let mut m = HashMap::new();\n    m.insert(text, 1);\n    Ok(m)\n}\n')
    assert added(original, edited, "l.rs") == edited.replace(
        "use std::fs;\n", "use std::fs;\nuse std::collections::HashMap;\nuse std::io;\n")
    had = "use std::collections::HashMap;\n" + original
    assert new_undefined(had, "use std::collections::HashMap;\n" + edited, syntax.language_for("l.rs")) == {"io"}


def test_java_classes_get_imports_and_java_lang_needs_none():
    original = 'package shop;\n\nimport java.util.Map;\n\nclass Cart {\n    int size() { return 0; }\n}\n'
    edited = original.replace("int size() { return 0; }",
                              "List<String> names() { return Arrays.asList(String.valueOf(Integer.MAX_VALUE)); }")
    assert added(original, edited, "Cart.java") == edited.replace(
        "import java.util.Map;\n", "import java.util.Map;\nimport java.util.Arrays;\nimport java.util.List;\n")


def test_the_engine_adds_the_import_a_go_answer_needs_and_spans_it():
    request = build_request(GO, Task("edit", "Return an error instead of panicking.", (8, 15)), path="c.go")
    region = request.regions[0]
    engine = Engine(Settings(), model=ScriptedModel({GO[region.start:region.end]: GO_ANSWER}))
    result = engine.edit(request)
    assert result.text == GO[:GO.index("func")].replace('import (\n', 'import (\n\t"errors"\n\t"fmt"\n') + GO_ANSWER
    assert result.region[0] <= GO.index('\t"strconv"')  # the span the editor replaces starts at the import


def test_a_class_the_original_wrote_qualified_is_imported_when_the_answer_writes_it_alone():
    original = 'package s;\n\nclass R {\n    void f(String[] a) { java.util.Arrays.sort(a); }\n}\n'
    edited = original.replace("java.util.Arrays.sort(a);", "java.util.Arrays.sort(a); Arrays.fill(a, \"\");")
    assert added(original, edited, "R.java") == edited.replace("package s;\n", "package s;\n\nimport java.util.Arrays;\n")
    imported = 'package s;\n\nimport java.util.Arrays;\n\nclass R {}\n'
    assert new_undefined(imported, imported.replace("{}", "{ void f(int[] a) { Arrays.fill(a, 0); } }"),
                         syntax.language_for("R.java")) == set()


def test_c_functions_and_types_get_their_headers_once():
    # printf's header is there already (its word is not): the line is not written twice
    original = '#include <stdio.h>\n\nint count(const char *s) {\n    int n = 0;\n    while (s[n]) n++;\n    return n;\n}\n'
    edited = ('#include <stdio.h>\n\nsize_t count(const char *s) {\n    uint8_t unused = 0;\n    assert(s);\n'
              '    printf("%s", s);\n    return strlen(s);\n}\n')
    assert new_undefined(original, edited, syntax.language_for("c.c")) == {"size_t", "uint8_t", "assert", "strlen", "printf"}
    assert added(original, edited, "c.c") == edited.replace("#include <stdio.h>\n", "#include <stdio.h>\n#include <assert.h>\n"
                                                           "#include <stddef.h>\n#include <stdint.h>\n#include <string.h>\n", 1)


CPP = ('#include <iostream>\n#include <string>\n\nstruct Shape {\n    std::string name;\n    double area;\n};\n\n'
       'double total_area(const Shape* shapes, int count) {\n    double total = 0;\n'
       '    for (int i = 0; i < count; i++) total += shapes[i].area;\n    return total;\n}\n')


def test_cpp_standard_names_used_qualified_get_their_headers():
    edited = CPP.replace(CPP[CPP.index("double total_area"):], (
        'double total_area(const std::vector<Shape>& shapes) {\n'
        '    auto start = std::chrono::steady_clock::now();\n'
        '    std::vector<Shape>::const_iterator first = shapes.begin();\n'
        '    std::cout << std::to_string(shapes.size()) << std::endl;\n'
        '    return std::accumulate(first, shapes.end(), 0.0, [](double s, const Shape& x) { return s + x.area; });\n}\n'))
    language = syntax.language_for("shapes.cpp")
    # std::string was used; std::cout, std::endl and std::to_string were not, but their headers are there: not twice
    assert new_undefined(CPP, edited, language) == {"std::vector", "std::chrono", "std::accumulate", "std::to_string",
                                                    "std::cout", "std::endl"}
    assert added(CPP, edited, "shapes.cpp") == edited.replace(
        "#include <string>\n", "#include <string>\n#include <chrono>\n#include <numeric>\n#include <vector>\n", 1)


def test_cpp_names_the_original_had_or_that_are_not_the_standard_librarys_are_left_be():
    language = syntax.language_for("shapes.cpp")
    had = CPP.replace("double total = 0;", "std::vector<double> parts;")
    assert new_undefined(had, had.replace("return total;", "std::vector<int> more;\n    return total;"), language) == set()
    ours = CPP.replace("return total;", "mylib::vector<int> v;\n    vector<int> w;\n    ::std::sort(w.begin(), w.end());\n    return total;")
    assert new_undefined(CPP, ours, language) == set()


def test_a_go_import_an_answer_wrote_above_its_function_joins_the_group():
    text = GO + '\nimport "fmt"\n\nfunc Show(v int) {\n\tfmt.Println(v)\n}\n'
    at = text.index('import "fmt"')
    out, _ = syntax.hoist_imports(text.encode(), syntax.language_for("c.go"), [(at, len(text))])
    assert out.decode() == GO.replace('import (\n', 'import (\n\t"fmt"\n') + '\nfunc Show(v int) {\n\tfmt.Println(v)\n}\n'
    group = GO + '\nimport (\n\t"fmt"\n\t"os"\n)\n\nfunc Show(v int) {\n\tfmt.Println(v, os.Args)\n}\n'
    at = group.index('import (\n\t"fmt"')
    out, _ = syntax.hoist_imports(group.encode(), syntax.language_for("c.go"), [(at, len(group))])
    assert out.decode().count('"fmt"') == 1 and out.decode().count("import (") == 2  # a group stays a group


def dropped(original: str, edited: str, path: str = "p.go") -> str:
    return syntax.drop_unused_imports(original.encode(), edited.encode(), syntax.language_for(path))[0].decode()


def test_a_go_import_the_edit_left_unused_goes_with_its_line():
    original = 'package p\n\nimport (\n\t"fmt"\n\t"os"\n)\n\nfunc f() {\n\tfmt.Println(os.Args)\n}\n'
    edited = original.replace("fmt.Println(os.Args)", "println(len(os.Args))")
    assert dropped(original, edited) == edited.replace('\t"fmt"\n', "")
    alone = 'package p\n\nimport "fmt"\n\nfunc f() {\n\tfmt.Println(1)\n}\n'
    assert dropped(alone, alone.replace("fmt.Println", "println")) == 'package p\n\nfunc f() {\n\tprintln(1)\n}\n'


def test_an_import_unused_before_the_edit_or_still_used_or_not_go_stays():
    unused = 'package p\n\nimport (\n\t"fmt"\n\t"os"\n)\n\nfunc f() {\n\tprintln(os.Args)\n}\n'
    assert dropped(unused, unused.replace("println(os.Args)", "println(len(os.Args))")) == unused.replace(
        "println(os.Args)", "println(len(os.Args))")  # not used before: the user's, mid-change
    used = 'package p\n\nimport "fmt"\n\nfunc f() {\n\tfmt.Println(1)\n\tfmt.Println(2)\n}\n'
    assert dropped(used, used.replace("fmt.Println(1)", "println(1)")) == used.replace("fmt.Println(1)", "println(1)")
    aliased = 'package p\n\nimport f "fmt"\n\nfunc g() {\n\tf.Println(1)\n}\n'
    assert dropped(aliased, aliased.replace("f.Println", "println")) == aliased.replace("f.Println", "println")
    rust = "use std::fs;\n\nfn f() {\n    fs::remove_file(\"a\").ok();\n}\n"
    assert dropped(rust, rust.replace("fs::remove_file(\"a\").ok();", ""), "l.rs") == rust.replace("fs::remove_file(\"a\").ok();", "")


def test_the_engine_swaps_a_go_import_the_answer_replaced():
    text = 'package p\n\nimport (\n\t"fmt"\n\t"os"\n)\n\nfunc f() {\n\tfmt.Println(os.Args)\n}\n'
    answer = 'func f() {\n\tlog.Println(os.Args)\n}\n'
    request = build_request(text, Task("edit", "Log with the log package.", (8, 10)), path="p.go")
    region = request.regions[0]
    result = Engine(Settings(), model=ScriptedModel({text[region.start:region.end]: answer})).edit(request)
    assert result.text == 'package p\n\nimport (\n\t"log"\n\t"os"\n)\n\nfunc f() {\n\tlog.Println(os.Args)\n}\n'
    assert result.region[0] <= text.index('\t"fmt"') and not result.problems


def test_a_file_with_a_glob_import_gets_none():
    java = 'package s;\n\nimport com.shop.model.*;\n\nclass R {}\n'
    assert new_undefined(java, java.replace("{}", "{ Path home; List<String> names; }"), syntax.language_for("R.java")) == set()
    rust = "use crate::types::*;\n\nfn f() {}\n"
    assert new_undefined(rust, rust.replace("fn f() {}", "fn f(p: &Path) {}"), syntax.language_for("l.rs")) == set()


def test_a_python_standard_import_the_edit_left_unused_goes_and_others_stay():
    store = ('"""Store."""\nimport json\nimport os, sys\nimport numpy as np\nfrom typing import Any\n\n\n'
             'class Store:\n    def save(self):\n        json.dump(self, sys.stdout)\n\n'
             '    def report(self) -> Any:\n        return os.sep, np\n')
    saved = store[:store.index("    def save")] + store[store.index("    def report"):]
    # json goes; sys, on one line with os, stays; so do an alias and a from-import
    assert dropped(store, saved, "s.py") == saved.replace("import json\n", "")
    only = 'import json\n\n\ndef save(x):\n    return json.dumps(x)\n\n\ndef other():\n    return 1\n'
    rest = only[:only.index("def save")] + only[only.index("def other"):]
    assert dropped(only, rest, "s.py") == "def other():\n    return 1\n"  # the file's first line: no blank lines left above
    # not a standard module, or not used before: the user's
    mine = 'import mylib\n\n\ndef f():\n    return mylib.x\n'
    assert dropped(mine, mine.replace("mylib.x", "1"), "s.py") == mine.replace("mylib.x", "1")
    idle = 'import json\n\n\ndef f():\n    return 1\n'
    assert dropped(idle, idle.replace("1", "2"), "s.py") == idle.replace("1", "2")


RUST_MAIN = ('use std::io;\n\nfn read_name() -> String {\n    let mut line = String::new();\n'
             '    io::stdin().read_line(&mut line).expect("no input");\n    line.trim().to_string()\n}\n')


def test_a_rust_trait_method_the_new_code_calls_gets_its_trait_in_scope():
    flushed = RUST_MAIN.replace("    let mut line", '    print!("Name: ");\n    io::stdout().flush().unwrap();\n    let mut line')
    language = syntax.language_for("main.rs")
    assert new_undefined(RUST_MAIN, flushed, language) == {"flush"}
    assert added(RUST_MAIN, flushed, "main.rs") == flushed.replace("use std::io;\n", "use std::io;\nuse std::io::Write;\n")
    # the trait already in scope (in a group), or a Write of another kind in the file: left be
    grouped = RUST_MAIN.replace("use std::io;", "use std::io::{self, Write};")
    assert new_undefined(grouped, flushed.replace("use std::io;", "use std::io::{self, Write};"), language) == set()
    fmt_write = "use std::fmt::Write;\n" + RUST_MAIN
    assert new_undefined(fmt_write, "use std::fmt::Write;\n" + flushed, language) == set()
    # a method no trait is needed for (read_line on Stdin), and one the original called already
    assert new_undefined(RUST_MAIN, RUST_MAIN.replace("line.trim()", "line.trim_end()"), language) == set()
    mine = RUST_MAIN.replace("    line.trim()", "    cache.flush();\n    line.trim()")
    assert new_undefined(mine, mine.replace("let mut line", "let mut line2 = 0;\n    cache.flush();\n    let mut line"),
                         language) == set()


IMPORTS = ('"""Loader."""\nfrom __future__ import annotations\n\nimport json\nimport os\nimport sys\n'
           'from typing import Any, Dict, List\nfrom .cache import Cache  # noqa\n\n__all__ = ["load", "Cache"]\n\n\n'
           'def load(path: str) -> Dict[str, Any]:\n    with open(path) as f:\n        return json.load(f)\n\n\n'
           'def main() -> None:\n    print(load(sys.argv[1]))\n')


def test_a_python_file_without_its_unused_imports():
    # os goes with its line, List from its from-import; __future__, a name __all__ gives and a used one stay
    out = syntax.without_unused_imports(IMPORTS.encode(), syntax.language_for("m.py")).decode()
    assert out == IMPORTS.replace("import os\n", "").replace("Any, Dict, List", "Any, Dict")
    only = "import os\n\n\ndef f():\n    return 1\n"
    assert syntax.without_unused_imports(only.encode(), syntax.language_for("m.py")).decode() == "def f():\n    return 1\n"
    kept = "import os, sys\n\nprint(sys.argv)\n"  # one statement, one name used: left as written
    assert syntax.without_unused_imports(kept.encode(), syntax.language_for("m.py")).decode() == kept


def test_remove_unused_imports_is_a_tool_draft_and_a_file_without_any_says_so():
    import pytest

    from lsp_server.errors import EditError

    request = build_request(IMPORTS, Task("edit", "Remove unused imports."), path="loader.py")
    assert request.regions and all(r.draft is not None for r in request.regions)
    assert request.drafted_text == IMPORTS.replace("import os\n", "").replace("Any, Dict, List", "Any, Dict")
    clean = IMPORTS.replace("import os\n", "").replace("Any, Dict, List", "Any, Dict")
    with pytest.raises(EditError, match="no import .* unused"):
        build_request(clean, Task("edit", "remove the unused imports"), path="loader.py")
    # a package's __init__ re-exports what it imports: the model's to read
    assert all(r.draft is None for r in build_request(IMPORTS, Task("edit", "Remove unused imports."),
                                                      path="pkg/__init__.py").regions)


def test_unused_imports_keep_the_blank_lines_and_comments_they_sat_between():
    language = syntax.language_for("m.py")
    doc = '"""Doc."""\n\nimport os\n\n\ndef f():\n    return 1\n'
    assert syntax.without_unused_imports(doc.encode(), language).decode() == '"""Doc."""\n\n\ndef f():\n    return 1\n'
    wrapped = "from x import (\n    a,  # used by the plugin\n    b,\n)\n\nprint(a)\n"
    assert syntax.without_unused_imports(wrapped.encode(), language).decode() == wrapped  # rewritten it would lose the comment


def test_a_cpp_header_spelled_another_way_is_not_added_twice():
    original = "#include<vector>\n\nint f() { return 0; }\n"
    edited = original.replace("return 0;", "std::vector<int> v; return v.size();")
    assert added(original, edited, "m.cpp") == edited


TS_IMPORTS = '''import React from "react";
import { readFileSync, writeFileSync, existsSync } from "fs";
import * as path from "path";
import os from "os";
import "./styles.css";
import type { Config, Options } from "./config";
import {
  parse,
  stringify, // the writer
  validate,
} from "./format";
import defaults, { merge } from "./defaults";

export function load(dir: string): Config {
  const file = path.join(dir, "config.json");
  if (!existsSync(file)) {
    throw new Error(`no config in ${dir}`);
  }
  return merge(validate(parse(readFileSync(file, "utf8"))));
}
'''


def test_javascript_and_typescript_unused_imports_go_name_by_name():
    out = syntax.without_unused_imports(TS_IMPORTS.encode(), syntax.language_for("m.ts")).decode()
    assert out == ('import React from "react";\n'  # JSX may use it unwritten
                   'import { readFileSync, existsSync } from "fs";\n'
                   'import * as path from "path";\n'
                   'import "./styles.css";\n'  # binds nothing: kept
                   'import type { Config } from "./config";\n'
                   'import {\n  parse,\n  validate,\n} from "./format";\n'
                   'import { merge } from "./defaults";\n' + TS_IMPORTS[TS_IMPORTS.index("\nexport"):])
    js = 'const a = 1;\nimport x, * as ns from "m";\n\nconsole.log(ns.y);\n'
    assert syntax.without_unused_imports(js.encode(), syntax.language_for("m.js")).decode() == js.replace(
        "import x, * as ns", "import * as ns")
    # the request is a tool's draft the model verifies; an index file re-exports what it imports
    request = build_request(TS_IMPORTS, Task("edit", "Remove unused imports."), path="src/load.ts")
    assert request.regions and request.drafted_text == out
    assert all(r.draft is None for r in build_request(TS_IMPORTS, Task("edit", "Remove unused imports."),
                                                      path="src/index.ts").regions)
    # Go's imports.scm tells no bound names: the model's
    go = 'package m\n\nimport "fmt"\n\nfunc F() {}\n'
    assert all(r.draft is None for r in build_request(go, Task("edit", "Remove unused imports."), path="m.go").regions)


def test_a_comma_an_edit_of_a_json_file_left_before_a_brace_goes_and_code_is_left_as_it_is():
    from lsp_server.engine.fixes import mended_data
    json_lang = syntax.language_for("package.json")
    original = '{\n  "scripts": {\n    "test": "jest",\n    "lint": "eslint ."\n  }\n}\n'
    edited = '{\n  "scripts": {\n    "test": "jest",\n  }\n}\n'
    lo = edited.index('    "test"')
    assert mended_data(original, edited, lo, edited.index("  }"), json_lang) == edited.replace('"jest",', '"jest"')
    assert mended_data(original, original, 0, len(original), json_lang) is None  # nothing broken
    assert mended_data(original, edited, 0, lo, json_lang) is None  # the token is not the edit's
    js = "function f(a) {\n  return a;\n}\n"
    assert mended_data(js, js.replace("return a;", "return (a;"), 0, len(js), syntax.language_for("f.js")) is None
