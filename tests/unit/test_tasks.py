"""Turning user requests into edit requests: rename detection, spelling-fix drafts, line regions."""

from __future__ import annotations

import pytest

from lsp_server.coords import line_span, without_blank_edges
from lsp_server.engine.regions import change_regions
from lsp_server.errors import EditError
from lsp_server.engine.fixes import spelling_fix
from lsp_server.engine.tasks import Task, build_request, infer_kind, parse_lines

CODE = "def area(w, h):\n    total = w * h\n    return total\n\n\ndef main():\n    print(area(2, 3))\n"


@pytest.mark.parametrize("instruction, expected", [
    ("rename total to subtotal", ("total", "subtotal")),
    ("Rename `total` to `subtotal`.", ("total", "subtotal")),
    ("rename the variable total -> acc", ("total", "acc")),
    ("add a docstring", None),
])
def test_rename_instructions_become_renames(instruction, expected):
    task = infer_kind(Task("edit", instruction))
    assert (task.symbol, task.new_name) == expected if expected else task.kind == "edit"


THREE = "def f(x):\n    return x + 1\n\n\ndef g(x):\n    return x * 2\n\n\ndef h(x):\n    return x\n"


@pytest.mark.parametrize("instruction, renamed_in", [
    ("Rename x to y in f.", "f"),
    ("Rename the parameter x to y inside the function g", "g"),
    ("Rename the local variable x to y in the h method.", "h"),
    ("Rename x to y in f() and h", "fh"),
    ("Rename `x` to `y` in f, g and h.", "fgh"),
    ("Rename x to y in this file.", "fgh"),
    ("rename x to y", "fgh"),
    ("Rename the x parameter of g and h to y.", "gh"),  # where, before the new name
    ("Rename the `x` argument of the function f to `y`", "f"),
])
def test_a_rename_in_named_definitions_renames_there_alone(instruction, renamed_in):
    request = build_request(THREE, Task("edit", instruction), path="m.py")
    drafted = THREE
    for region in reversed(request.regions):
        assert region.draft is not None  # a rename: the tool's draft
        drafted = drafted[:region.start] + region.draft + drafted[region.end:]
    assert drafted == "".join(f"def {n}({'y' if n in renamed_in else 'x'}):\n    return {'y' if n in renamed_in else 'x'}{tail}"
                              for n, tail in (("f", " + 1\n\n\n"), ("g", " * 2\n\n\n"), ("h", "\n")))


def test_a_rename_in_what_is_no_definition_is_the_models_and_a_functions_name_changes_everywhere():
    # "in k", "in utils.py", "in comments": no definition of the file, so a free-form edit, as before
    for instruction in ("Rename x to y in k.", "Rename x to y in utils.py", "Rename x to y in comments"):
        request = build_request(THREE, Task("edit", instruction), path="m.py")
        assert [(r.start, r.end, r.draft) for r in request.regions] == [(0, len(THREE), None)]
    # a function's own name renamed "in h" would leave its definition and other calls behind: everywhere
    text = THREE + "\n\ndef main():\n    return f(1) + h(2)\n"
    request = build_request(text, Task("edit", "Rename f to g2 in main."), path="m.py")
    drafted = text
    for region in reversed(request.regions):
        drafted = drafted[:region.start] + region.draft + drafted[region.end:]
    assert drafted == text.replace("def f(", "def g2(").replace("return f(1)", "return g2(1)")


@pytest.mark.parametrize("diagnostic, fixed_word", [
    ("F821 undefined name 'totl'", "total"),
    ("error: 'totl' undeclared (first use in this function)", "total"),
    ("./x.go:3:4: undefined: totl", "total"),
    ("'totl' is not defined. (no-undef)", "total"),
    ("error[E0425]: cannot find value `totl` in this scope", "total"),
])
def test_undefined_name_diagnostics_get_a_spelling_fix_draft(diagnostic, fixed_word):
    text = CODE.replace("return total", "return totl")
    fixed = spelling_fix(text, None, diagnostic)
    assert fixed == CODE


def test_no_draft_for_other_diagnostics_or_unknown_names():
    assert spelling_fix(CODE, None, "E501 line too long") is None
    assert spelling_fix(CODE, None, "F821 undefined name 'zzzzzz'") is None


def test_rename_request_carries_the_renamed_region():
    request = build_request(CODE, Task("rename", "", (1, 3), "total", "acc"), path="a.py")
    assert request.draft == "def area(w, h):\n    acc = w * h\n    return acc\n"
    assert request.region == (0, CODE.index("\n\n") + 1)


@pytest.mark.parametrize("spec, expected", [("2:5", (2, 5)), (" 3 - 4 ", (3, 4)), (None, None)])
def test_parse_lines(spec, expected):
    assert parse_lines(spec) == expected


@pytest.mark.parametrize("spec", ["x", "5", "a:b"])
def test_parse_lines_rejects_junk(spec):
    with pytest.raises(EditError):
        parse_lines(spec)


@pytest.mark.parametrize("first, last", [(0, 2), (3, 2), (1, 99)])
def test_line_region_rejects_bad_ranges(first, last):
    with pytest.raises(EditError):
        line_span(CODE, first, last)


def test_blank_lines_at_region_edges_stay_outside():
    start, end = line_span(CODE, 3, 6)  # "    return total\n\n\ndef main():\n"
    assert CODE[slice(*without_blank_edges(CODE, (start, end)))] == "    return total\n\n\ndef main():\n"
    start, end = line_span(CODE, 4, 6)  # starts with blank lines
    assert CODE[slice(*without_blank_edges(CODE, (start, end)))] == "def main():\n"


def test_a_rename_rewrites_only_the_lines_between_its_first_and_last_change():
    text = "".join(f"def f{i}():\n    return {i}\n\n\n" for i in range(40)) + "def g(x):\n    y = x\n    return y\n"
    request = build_request(text, Task("rename", symbol="y", new_name="z"), path="m.py")
    start, end = request.region
    assert text[start:end].count("\n") <= 6 and "    y = x\n" in text[start:end]
    assert text[:start] + request.draft + text[end:] == text.replace("    y = x\n    return y", "    z = x\n    return z")


def test_changes_far_apart_become_regions_of_their_own():
    text = "".join(f"def f{i}(y):\n    return y + {i}\n\n\n" for i in range(30))
    draft = text.replace("def f3(y):\n    return y", "def f3(z):\n    return z")
    draft = draft.replace("def f25(y):\n    return y", "def f25(z):\n    return z")
    regions = change_regions(text, (0, len(text)), draft)
    assert len(regions) == 2
    for region in regions:
        assert region.end - region.start < len(text) // 4
        assert text[region.start:region.end] != region.draft
    rebuilt = text[:regions[0].start] + regions[0].draft + text[regions[0].end:regions[1].start] + regions[1].draft + text[regions[1].end:]
    assert rebuilt == draft


def test_changes_close_together_share_one_region():
    text = "a = 1\nb = a\nc = b\nd = c\n"
    regions = change_regions(text, (0, len(text)), text.replace("a", "q"))
    assert len(regions) == 1 and regions[0].draft == text.replace("a", "q")[: len(regions[0].draft)]


def test_no_change_no_regions():
    assert change_regions(CODE, (0, len(CODE)), CODE) == []


def test_a_rename_in_two_distant_places_is_one_request_with_two_regions():
    text = "def g(y):\n    return y\n\n\n" + "".join(f"def f{i}():\n    return {i}\n\n\n" for i in range(30)) + "print(y)\n"
    request = build_request(text, Task("rename", symbol="y", new_name="z"), path="m.py")
    assert len(request.regions) == 2
    assert request.drafted_text == text.replace("(y)", "(z)").replace("return y", "return z")


def test_a_region_too_large_for_the_context_is_split_at_blank_lines():
    from lsp_server.engine.engine import split_region
    from lsp_server.engine.request import Region

    text = "".join(f"def f{i}():\n    return {i}\n\n" for i in range(100))
    parts = split_region(text, Region(0, len(text)), limit=200, count_tokens=len)
    assert len(parts) > 1 and all(p.end - p.start <= 200 for p in parts)
    assert "".join(text[p.start:p.end] for p in parts) == text
    assert all(text[p.start:p.end].startswith("def ") for p in parts)  # cut between definitions
    assert split_region(text, Region(0, 50), limit=200, count_tokens=len) == [Region(0, 50)]


@pytest.mark.parametrize("wrong, names, expected", [
    ("segs", {"seg", "segments", "path"}, "segments"),  # an abbreviation, not the nearer spelling
    ("totl", {"total", "tot", "title"}, "total"),
    ("recieve", {"receive", "reserve"}, "receive"),  # letters swapped: the closest spelling
    ("zzz", {"total"}, None),
])
def test_the_closest_name_prefers_one_the_wrong_name_abbreviates(wrong, names, expected):
    from lsp_server.engine.fixes import closest_name

    assert closest_name(wrong, names) == expected


SHAPES = '''\
import math


class Disc:
    def __init__(self, r):
        self.r = r

    @property
    def area(self):
        return math.pi * self.r ** 2


def area(w, h):
    return w * h


# The rim's length.
def rim(r):
    return 2 * math.pi * r
'''


def test_a_symbol_with_an_instruction_is_an_edit_of_the_definitions_so_named():
    from lsp_server.engine.tasks import task_from

    task = task_from("Add type hints", symbol="area,rim")
    assert (task.kind, task.symbol) == ("edit", "area,rim")
    request = build_request(SHAPES, task, path="shapes.py")
    # Both definitions named area (the property with its decorator, the function) and rim, in order.
    assert [SHAPES[r.start:r.end] for r in request.regions] == [
        "    @property\n    def area(self):\n        return math.pi * self.r ** 2\n",
        "def area(w, h):\n    return w * h\n",
        "# The rim's length.\ndef rim(r):\n    return 2 * math.pi * r\n",  # with the comment above it
    ]
    assert all(r.draft is None for r in request.regions)  # free-form: the original lines are the draft
    # A class takes its methods with it.
    request = build_request(SHAPES, task_from("Document it", symbol="Disc,__init__"), path="shapes.py")
    assert [SHAPES[r.start:r.end].splitlines()[0] for r in request.regions] == ["class Disc:"]


CART = """function Cart() {
  this.items = [];
}

Cart.prototype.subtotal = function () {
  var sum = 0;
  for (var i = 0; i < this.items.length; i++) sum += this.items[i].price;
  return sum;
};

module.exports = Cart;
"""


def test_a_javascript_constructor_is_edited_with_its_prototypes_methods_as_one_region():
    from lsp_server.engine.tasks import task_from

    whole = CART[:CART.index("\nmodule")]
    for task in (Task("edit", "Convert Cart to an ES6 class."), task_from("Make it a class.", symbol="Cart")):
        request = build_request(CART, task, path="cart.js")
        assert [CART[r.start:r.end] for r in request.regions] == [whole]
    # overloads of one name at one depth are one region too; two of one name at two depths are not
    text = ("from typing import overload\n\n\n@overload\ndef f(x: int) -> int: ...\n\n\n@overload\n"
            "def f(x: str) -> str: ...\n\n\ndef f(x):\n    return x\n")
    request = build_request(text, task_from("Document it.", symbol="f"), path="m.py")
    assert [text[r.start:r.end] for r in request.regions] == [text[text.index("@overload"):]]


def test_a_javascript_method_assigned_to_a_prototype_is_an_edit_by_its_name():
    from lsp_server.engine.tasks import task_from

    method = CART[CART.index("Cart.prototype"):CART.index("\nmodule")]
    for task in (task_from("Use reduce.", symbol="subtotal"), Task("edit", "Rewrite subtotal() with reduce.")):
        request = build_request(CART, task, path="cart.js")
        assert [CART[r.start:r.end] for r in request.regions] == [method]


def test_a_symbol_without_a_new_name_or_instruction_is_still_a_rename_and_bad_symbols_say_why():
    from lsp_server.engine.tasks import task_from

    assert task_from(None, symbol="area").kind == "rename"
    assert task_from("rename it", symbol="area", new_name="surface").kind == "rename"
    with pytest.raises(EditError, match="no definition named 'perimeter'"):
        build_request(SHAPES, task_from("Add hints", symbol="area,perimeter"), path="shapes.py")
    with pytest.raises(EditError, match="not both"):
        build_request(SHAPES, task_from("Add hints", lines=(1, 3), symbol="area"), path="shapes.py")
    with pytest.raises(EditError, match="give the lines to rewrite"):
        build_request("area = 1\n", task_from("Add hints", symbol="area"), path="notes.txt")


def test_a_batch_line_with_an_instruction_and_a_symbol_is_one_edit():
    from lsp_server.apply import RequestError, check_request

    assert check_request({"file": "shapes.py", "instruction": "Add hints", "symbol": "area"})["symbol"] == "area"
    with pytest.raises(RequestError, match="only one of"):
        check_request({"file": "shapes.py", "instruction": "Add hints", "symbol": "area", "new_name": "surface"})


def test_a_parameter_named_like_a_function_is_renamed_in_the_function_given_alone():
    text = "def callback():\n    return 1\n\n\ndef run(callback):\n    return callback()\n\n\ndef main():\n    return run(callback)\n"
    request = build_request(text, Task("edit", "Rename the callback parameter of run to fn."), path="m.py")
    drafted = text
    for region in reversed(request.regions):
        drafted = drafted[:region.start] + region.draft + drafted[region.end:]
    assert drafted == text.replace("def run(callback):\n    return callback()", "def run(fn):\n    return fn()")
    # an attribute is used outside its class: no tool's rename inside the class alone (a free-form edit, as before)
    config = "class Config:\n    def __init__(self, host):\n        self.host = host\n\n\ndef show(cfg):\n    return cfg.host\n"
    request = build_request(config, Task("edit", "Rename the host attribute of Config to addr."), path="c.py")
    assert [r.draft for r in request.regions] == [None]
