"""Which of a type's several blocks a request is about (pure).

A Rust type is its `struct`/`enum` and every `impl` of it (`impl Value`, `impl From<f64> for Value`, ...);
a C++ class can be split the same way. Asked "Add an as_bool method to Value" of a file with fifteen
such blocks, the region was all of them (one span from the enum to the last impl, 9 KB): the 1.5B
rewrote it for two minutes and moved impls into one another, or ran out of budget. A request that adds
a method goes in the block that holds the most of the type's methods (the inherent `impl`); a doc
comment goes on the first block (the declaration); anything else keeps them all.

A request that adds a new method ("Add a __len__ method to scheduler", "Add canUndo and canRedo getters
to SourceHistory") rewrites the block's last method, after which it goes, not the whole class: asked of
the standard library's 167-line `sched.py`, the class was a 2,299-token prompt and an 877-token answer
(35.9 s); its last method, 714 and 141 (10.2 s), the same new method.
"""

from __future__ import annotations

import re

from .. import syntax
from .docsonly import MORE
from .scope import declared_at
from ..syntax.scopes import Unit

# A request that writes a new method or function ("Add an as_bool method", "give Value a method that ...").
ADDS_METHOD = re.compile(r"\b(?:add|adds|adding|write|define|create|implement|introduce|give)\b[^.;:!?]*?"
                         r"\b(?:methods?|fns?|functions?|constructors?|getters?|setters?)\b", re.IGNORECASE)
# A request that writes a new method, named or not, and not one about the methods there are ("Add a clear()
# method to X", "Add canUndo and canRedo getters"; not "Add type hints to the methods", "a docstring to each method").
# A constructor is not one: it goes first, not after the last method.
ADDS_NEW = re.compile(r"^(?!.*(?:constructor|__init__|\binit\b))(?:.*?)\b(?:add|write|define|create|implement|introduce)"
                      r"\s+(?:(?!\b(?:to|for|in|on|of|into|with|each|every|all|the|its|their|existing)\b)[^.;:!?])*?"
                      r"\b(?:methods?|fns?|functions?|getters?|setters?)\b", re.IGNORECASE | re.DOTALL)
# What goes right above a definition.
ATTACHING = re.compile(r"\b(?:comments?|doc|docs|docstrings?|jsdoc|javadoc|rustdoc|attributes?|derives?)\b",
                       re.IGNORECASE)


def chosen(units: list[Unit], instruction: str, source: bytes, language: syntax.Language) -> list[Unit]:
    """The units of one name a request should rewrite: `units` as given unless they are class blocks (none
    inside another); of two or more, the one holding the most functions for a request that adds one, the
    first for one that attaches a comment or attribute, else all of them; and for a request that adds a new
    method, of that block its last method (the block where it has none)."""
    adds_new = bool(ADDS_NEW.search(instruction)) and not MORE.search(instruction)  # a second request: the whole class
    if len(units) < 2 and not adds_new:
        return units  # one definition (most names): no second parse of the file
    defined = syntax.definitions(source, language)
    classes = {u for kind, u in defined.get(_name(units), ()) if kind == "class.outer"}
    blocks = [u for u in units if u in classes and not any(o != u and o.start <= u.start and u.end <= o.end for o in units)]
    if not blocks or len(blocks) != len(units):
        return units
    functions = [u for pairs in defined.values() for kind, u in pairs if kind == "function.outer"]
    if len(blocks) > 1 and (said := _headed(blocks, instruction, source)):
        blocks = said  # "Make Quoted's Debug write single quotes": `impl<C> Debug for Quoted<C>`
    if len(blocks) > 1:
        if not ADDS_METHOD.search(instruction):
            return [blocks[0]] if ATTACHING.search(instruction) else units
        held = [sum(b.start <= f.start and f.end <= b.end for f in functions) for b in blocks]
        blocks = [blocks[held.index(max(held))]]
    if not adds_new:
        return blocks
    inner = [u for pairs in defined.values() for kind, u in pairs if kind == "class.outer" and u != blocks[0]
             and blocks[0].start <= u.start and u.end <= blocks[0].end]  # a nested class's methods are not its own
    methods = [f for f in functions if blocks[0].start <= f.start and f.end <= blocks[0].end
               and not any(c.start <= f.start and f.end <= c.end for c in inner)]
    outermost = [f for f in methods if not any(o != f and o.start <= f.start and f.end <= o.end for o in methods)]
    return [max(outermost, key=lambda f: f.end)] if outermost else blocks  # its last method, or all of it


def _headed(blocks: list[Unit], instruction: str, source: bytes) -> list[Unit]:
    """The blocks whose heads (the line that names the type) hold a name the request writes, as it is written
    (with a capital or an underscore: no keyword), that not every block's head holds (a trait: `impl Debug for
    Quoted`); [] where there are none."""
    words = re.sub(r"(?:^|[.!?;:]\s+)\s*[A-Za-z_]\w*", " ", instruction)  # not a sentence's first word: "Add"
    said = {w for w in re.findall(r"[A-Za-z_]\w*", words) if w.lower() != w or "_" in w} - {_name(blocks)}
    heads = []
    for u in blocks:
        at = re.compile(rb"(?<![\w$])" + re.escape(u.name.encode()) + rb"(?![\w$])").search(source, u.start) if u.name else None
        head = source[source.rfind(b"\n", 0, at.start()) + 1:source.find(b"\n", at.start())] if at else b""
        heads.append(set(re.findall(r"[A-Za-z_]\w*", head.decode("utf-8", "replace"))) & said)
    common = set.intersection(*heads)
    return [u for u, words in zip(blocks, heads) if words - common]


def _name(units: list[Unit]) -> str:
    return units[0].name if units else ""


def beside(text: str, start: int, end: int, answer: str, asked: set[str], language: syntax.Language) -> str | None:
    """For an answer that wrote a new definition the request asks for ("Add a CheckErrf function that ...
    calls CheckErr") in place of the region's, which it no longer defines: the region as it was, then the
    answer, apart as the region is from the code above it. None where the answer defines none of `asked`
    that the file lacks."""
    defined = syntax.definitions(text.encode("utf-8"), language)
    written = set(syntax.definitions(answer.encode("utf-8"), language))
    region = syntax.definitions(text[start:end].encode("utf-8"), language)
    new = written & asked
    if not new or new & set(defined) or written & set(region) or not text[start:end].endswith("\n"):
        return None  # (one that also rewrote a definition of the region would have it twice)
    gap = len(text[:start]) - len(text[:start].rstrip("\r\n"))
    blank = (text[:start][-gap:].count("\n") - 1) if gap else 1
    newline = "\r\n" if text[start:end].endswith("\r\n") else "\n"
    return text[start:end] + newline * max(1, blank) + answer.lstrip("\r\n")


def written_twice(original: str, edited: str, language: syntax.Language) -> list[str]:
    """The definitions `edited` declares twice or more with the same line, inside the same definitions (by their
    own declaring lines), where `original` had fewer: a helper asked of two functions' regions, written into each
    answer (`func quotedRealm(realm string) string {`, twice). Overloads, a Go method of several types, a getter and
    its setter declare theirs with lines of their own; the same method of two classes or impls is in each's own."""
    before, after = (syntax.definitions(t.encode("utf-8"), language) for t in (original, edited))
    if not any(len(found) > len(before.get(name, ())) for name, found in after.items()):
        return []  # (most edits: no name defined more often than before)

    def declaring(found: dict, source: bytes) -> dict[tuple, int]:
        units = [(name, unit) for name, pairs in found.items() for _, unit in pairs]
        lines = {}
        for name, unit in units:
            at = declared_at(source, unit.start, unit.end, name)
            end = source.find(b"\n", at) if at is not None else -1
            lines[name, unit] = None if at is None else source[source.rfind(b"\n", 0, at) + 1:end if end >= 0 else None].strip()
        counts: dict[tuple, int] = {}
        for name, unit in units:
            owners = tuple(lines[o] for o in sorted(((n, u) for n, u in units if u != unit and u.start <= unit.start
                                                     and unit.end <= u.end), key=lambda o: o[1].start))
            if lines[name, unit] is not None:
                key = (owners, name, lines[name, unit])
                counts[key] = counts.get(key, 0) + 1
        return counts
    was = declaring(before, original.encode("utf-8"))
    return sorted({key[1] for key, n in declaring(after, edited.encode("utf-8")).items() if n > 1 and n > was.get(key, 0)})
