"""Line arithmetic on UTF-8 source bytes (0-based byte offsets, end-exclusive)."""

from __future__ import annotations


def line_start(source: bytes, offset: int) -> int:
    """Offset of the first byte of the line holding `offset`."""
    return source.rfind(b"\n", 0, max(offset, 0)) + 1


def line_end(source: bytes, offset: int) -> int:
    """Offset just after the '\\n' ending the line holding `offset`, or len(source) on the last line."""
    newline = source.find(b"\n", offset)
    return len(source) if newline < 0 else newline + 1


def whole_lines(source: bytes, start: int, end: int) -> tuple[int, int]:
    """[start, end) grown to whole lines; a non-empty range ending at a line start does not take that line."""
    last = end - 1 if end > start and end > 0 and source[end - 1 : end] == b"\n" else end
    return line_start(source, start), line_end(source, max(last, start))


def rest_of_line_is_blank(source: bytes, offset: int) -> bool:
    """True if only spaces/tabs/CR follow `offset` up to the end of its line."""
    return not source[offset : line_end(source, offset)].strip()


def line_starts(source: bytes) -> list[int]:
    """Offset 0 and the offset after every '\\n'."""
    starts = [0]
    find = source.find
    newline = find(b"\n")
    while newline >= 0:
        starts.append(newline + 1)
        newline = find(b"\n", newline + 1)
    return starts


def without(source: bytes, spans, joint: bytes = b"") -> bytes:
    """`source` with the byte spans (in any order, overlapping or not) left out, the pieces joined by `joint`."""
    pieces, done = [], 0
    for start, end in sorted(spans):
        if start > done:
            pieces.append(source[done:start])
        done = max(done, end)
    pieces.append(source[done:])
    return joint.join(pieces)
