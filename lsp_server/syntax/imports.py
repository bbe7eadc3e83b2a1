"""A file's imports (grammars/<lang>/imports.scm): where a new one goes, and imports that a rewritten
definition's answer wrote above it moved there.

An answer for one function is only that function's lines, so a model that needs an import (`from
typing import Optional`, `import logging`) writes it above the function, in the middle of the file.
"""

from __future__ import annotations

from . import queries
from .languages import Language
from .lines import line_end, line_start


def _leading(source: bytes, language: Language, rewritten: list[tuple[int, int]] = ()) -> tuple[list, int] | None:
    """(the file's imports above its first definition, where the next import goes); None: the language
    has no imports query.

    A new import goes after the last top-level import that comes before the first function or class
    (statements between imports, `__version__ = ...`, are passed over), else after the header (a
    docstring, a package clause, 'use strict', comments above it allowed), else after the comments
    the file starts with (a licence, a #! line). `rewritten` (byte spans): a rewritten definition's
    lines, where the search stops too.
    """
    if queries.query(language, "imports") is None:
        return None
    found = queries.captures(language, source, "imports")
    imports = {(n.start_byte, n.end_byte) for n in found.get("import", ())}
    headers = {(n.start_byte, n.end_byte) for n in found.get("header", ())}
    shapes = queries.captures(language, source, "textobjects")
    definitions = {(n.start_byte, n.end_byte) for cap in ("function.outer", "class.outer") for n in shapes.get(cap, ())}
    top, after_import, after_header, after_comment, code = [], None, None, 0, False
    for node in queries.parse(language, source).root_node.named_children:
        key, end = (node.start_byte, node.end_byte), line_end(source, max(node.start_byte, node.end_byte - 1))
        if any(s <= node.start_byte < e for s, e in rewritten):
            break
        if key in imports:
            top.append(node)
            after_import = end
        elif key in definitions or any(s <= node.start_byte and node.end_byte <= e for s, e in definitions):
            break
        elif key in headers and not code and after_import is None:
            after_header = end
        elif "comment" in node.type:
            if not code and after_import is None and after_header is None:
                after_comment = end
        else:
            code = True
    at = after_import if after_import is not None else after_header if after_header is not None else after_comment
    return top, at


def add_imports(source: bytes, language: Language, lines: list[bytes]) -> tuple[bytes, int]:
    """`source` with import lines added below its leading imports (those it has already left out), and
    the offset where they went; (source, len(source)) when nothing was added or the language has no
    imports query."""
    leading = _leading(source, language)
    if leading is None:
        return source, len(source)
    top, at = leading
    have = {n.text.strip() for n in top}
    new = [line.strip() + b"\n" for line in dict.fromkeys(lines) if line.strip() not in have]
    if not new:
        return source, len(source)
    blank = [b"\n"] if not top and at > 0 else []  # the first import below a docstring or package clause
    return b"".join([source[:at], *blank, *new, source[at:]]), at


def hoist_imports(source: bytes, language: Language, spans: list[tuple[int, int]]) -> tuple[bytes, int]:
    """`source` with the top-level imports that start inside `spans` (byte spans of rewritten code), below
    the file's leading imports, moved up to them; one the file already has (the same text) is dropped.

    Returns the new source and the line start from which it differs from `source` (len(source) if equal).
    """
    leading = _leading(source, language, spans)
    if leading is None:
        return source, len(source)
    top, at = leading
    found = queries.captures(language, source, "imports").get("import", ())
    moved = sorted((n for n in found if n.start_byte >= at and any(s <= n.start_byte < e for s, e in spans)),
                   key=lambda n: n.start_byte)
    if not moved:
        return source, len(source)
    cuts: list[tuple[int, int]] = []
    for node in moved:
        lo, hi = line_start(source, node.start_byte), line_end(source, max(node.start_byte, node.end_byte - 1))
        if source[lo:node.start_byte].strip() or source[node.end_byte:hi].strip():
            continue  # shares a line with other code: left where it is
        while hi < len(source) and not source[hi:line_end(source, hi)].strip():
            hi = line_end(source, hi)  # the blank lines after it go with it
        cuts.append((lo, hi))
    if not cuts:
        return source, len(source)
    pieces, done = [], 0
    for lo, hi in cuts:
        pieces.append(source[done:lo])
        done = hi
    pieces.append(source[done:])
    added, _ = add_imports(b"".join(pieces), language, [source[lo:hi].strip() for lo, hi in cuts])
    same = next((i for i, (a, b) in enumerate(zip(source, added)) if a != b), min(len(source), len(added)))
    return added, line_start(source, same)
