"""Edit scopes (which region an edit rewrites) and identifier lookup, in UTF-8 byte offsets."""

from __future__ import annotations

import re

from . import queries
from .languages import Language
from .lines import line_end, line_start, whole_lines

# A name: a word that does not start with a digit (ASCII word characters, $, any non-ASCII).
WORD = re.compile(rb"[A-Za-z_$\x80-\xff][\w$\x80-\xff]*")


def _closure(start: int, end: int, nodes: list[tuple[int, int]]) -> tuple[int, int]:
    """[start, end) grown until no node crosses its boundary (so it holds whole nodes only)."""
    changed = True
    while changed:
        changed = False
        for s, e in nodes:
            overlaps = s < end and start < e
            contains = s <= start and end <= e
            if overlaps and not contains and (s < start or e > end):
                start, end, changed = min(start, s), max(end, e), True
    return start, end


def edit_scope(source: bytes, language: Language, start: int, end: int, max_bytes: int) -> tuple[int, int]:
    """Region to rewrite for a selection/cursor/diagnostic [start,end) (UTF-8 byte offsets, end-exclusive).

    Preference order, each grown to whole lines (first line's start .. after the last line's '\\n' or
    EOF), taking the first one no longer than max_bytes:
    1. a selection that spans parts of several function/class/statement nodes: the union of the
       nodes it touches;
    2. the smallest function/class/statement node containing [start,end) (for a cursor, start ==
       end: the smallest such node around it, touching counts), then the enclosing ones outward;
    3. the whole lines of [start,end) (a cursor: its line), whatever their size.
    Comments are not scopes. Unknown language: always 3. A selection of the whole file is (0, len).
    """
    size = len(source)
    start, end = max(0, min(start, size)), max(0, min(end, size))
    if start > end:
        start, end = end, start
    if start == 0 and end == size:
        return 0, size
    fallback = whole_lines(source, start, end)
    if not language.has_grammar:
        return fallback
    comments = set(queries.ranges(language, source, "textobjects", ("comment",)))
    nodes = [r for r in queries.ranges(language, source, "textobjects", queries.SCOPE_CAPTURES) if r not in comments and r[1] > r[0]]
    candidates: list[tuple[int, int]] = []
    if start < end:
        union = _closure(start, end, nodes)
        if any(union[0] <= s and e <= union[1] for s, e in nodes):
            candidates.append(union)
    containing = [(s, e) for s, e in nodes if s <= start and end <= e]
    candidates.extend(sorted(containing, key=lambda r: r[1] - r[0]))
    for s, e in candidates:
        region = line_start(source, s), line_end(source, e - 1)
        if region[1] - region[0] <= max_bytes:
            return region
    return fallback


def names_in(source: bytes, language: Language, start: int = 0, end: int | None = None) -> set[str]:
    """The identifiers (names.scm @identifier captures; no keywords, no words in strings) in [start, end)."""
    end = len(source) if end is None else end
    if not language.has_grammar:
        return {m.group().decode("utf-8", "replace") for m in WORD.finditer(source, start, end)}
    return {n.text.decode("utf-8", "replace") for n in queries.captures(language, source, "names").get("identifier", ())
            if start <= n.start_byte and n.end_byte <= end}


def identifier_at(source: bytes, language: Language, offset: int) -> tuple[int, int, str] | None:
    """(start, end, text) of the identifier touching byte `offset` (start <= offset <= end), or None.

    Prefers the @identifier captures of grammars/<lang>/names.scm, then any named leaf whose text is a
    word; unknown language: the word (letters, digits, _, $) around the offset.
    """
    if language.has_grammar:
        touching = [
            n for n in queries.captures_near(language, source, "names", offset, offset).get("identifier", ())
            if n.start_byte <= offset <= n.end_byte
        ]
        if touching:
            # The one the offset is inside beats one that merely ends at it.
            node = max(touching, key=lambda n: (n.start_byte <= offset < n.end_byte, n.start_byte))
            return node.start_byte, node.end_byte, node.text.decode("utf-8", "replace")
        root = queries.parse(language, source).root_node
        for probe in (offset, offset - 1):
            if probe < 0:
                continue
            leaf = root.descendant_for_byte_range(probe, probe + 1)
            if leaf is not None and leaf.is_named and leaf.child_count == 0 and WORD.fullmatch(leaf.text or b""):
                return leaf.start_byte, leaf.end_byte, leaf.text.decode("utf-8", "replace")
        return None
    lo, hi = line_start(source, offset), line_end(source, offset)
    for match in WORD.finditer(source, lo, hi):
        if match.start() <= offset <= match.end():
            return match.start(), match.end(), match.group().decode("utf-8", "replace")
    return None
