"""Directive comments (`# ai: ...`, `// ai: ...`, `/* ai: ... */`) that carry an edit instruction."""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import queries
from .languages import Language
from .lines import line_end, line_start

# Comment openers/closers of all supported languages; the grammar already says where a comment is.
_OPENER = re.compile(rb"^\s*(?:#+|//+!?|/\*+!?|<!--|--+|;+|\*)\s*")
_CLOSER = re.compile(rb"\s*(?:\*+/|-->)\s*$")
_AI = re.compile(rb"^ai:\s*", re.IGNORECASE)
_FALLBACK_PREFIXES = ("#", "//", "--", ";")


@dataclass(frozen=True)
class Directive:
    """[start, end) (UTF-8 bytes) covers the directive's whole comment line(s) incl. the trailing '\\n';
    for a comment after code on its line, from the end of that code up to (not incl.) the '\\n'."""

    start: int
    end: int
    instruction: str


def _instruction(comment: bytes) -> str | None:
    lines = [_OPENER.sub(b"", _CLOSER.sub(b"", line), count=1) for line in comment.splitlines()]
    lines = [line.strip() for line in lines]
    while lines and not lines[0]:
        lines.pop(0)
    if not lines or not _AI.match(lines[0]):
        return None
    lines[0] = _AI.sub(b"", lines[0], count=1)
    text = b" ".join(line for line in lines if line).decode("utf-8", "replace").strip()
    return text or None


def _span(source: bytes, start: int, end: int) -> tuple[int, int]:
    """The comment's whole lines, or only the comment (and the blanks before it) if code precedes it."""
    first = line_start(source, start)
    if source[first:start].strip():
        return len(source[:start].rstrip(b" \t")), len(source[:line_end(source, max(end - 1, start))].rstrip(b"\r\n"))
    return first, line_end(source, max(end - 1, start))


def _comment_ranges(source: bytes, language: Language, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Comments (byte ranges); with a grammar, only those of the matches near [start, end) (end None: all)."""
    if language.has_grammar:
        if end is None or (start == 0 and end >= len(source)):
            return queries.ranges(language, source, "textobjects", ("comment",))
        found = queries.captures_near(language, source, "textobjects", start, end).get("comment", ())
        return sorted({(n.start_byte, n.end_byte) for n in found})
    prefixes = (language.line_comment,) if language.line_comment else _FALLBACK_PREFIXES
    found, offset = [], 0
    for line in source.splitlines(keepends=True):
        if line.lstrip().startswith(tuple(p.encode() for p in prefixes)):
            found.append((offset + len(line) - len(line.lstrip()), offset + len(line.rstrip(b"\r\n"))))
        offset += len(line)
    return found


def find_directives(source: bytes, language: Language, start: int = 0, end: int | None = None) -> list[Directive]:
    """Directive comments whose comment overlaps [start,end) (UTF-8 byte offsets; end None = EOF).

    A directive is a comment whose text, after its comment marker, starts with 'ai:' (any case).
    Comments come from the grammar's @comment captures, else lines starting with the language's
    line-comment prefix (unknown language: '#', '//', '--' or ';').
    """
    comments = _comment_ranges(source, language, start, end)
    end = len(source) if end is None else end
    directives = []
    for s, e in comments:
        touches = s < end and start < e or (start == end and s <= start <= e)
        if not touches:
            continue
        instruction = _instruction(source[s:e])
        if instruction:
            span_start, span_end = _span(source, s, e)
            directives.append(Directive(span_start, span_end, instruction))
    return directives
