"""Chunk boundaries for speculative drafts and re-sync targets (UTF-8 byte offsets)."""

from __future__ import annotations

from bisect import bisect_left

from . import queries
from .languages import Language
from .lines import line_end, line_starts, rest_of_line_is_blank


class SyntaxIndex:
    """Boundaries of one source text, built once, queried many times per edit (must be fast: bisect).

    All offsets are 0-based UTF-8 byte offsets into `source`.
    chunk_ends: where a draft chunk may end: the end of every statement/function/class/block/comment
    node (taken to the end of its line, '\\n' included, when only whitespace follows), every line
    end (offset after '\\n') and len(source).
    sync_starts: preferred re-sync targets: every line start and the start of those nodes.
    """

    def __init__(self, source: bytes, language: Language):
        self.source = source
        starts = line_starts(source)
        ends = set(starts[1:])
        ends.add(len(source))
        syncs = set(starts)
        if language.has_grammar:
            for start, end in queries.ranges(language, source, "textobjects", queries.STRUCTURE_CAPTURES):
                if end <= start:
                    continue  # zero-width (MISSING) nodes carry no boundary
                ends.add(line_end(source, end) if rest_of_line_is_blank(source, end) else end)
                syncs.add(start)
        self.chunk_ends: list[int] = sorted(ends)
        self.sync_starts: list[int] = sorted(syncs)

    def is_sync_start(self, pos: int) -> bool:
        """True if byte offset `pos` is a line start or the start of a statement-like node."""
        i = bisect_left(self.sync_starts, pos)
        return i < len(self.sync_starts) and self.sync_starts[i] == pos
