"""Parsing and query captures, cached per language and source text (tree-sitter byte offsets)."""

from __future__ import annotations

import functools
import logging
import threading

import tree_sitter

from .languages import Language, grammars_root, language_named

log = logging.getLogger(__name__)

# Capture names shared by every grammars/<lang>/*.scm file.
STRUCTURE_CAPTURES = ("function.outer", "class.outer", "statement.outer", "block.outer", "comment")
SCOPE_CAPTURES = ("function.outer", "class.outer", "statement.outer")

_parse_lock = threading.Lock()


@functools.lru_cache(maxsize=None)
def _parser(language: Language) -> tree_sitter.Parser:
    return tree_sitter.Parser(language._ts_language)


def _query_text(name: str, kind: str, seen: frozenset[str] = frozenset()) -> str:
    """The text of grammars/<name>/<kind>.scm, after the files of the languages it inherits from."""
    language = language_named(name)
    parts = [
        _query_text(parent, kind, seen | {name}) for parent in language._inherits if parent not in seen
    ]
    query_file = grammars_root() / name / f"{kind}.scm"
    if query_file.is_file():
        parts.append(query_file.read_text(encoding="utf-8"))
    return "\n".join(parts)


@functools.lru_cache(maxsize=None)
def query(language: Language, kind: str) -> tree_sitter.Query | None:
    """The compiled query grammars/<lang>/<kind>.scm, or None (logged) if it is absent or invalid."""
    if not language.has_grammar:
        return None
    text = _query_text(language.name, kind)
    if not text.strip():
        return None
    try:
        return tree_sitter.Query(language._ts_language, text)
    except tree_sitter.QueryError as exc:
        log.error("invalid %s query for %s: %s", kind, language.name, exc)
        return None


# Sources at least this large are parsed incrementally from the language's previous parse (an
# editor's didChange of a 50,000-line file otherwise costs a full parse, ~0.4 s, per keystroke).
INCREMENTAL_MIN_BYTES = 256 * 1024
_last_parse: dict[str, tuple[bytes, tree_sitter.Tree]] = {}  # language name -> (source, tree), under _parse_lock


@functools.lru_cache(maxsize=16)
def parse(language: Language, source: bytes) -> tree_sitter.Tree:
    """The syntax tree of `source` (UTF-8 bytes); the language must have a grammar."""
    with _parse_lock:
        previous = _last_parse.get(language.name) if len(source) >= INCREMENTAL_MIN_BYTES else None
        if previous is not None:
            old_tree = previous[1].copy()  # the cached tree itself is never edited
            old_tree.edit(**_edit_between(previous[0], source))
            tree = _parser(language).parse(source, old_tree)
        else:
            tree = _parser(language).parse(source)
        if len(source) >= INCREMENTAL_MIN_BYTES:
            _last_parse[language.name] = (source, tree)
        return tree


def _common_prefix(a: bytes, b: bytes, limit: int) -> int:
    """Length of the common prefix of a and b, at most limit (compares 64 KiB blocks, then bisects)."""
    block, n = 1 << 16, 0
    while n + block <= limit and a[n:n + block] == b[n:n + block]:
        n += block
    lo, hi = n, min(limit, n + block)  # the prefix ends in [lo, hi]
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[n:mid] == b[n:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _point(source: bytes, offset: int) -> tuple[int, int]:
    return source.count(b"\n", 0, offset), offset - (source.rfind(b"\n", 0, offset) + 1)


def _edit_between(old: bytes, new: bytes) -> dict:
    """tree_sitter.Tree.edit arguments turning old into new: the span between their common prefix and suffix."""
    limit = min(len(old), len(new))
    start = _common_prefix(old, new, limit)
    suffix = _common_prefix(old[::-1], new[::-1], limit - start)
    old_end, new_end = len(old) - suffix, len(new) - suffix
    return {"start_byte": start, "old_end_byte": old_end, "new_end_byte": new_end,
            "start_point": _point(old, start), "old_end_point": _point(old, old_end), "new_end_point": _point(new, new_end)}


@functools.lru_cache(maxsize=16)
def captures(language: Language, source: bytes, kind: str) -> dict[str, list[tree_sitter.Node]]:
    """Capture name -> nodes (sorted by start byte) of query `kind` over the whole of `source`."""
    compiled = query(language, kind)
    if compiled is None:
        return {}
    found = tree_sitter.QueryCursor(compiled).captures(parse(language, source).root_node)
    return {name: sorted(nodes, key=lambda n: (n.start_byte, -n.end_byte)) for name, nodes in found.items()}


def ranges(language: Language, source: bytes, kind: str, names: tuple[str, ...]) -> list[tuple[int, int]]:
    """Sorted unique (start, end) byte ranges of the nodes captured under any of `names`."""
    found = captures(language, source, kind)
    return sorted({(n.start_byte, n.end_byte) for name in names for n in found.get(name, ())})


def captures_near(language: Language, source: bytes, kind: str, start: int, end: int) -> dict[str, list[tree_sitter.Node]]:
    """Like captures(), but only of matches that overlap bytes [start - 1, end + 1) (clamped to the source).

    For lookups at a cursor in a large file: the query runs on that stretch of the tree only,
    instead of over the whole file for every new text. Callers filter the nodes as before.
    """
    compiled = query(language, kind)
    if compiled is None:
        return {}
    lo, hi = max(0, min(start, end) - 1), min(len(source), max(start, end) + 1)
    cursor = tree_sitter.QueryCursor(compiled)
    cursor.set_byte_range(lo, max(lo, hi))
    found = cursor.captures(parse(language, source).root_node)
    return {name: sorted(nodes, key=lambda n: (n.start_byte, -n.end_byte)) for name, nodes in found.items()}


def _predicate(name: str, args: list[tuple[str, str]], _pattern: int, captured: dict[str, list[tree_sitter.Node]]) -> bool:
    """Predicates tree-sitter leaves to its host: `(#has-parent? @capture kind ...)`, true when every node
    captured there has a parent of one of the kinds (which the query names, not this code)."""
    if name == "has-parent?" and args and args[0][1] == "capture":
        kinds = {value for value, what in args[1:] if what == "string"}
        return all(n.parent is not None and n.parent.type in kinds for n in captured.get(args[0][0], ()))
    log.error("unknown query predicate #%s", name)
    return False


def matches(language: Language, source: bytes, kind: str) -> list[tuple[dict[str, str | None], dict[str, list[tree_sitter.Node]]]]:
    """Every match of query `kind` over `source`: (the pattern's #set! properties, capture name -> nodes)."""
    compiled = query(language, kind)
    if compiled is None:
        return []
    found = tree_sitter.QueryCursor(compiled).matches(parse(language, source).root_node, predicate=_predicate)
    return [(compiled.pattern_settings(index), captured) for index, captured in found]


@functools.lru_cache(maxsize=64)
def query_from_text(language: Language, text: str) -> tree_sitter.Query | None:
    """A query built in code from language-neutral patterns only (e.g. `(_)` with #eq?)."""
    try:
        return tree_sitter.Query(language._ts_language, text)
    except tree_sitter.QueryError as exc:
        log.error("invalid query for %s: %s", language.name, exc)
        return None
