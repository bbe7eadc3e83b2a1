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


@functools.lru_cache(maxsize=16)
def parse(language: Language, source: bytes) -> tree_sitter.Tree:
    """The syntax tree of `source` (UTF-8 bytes); the language must have a grammar."""
    with _parse_lock:
        return _parser(language).parse(source)


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


@functools.lru_cache(maxsize=64)
def query_from_text(language: Language, text: str) -> tree_sitter.Query | None:
    """A query built in code from language-neutral patterns only (e.g. `(_)` with #eq?)."""
    try:
        return tree_sitter.Query(language._ts_language, text)
    except tree_sitter.QueryError as exc:
        log.error("invalid query for %s: %s", language.name, exc)
        return None
