"""bench/untouched.py's judgment of an edit of a file no task was written for (no model)."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.untouched import CASES, definition_lines, judge, names_used, source_path  # noqa: E402

ORIGINAL = """\
import math


def area(r):
    return math.pi * r * r


def rim(r):
    return 2 * math.pi * r
"""


def test_only_the_named_definitions_may_change():
    allowed = definition_lines(ORIGINAL, Path("shapes.py"), ("area",))
    assert allowed == {3, 4}
    hinted = ORIGINAL.replace("def area(r):", "def area(r: float) -> float:")
    assert judge(ORIGINAL, hinted, allowed) == "kept"
    assert judge(ORIGINAL, ORIGINAL, allowed) == "no change"
    both = hinted.replace("def rim(r):", "def rim(r: float) -> float:")
    assert judge(ORIGINAL, both, allowed) == "touched 1"
    documented = hinted.replace("def area", '# The disc.\ndef area')
    assert judge(ORIGINAL, documented, allowed) == "kept"  # a comment above it is part of the change
    imported = "from typing import Final\n" + hinted
    assert judge(ORIGINAL, imported, allowed) == "kept (+1 lines elsewhere)"
    removed = ORIGINAL[:ORIGINAL.index("def area")] + ORIGINAL[ORIGINAL.index("def rim"):]
    assert judge(ORIGINAL, removed, allowed) == "kept"  # a removal: its lines and blank lines gone, no other


def test_c_and_go_definitions_count_with_their_comments():
    c = "/* Sum. */\nint add(int a, int b) {\n    return a + b;\n}\n\nint one(void) { return 1; }\n"
    assert definition_lines(c, Path("m.c"), ("add",)) == {0, 1, 2, 3}
    go = "package p\n\n// One is one.\nfunc One() int {\n\treturn 1\n}\n"
    assert definition_lines(go, Path("m.go"), ("One",)) == {2, 3, 4, 5}


def test_names_gone_from_a_definition_whose_body_went_missing():
    hollow = ORIGINAL.replace("    return math.pi * r * r\n", '    """The area."""\n')
    path = Path("shapes.py")
    assert names_used(ORIGINAL, path, ("area",)) - names_used(hollow, path, ("area",)) == {"math", "pi"}
    hinted = ORIGINAL.replace("def area(r):", "def area(r: float) -> float:")
    assert names_used(ORIGINAL, path, ("area",)) - names_used(hinted, path, ("area",)) == set()


def test_every_case_names_definitions_of_its_file_where_the_file_is_here():
    for case in CASES:
        path = source_path(case)
        if path is None:
            assert "/" in case.source  # eslint's and code-server's packages, installed by `make test`
            continue
        text = path.read_text(encoding="utf-8")
        for name in case.names:
            assert definition_lines(text, path, (name,)), f"{case.name}: no definition {name} in {path}"


def test_a_python_result_must_run_its_top_level():
    from bench.untouched import loads

    assert loads(ORIGINAL, Path("shapes.py")) == ""
    assert "NameError" in loads(ORIGINAL.replace("def area(r):", "def area(r: Optional[float]):"), Path("shapes.py"))
    assert loads("function f( {", Path("f.js")) == ""  # not Python: the syntax check speaks for it
