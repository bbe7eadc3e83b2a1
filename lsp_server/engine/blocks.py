"""Which of a type's several blocks a request is about (pure).

A Rust type is its `struct`/`enum` and every `impl` of it (`impl Value`, `impl From<f64> for Value`, ...);
a C++ class can be split the same way. Asked "Add an as_bool method to Value" of a file with fifteen
such blocks, the region was all of them (one span from the enum to the last impl, 9 KB): the 1.5B
rewrote it for two minutes and moved impls into one another, or ran out of budget. A request that adds
a method goes in the block that holds the most of the type's methods (the inherent `impl`); a doc
comment goes on the first block (the declaration); anything else keeps them all.
"""

from __future__ import annotations

import re

from .. import syntax
from ..syntax.scopes import Unit

# A request that writes a new method or function ("Add an as_bool method", "give Value a method that ...").
ADDS_METHOD = re.compile(r"\b(?:add|adds|adding|write|define|create|implement|introduce|give)\b[^.;:!?]*?"
                         r"\b(?:methods?|fns?|functions?|constructors?|getters?|setters?)\b", re.IGNORECASE)
# What goes right above a definition.
ATTACHING = re.compile(r"\b(?:comments?|doc|docs|docstrings?|jsdoc|javadoc|rustdoc|attributes?|derives?)\b",
                       re.IGNORECASE)


def chosen(units: list[Unit], instruction: str, source: bytes, language: syntax.Language) -> list[Unit]:
    """The units of one name a request should rewrite: `units` as given unless they are two or more
    separate class blocks (none inside another); then the one holding the most functions for a request
    that adds one, the first for one that attaches a comment or attribute, else all of them."""
    if len(units) < 2:
        return units  # one definition (most names): no second parse of the file
    defined = syntax.definitions(source, language)
    classes = {u for kind, u in defined.get(_name(units), ()) if kind == "class.outer"}
    blocks = [u for u in units if u in classes and not any(o != u and o.start <= u.start and u.end <= o.end for o in units)]
    if len(blocks) < 2 or len(blocks) != len(units):
        return units
    if ADDS_METHOD.search(instruction):
        functions = [u for pairs in defined.values() for kind, u in pairs if kind == "function.outer"]
        held = [sum(b.start <= f.start and f.end <= b.end for f in functions) for b in blocks]
        return [blocks[held.index(max(held))]]
    if ATTACHING.search(instruction):
        return [blocks[0]]
    return units


def _name(units: list[Unit]) -> str:
    return units[0].name if units else ""
