"""The one owner of coordinates: str indices, UTF-8 byte offsets, LSP positions (UTF-8/16/32) and lines.

Index bases, everywhere in the project: a *str index* is a 0-based Python string index; a *byte
offset* is 0-based into the text's UTF-8 encoding; an LSP *position* is 0-based (line, character in the
negotiated encoding's code units); a *line number* is 1-based, as users write it ("--lines 3:7").
Spans are end-exclusive. Nothing here imports llama.cpp, tree-sitter or pygls' server.
"""

from __future__ import annotations

import bisect
import re

from lsprotocol import types

from .errors import EditError

# LSP ends a line at '\r\n', '\n' or '\r'; '\r\n' must come first so it counts once.
_LINE_BREAK = re.compile(r"\r\n|\n|\r")
_ENCODINGS = ("utf-8", "utf-16", "utf-32")


# -- UTF-8 byte offsets <-> str indices ------------------------------------------------


def _utf8(text: str) -> bytes:
    # surrogatepass: a lone surrogate (legal in JSON strings) must not crash the server.
    return text.encode("utf-8", "surrogatepass")


def index_to_byte(text: str, index: int) -> int:
    """str index into text -> UTF-8 byte offset."""
    if not 0 <= index <= len(text):
        raise ValueError(f"index {index} outside 0..{len(text)}")
    return len(_utf8(text[:index]))


# -- str indices <-> LSP positions ---------------------------------------------------


def index_from_utf16(text: str, offset: int) -> int:
    """A UTF-16 code-unit offset into text (JavaScript's string index) -> str index (clamped to the text)."""
    units = 0
    for i, char in enumerate(text):
        if units >= offset:
            return i
        units += 2 if ord(char) > 0xFFFF else 1
    return len(text)


def encoding_name(encoding: str) -> str:
    # PositionEncodingKind is a str enum; .value gives the plain name either way.
    name = getattr(encoding, "value", encoding)
    if name not in _ENCODINGS:
        raise ValueError(f"unknown position encoding {encoding!r}")
    return name


def _char_units(char: str, encoding: str) -> int:
    """Code units one character takes in encoding (a normalized name)."""
    if encoding == "utf-32":
        return 1
    code = ord(char)
    if encoding == "utf-16":
        return 2 if code > 0xFFFF else 1
    return 1 if code < 0x80 else 2 if code < 0x800 else 3 if code < 0x10000 else 4


def _units(text: str, encoding: str) -> int:
    """Code units text takes in encoding (a normalized name)."""
    if encoding == "utf-32":
        return len(text)
    if encoding == "utf-16":
        return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)
    return len(_utf8(text))


def line_start_indices(text: str) -> list[int]:
    """str index where each line starts; a text ending in a line break has an empty last line."""
    return [0] + [match.end() for match in _LINE_BREAK.finditer(text)]


def lsp_lines(text: str) -> list[str]:
    """text cut into its LSP lines, each with its line break (the last may have none); "" has none."""
    starts = line_start_indices(text)
    return [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)]) if a < b]


def _line_content_end(text: str, starts: list[int], line: int) -> int:
    """str index where the line's content ends, before its line break."""
    if line + 1 >= len(starts):
        return len(text)
    next_start = starts[line + 1]
    return next_start - (2 if text[next_start - 2 : next_start] == "\r\n" else 1)


def position_from_starts(text: str, starts: list[int], index: int, encoding: str) -> types.Position:
    """position_at with the line starts computed once (many positions in one text; encoding normalized)."""
    if not 0 <= index <= len(text):
        raise ValueError(f"index {index} outside 0..{len(text)}")
    line = bisect.bisect_right(starts, index) - 1
    return types.Position(line=line, character=_units(text[starts[line] : index], encoding))


def position_at(text: str, index: int, encoding: str) -> types.Position:
    """str index into text -> LSP position, character in encoding's code units."""
    return position_from_starts(text, line_start_indices(text), index, encoding_name(encoding))


def _index_in_line(line_text: str, character: int, encoding: str) -> int:
    """Code units into line_text -> str index; a unit inside a character rounds down."""
    if encoding == "utf-32":
        return min(character, len(line_text))
    units = 0
    for i, char in enumerate(line_text):
        units += _char_units(char, encoding)
        if units > character:
            return i
    return len(line_text)


def index_at(text: str, position: types.Position, encoding: str) -> int:
    """LSP position (encoding's code units) -> str index into text.

    Like LSP: a character past the line end clamps to it, a line past the last gives len(text)."""
    starts = line_start_indices(text)
    if position.line >= len(starts):
        return len(text)
    start = starts[position.line]
    line_text = text[start : _line_content_end(text, starts, position.line)]
    return start + _index_in_line(line_text, position.character, encoding_name(encoding))


# -- 1-based line numbers (what users write) <-> str spans ------------------------------


class LineRangeError(EditError):
    """A line range that does not fit the text; the message is for the user."""


def parse_line_spec(spec: str | None) -> tuple[int, int] | None:
    """'A:B' (1-based, inclusive; 'A-B' too) -> (A, B); None for no spec; LineRangeError otherwise.

    Only the edges (CLI flags, JSON requests, task files) hold line specs; everything inside uses spans.
    """
    if not spec:
        return None
    m = re.fullmatch(r"\s*(\d+)\s*[:-]\s*(\d+)\s*", spec)
    if not m:
        raise LineRangeError(f"bad line range {spec!r}: use A:B, 1-based and inclusive")
    return int(m.group(1)), int(m.group(2))


def index_at_line_column(text: str, line: int, column: int) -> int:
    """1-based line and 1-based column (in characters, as linters count) -> str index, clamped to the line."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    if line > len(starts):
        return len(text)
    start = starts[max(1, line) - 1]
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    return min(start + max(1, column) - 1, end)


def line_number(text: str, index: int) -> int:
    """The 1-based number of the line holding str index `index`."""
    return text.count("\n", 0, index) + 1


def line_numbers(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """1-based inclusive first and last line of a span of whole lines (a span ending at a line start stops before it)."""
    first = line_number(text, span[0])
    return first, max(first, line_number(text, max(span[0], span[1] - 1)))


def line_span(text: str, first: int, last: int) -> tuple[int, int]:
    """The str span of 1-based inclusive lines first..last; LineRangeError if they are not in the text."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    if text.endswith("\n"):
        starts.pop()
    if first < 1 or last < first:
        raise LineRangeError(f"bad line range {first}:{last}: lines are 1-based and A <= B")
    if last > len(starts):
        raise LineRangeError(f"line range {first}:{last} is past the end of the file ({len(starts)} lines)")
    return starts[first - 1], starts[last] if last < len(starts) else len(text)


def whole_lines(text: str, start: int, end: int) -> tuple[int, int]:
    """The str span [start, end) grown to whole lines; a non-empty span ending at a line start does not take that line."""
    lo = text.rfind("\n", 0, start) + 1
    if end > lo and end > start and text[end - 1] == "\n":
        return lo, end
    newline = text.find("\n", max(start, end))
    return lo, len(text) if newline < 0 else newline + 1


def grown_by_lines(text: str, span: tuple[int, int], lines: int) -> tuple[int, int]:
    """A span of whole lines grown by `lines` lines on each side (within the text)."""
    start, end = span
    for _ in range(lines):
        start = text.rfind("\n", 0, max(0, start - 1)) + 1
        newline = text.find("\n", end)
        end = len(text) if newline < 0 else newline + 1
    return start, end


def without_blank_edges(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """A span of whole lines without its leading and trailing blank lines (models tend to drop those)."""
    start, end = span
    while start < end:
        newline = text.find("\n", start, end)
        if newline < 0 or text[start:newline].strip():
            break
        start = newline + 1
    while end > start:
        line_start = text.rfind("\n", start, end - 1) + 1
        if text[line_start:end].strip():
            break
        end = line_start
    return (start, end) if start < end else span


def byte_span(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """A str span -> the same span as UTF-8 byte offsets."""
    return index_to_byte(text, span[0]), index_to_byte(text, span[1])


def str_index(source: bytes, offset: int) -> int:
    """A byte offset into UTF-8 `source` -> the str index (an offset inside a character counts that character as before it)."""
    return len(source[:offset].decode("utf-8", "replace"))
