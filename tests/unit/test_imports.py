"""Imports a rewritten definition's answer wrote above it go to the file's imports (syntax/imports.py)."""

from lsp_server import syntax


def hoisted(source: str, path: str, inside: str) -> str:
    data = source.encode()
    at = data.index(inside.encode())
    out, _ = syntax.hoist_imports(data, syntax.language_for(path), [(at, at + len(inside.encode()))])
    return out.decode()


def test_a_python_import_above_a_rewritten_function_joins_the_imports():
    text = ('"""Shapes."""\nfrom __future__ import annotations\nimport math\n\nPI2 = math.pi * 2\n\n\n'
            "from typing import Optional\n\ndef area(r: Optional[float]) -> float:\n    return PI2 * r\n")
    assert hoisted(text, "s.py", "from typing import Optional\n\ndef area") == (
        '"""Shapes."""\nfrom __future__ import annotations\nimport math\nfrom typing import Optional\n\nPI2 = math.pi * 2\n\n\n'
        "def area(r: Optional[float]) -> float:\n    return PI2 * r\n")


def test_an_import_the_file_has_is_dropped_and_one_outside_the_spans_stays():
    text = "import os\n\n\ndef a():\n    return os.sep\n\nimport sys\n\nimport os\n\ndef b():\n    return os.name\n"
    out = hoisted(text, "m.py", "import os\n\ndef b()")
    assert out == "import os\n\n\ndef a():\n    return os.sep\n\nimport sys\n\ndef b():\n    return os.name\n"


def test_a_file_without_imports_gets_them_below_its_docstring_or_package_clause():
    text = '"""Doc."""\n\nX = 1\n\nimport re\ndef f():\n    return re\n'
    assert hoisted(text, "m.py", "import re\ndef f") == '"""Doc."""\n\nimport re\n\nX = 1\n\ndef f():\n    return re\n'
    go = 'package cart\n\nfunc Total() int {\n\treturn 1\n}\n\nimport "strings"\n\nfunc Name(s string) string {\n\treturn strings.TrimSpace(s)\n}\n'
    out = hoisted(go, "c.go", 'import "strings"\n\nfunc Name')
    assert out.startswith('package cart\n\nimport "strings"\n\nfunc Total()') and out.count("import") == 1


def test_typescript_and_java_imports_move_up_and_unknown_languages_are_left_alone():
    ts = "import { a } from './a';\n\nexport function f() {}\n\nimport { B } from './b';\nfunction g(x: B) {}\n"
    assert hoisted(ts, "m.ts", "import { B }") == ("import { a } from './a';\nimport { B } from './b';\n\n"
                                                    "export function f() {}\n\nfunction g(x: B) {}\n")
    java = "package p;\n\nimport java.util.List;\n\nclass A {\n}\n"
    assert hoisted(java, "A.java", "class A") == java  # nothing to move
    text = "import x\nstuff\nimport y\n"
    assert hoisted(text, "notes.txt", "import y") == text


def test_an_import_sharing_its_line_with_code_stays():
    text = "import os\n\n\ndef f():\n    pass\nimport re; X = re.compile('a')\n"
    assert hoisted(text, "m.py", "def f") == text


def test_a_new_import_goes_below_the_docstring_and_the_imports_after_statements_between_them():
    text = ('#! /usr/bin/env python3\n\n"""Checks."""\n\n# Public domain.\n__version__ = "6"\n\nimport os\nimport sys\n\n'
            '__all__ = ["check"]\n\n\ndef check(path):\n    return os.sep\n\n\nimport re\n')
    out, at = syntax.add_imports(text.encode(), syntax.language_for("t.py"), [b"import logging"])
    assert out.decode() == text.replace("import sys\n", "import sys\nimport logging\n")
    bare = '#! /usr/bin/env python3\n"""Doc."""\n\ndef f():\n    pass\n'
    out, _ = syntax.add_imports(bare.encode(), syntax.language_for("t.py"), [b"import logging"])
    assert out.decode() == '#! /usr/bin/env python3\n"""Doc."""\n\nimport logging\n\ndef f():\n    pass\n'
    js = "/* Licence. */\n'use strict';\n\nfunction f() {}\n"
    out, _ = syntax.add_imports(js.encode(), syntax.language_for("m.js"), [b"import fs from 'fs';"])
    assert out.decode() == "/* Licence. */\n'use strict';\n\nimport fs from 'fs';\n\nfunction f() {}\n"


def hoisted_all(source: str, path: str, insides: list[str]) -> str:
    data = source.encode()
    spans = [(data.index(s.encode()), data.index(s.encode()) + len(s.encode())) for s in insides]
    out, _ = syntax.hoist_imports(data, syntax.language_for(path), spans)
    return out.decode()


def test_imports_of_one_module_from_several_answers_become_one_line_without_unused_names():
    text = ("import re\nfrom typing import Any\n\n\nfrom typing import List, Union\n\ndef words(s: str) -> List[str]:\n"
            "    return re.findall(r'\\w+', s)\n\n\nfrom typing import Optional\nimport logging\n\n"
            "def first(xs: List[Any]) -> Optional[Any]:\n    return xs[0] if xs else None\n\n\n"
            "from typing import Dict\n\ndef count(xs) -> 'Dict[str, int]':\n    return {x: 1 for x in xs}\n")
    out = hoisted_all(text, "w.py", ["from typing import List, Union\n\ndef words", "from typing import Optional\nimport logging",
                                     "from typing import Dict\n\ndef count"])
    assert out == ("import re\nfrom typing import Any, Dict, List, Optional\n\n\ndef words(s: str) -> List[str]:\n"
                   "    return re.findall(r'\\w+', s)\n\n\ndef first(xs: List[Any]) -> Optional[Any]:\n"
                   "    return xs[0] if xs else None\n\n\ndef count(xs) -> 'Dict[str, int]':\n    return {x: 1 for x in xs}\n")


def test_a_parenthesized_or_unsorted_import_is_kept_as_the_user_wrote_it():
    lang = syntax.language_for("m.py")
    wrapped = "from typing import (\n    List,\n)\n\n\ndef f(x: List[int]):\n    return x\n"
    out, at = syntax.add_imports(wrapped.encode(), lang, [b"from typing import Optional", b"from typing import Dict"])
    assert out.decode() == wrapped.replace(")\n", ")\nfrom typing import Dict, Optional\n", 1) and at == len(b"from typing import (\n    List,\n)\n")
    unsorted = "from os import sep, path\n\nX = 1\n"
    out, at = syntax.add_imports(unsorted.encode(), lang, [b"from os import getcwd as cwd", b"from os import sep"])
    assert out.decode() == "from os import sep, path, getcwd as cwd\n\nX = 1\n" and at == 0
    # Other languages have no `from_import`: their lines are added as they are.
    out, _ = syntax.add_imports(b"import { a } from './a';\n\nf();\n", syntax.language_for("m.ts"), [b"import { b } from './a';"])
    assert out == b"import { a } from './a';\nimport { b } from './a';\n\nf();\n"


def test_an_answer_import_nothing_uses_is_dropped_and_the_files_own_are_kept():
    text = "import os\nimport sys\n\n\nimport json\nimport math as m\nfrom x import *\n\ndef f():\n    return m.pi\n"
    out = hoisted_all(text, "m.py", ["import json\nimport math as m\nfrom x import *\n\ndef f"])
    assert out == "import os\nimport sys\nimport math as m\nfrom x import *\n\n\ndef f():\n    return m.pi\n"


def test_an_import_is_new_unless_the_original_lines_have_it_whole():
    from lsp_server import syntax

    python = syntax.language_for("m.py")
    source = b"import os\nimport sys\n\n\ndef f():\n    return os.sep, sys.argv\n"
    everything = [(0, len(source))]
    assert syntax.new_import_spans(source, python, everything, b"import os.path\nimport sys\n") == [(0, 9)]
    c = syntax.language_for("m.c")  # a C include's node ends with its line break
    header = b"#include <stddef.h>\n#include <string.h>\n"
    assert syntax.new_import_spans(header + b"int x;\n", c, [(0, len(header))], header) == []


def test_new_imports_right_below_the_imports_keep_the_blank_lines_under_them():
    text = "import json\nfrom pathlib import Path\nimport re\n\n\nclass Store:\n    path = Path(re.escape(json.dumps(1)))\n"
    start = text.index("from pathlib")
    out, _ = syntax.hoist_imports(text.encode(), syntax.language_for("m.py"), [(start, text.index("\n\n\nclass") + 1)])
    assert out.decode() == text
