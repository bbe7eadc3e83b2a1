"""A model token that differs from the draft only in spacing inside a line, taken as agreement (pure, bytes).

A coder model copying code written in another house style rewrites its spacing as it goes: `maxc-minc`
becomes `maxc - minc`, `h*6.0` becomes `h * 6.0`. Unless the request is about layout, the answer gets
those lines back as they were (engine/spacing.py), yet each such token turned the draft down, and on a
CPU every turn costs passes of one token. So where a free-form edit follows the original and the
model's preferred token is the draft's text with other spacing, the draft's token is verified as if
the model had chosen it: the loop goes on copying, and the line comes out as spacing.py would leave it.

Only spacing between tokens inside a line counts: not indentation, not line breaks, not inside a
string literal, never a space added or taken between two word characters (`a b` is not `ab`).
"""

from __future__ import annotations

from .drafttext import DraftText

SPACES = b" \t"
QUOTES = b"\"'`"
BREAKS = b"\r\n"


def wordy(byte: int | None) -> bool:
    """A byte of an identifier or number (any byte of a multi-byte character counts)."""
    return byte is not None and (byte >= 0x80 or chr(byte).isalnum() or byte == ord("_"))


def in_string(line: bytes) -> bool:
    """Whether a line that begins outside any string literal ends inside one (a quote opened and not
    closed; backslash escapes skipped). A quote in a comment counts too: that only makes fewer tokens
    eligible."""
    quote, escaped = None, False
    for byte in line:
        if escaped:
            escaped = False
        elif quote is not None and byte == ord("\\"):
            escaped = True
        elif byte in QUOTES and (quote is None or byte == quote):
            quote = None if quote is not None else byte
    return quote is not None


def respaced_span(piece: bytes, before: bytes, ahead: bytes) -> int | None:
    """How many bytes of the draft text `ahead` the model's token `piece` stands for, where it is that
    text with other spacing only; None where it is not, or where its spacing is the same.

    `before`: the draft's line up to `ahead`; `ahead`: the draft's text from there (its line at least).
    """
    if not before.strip(SPACES) or in_string(before) or any(b in piece for b in BREAKS):
        return None  # indentation, a line break, or text inside a string: spacing is meaning there
    i = j = 0
    prev = before[-1]
    differs = False
    while i < len(piece):
        byte = piece[i]
        nxt = ahead[j] if j < len(ahead) else None
        if byte == nxt:
            if byte in QUOTES:
                return None
            prev, i, j = byte, i + 1, j + 1
        elif byte in SPACES:  # a space the draft does not have here
            if nxt is None or nxt in BREAKS or (wordy(prev) and wordy(nxt)):
                return None
            i, differs = i + 1, True
        elif nxt is not None and nxt in SPACES:  # a space of the draft the model leaves out
            if wordy(prev) and wordy(byte):
                return None
            j, differs = j + 1, True
        else:
            return None
    return j if differs else None


def respaced_token(src: DraftText, at: int, piece: bytes) -> int | None:
    """The token to take instead of the model's `piece` at byte `at` of a draft text: the draft's token
    there where the piece covers it, else a token of the draft's text the piece covers (the model chose
    where its token ends); None where the piece is not that text with other spacing, or no one token
    spells it."""
    line_start, line_end = src.data.rfind(b"\n", 0, at) + 1, src.data.find(b"\n", at)
    span = respaced_span(piece, src.data[line_start:at], src.data[at:len(src.data) if line_end < 0 else line_end])
    if span is None:
        return None
    k = src.token_at.get(at)
    if k is not None and src.starts[k + 1] <= at + span:
        return src.tokens[k]
    if src.retokenize is None:
        return None
    tokens = src.retokenize(src.data[at:at + span])
    return tokens[0][0] if len(tokens) == 1 else None
