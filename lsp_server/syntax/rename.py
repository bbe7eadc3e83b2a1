"""Deterministic rename: the draft the model verifies for "Rename with AI"."""

from __future__ import annotations

import re

import tree_sitter

from . import queries
from .languages import Language
from .locals import Bindings


def _word(name: bytes) -> re.Pattern[bytes]:
    return re.compile(rb"(?<![\w$\x80-\xff])" + re.escape(name) + rb"(?![\w$\x80-\xff])")


def _leaves_named(language: Language, source: bytes, name: str) -> set[tuple[int, int]]:
    """Ranges of named nodes whose text is exactly `name` (identifiers of every kind, no type list)."""
    literal = name.replace("\\", "\\\\").replace('"', '\\"')
    text_query = queries.query_from_text(language, f'((_) @name (#eq? @name "{literal}"))')
    root = queries.parse(language, source).root_node
    found = tree_sitter.QueryCursor(text_query).captures(root).get("name", []) if text_query else []
    return {(n.start_byte, n.end_byte) for n in found}


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(lo <= start and end <= hi for lo, hi in spans)


def comment_ranges(source: bytes, language: Language) -> list[tuple[int, int]]:
    """Byte ranges of the comments in `source` (@comment of textobjects.scm)."""
    return queries.ranges(language, source, "textobjects", ("comment",)) if language.has_grammar else []


def literal_ranges(source: bytes, language: Language) -> list[tuple[int, int]]:
    """Byte ranges of the string literals in `source` (@literal of names.scm)."""
    return queries.ranges(language, source, "names", ("literal",)) if language.has_grammar else []


def prose_ranges(source: bytes, language: Language) -> list[tuple[int, int]]:
    """Byte ranges of prose in `source`: comments and docstrings (@prose of names.scm)."""
    if not language.has_grammar:
        return []
    return comment_ranges(source, language) + queries.ranges(language, source, "names", ("prose",))


def rename_draft(source: bytes, language: Language, name: str, new_name: str, at: int | None = None) -> bytes:
    """`source` with `name` renamed to `new_name` (whole identifiers only; UTF-8 bytes in and out).

    Renamed: every identifier node whose text == name (the @identifier captures of
    grammars/<lang>/names.scm, and any other named node with exactly that text unless it lies
    inside a string @literal: a dictionary key or a log message is data, not the name), and
    whole-word mentions in @comment and @prose nodes (comments, docstrings). Unknown language: a
    whole-word replace over the whole text.

    at: a byte offset in the occurrence under the cursor; then only the occurrences of the same
    binding are renamed (grammars/<lang>/locals.scm, see syntax/locals.py): a local variable or a
    parameter within its scope, and a module-level name, an attribute or a method everywhere
    except where a local of the same name shadows it. None: every occurrence (file-wide).
    """
    if not name or name == new_name:
        return source
    old, new = name.encode(), new_name.encode()
    word = _word(old)
    if not language.has_grammar:
        return word.sub(lambda _: new, source)
    literals = queries.ranges(language, source, "names", ("literal",))
    nodes = {s for s in _leaves_named(language, source, name) if not _inside(literals, *s)}
    identifiers = queries.captures(language, source, "names").get("identifier", ())
    nodes.update((n.start_byte, n.end_byte) for n in identifiers if n.text == old)
    words = {m.span() for start, end in prose_ranges(source, language) for m in word.finditer(source, start, end)}
    if at is not None:
        bindings = Bindings(source, language, old)
        target = bindings.at(at)
        nodes = {s for s in nodes if bindings.of_node(s) == target}
        words = {s for s in words if bindings.of_word(s) == target}
    out, last = [], 0
    for start, end in sorted(nodes | words):
        if start < last:
            continue  # nested capture of a span already replaced
        out += [source[last:start], new]
        last = end
    out.append(source[last:])
    return b"".join(out)
