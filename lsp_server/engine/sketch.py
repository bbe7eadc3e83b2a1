"""Edit sketches ("... existing code ..." markers): a deterministic merge that becomes the draft the model verifies."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Sequence

from ..errors import EditError

# A line that stands for unchanged code: a comment holding "... existing code ..." or the like.
DEFAULT_MARKERS = (
    r"^\s*(?:#+|//+|/\*+|--+|;+|<!--|\*)?\s*(?:\.\.\.|…)\s*"
    r"(?:existing code|existing|rest of (?:the )?(?:code|file|function|class)|unchanged(?: code)?|keep existing code)"
    r"(?:\s+(?:here|below|above))?\s*(?:\.\.\.|…)?\s*(?:\*+/|-->)?\s*$",
)


_COMMENT_OPEN = r"(?:#+|//+|/\*+|--+|;+|<!--|\*)?"
_COMMENT_CLOSE = r"(?:\*+/|-->)?"


def marker_patterns(phrases: Sequence[str] | None) -> tuple[str, ...]:
    """Marker regexes for user-chosen phrases ("... keep ..."): the phrase alone on a line, in any comment style.

    No phrases: the common forms (DEFAULT_MARKERS). Matching ignores case and the spacing inside the phrase.
    """
    if not phrases:
        return DEFAULT_MARKERS
    patterns = []
    for phrase in phrases:
        words = phrase.strip().split()
        if not words:
            raise EditError("an edit sketch marker cannot be empty")
        body = r"\s+".join(re.escape(w) for w in words)
        patterns.append(rf"^\s*{_COMMENT_OPEN}\s*{body}\s*{_COMMENT_CLOSE}\s*$")
    return tuple(patterns)


@dataclass
class Chunk:
    lines: list[str]  # literal lines of the sketch between markers, newline-terminated


def split_sketch(sketch: str, markers: tuple[str, ...] = DEFAULT_MARKERS) -> tuple[list[Chunk], bool, bool]:
    """Literal chunks of a sketch, and whether it starts / ends with a marker."""
    patterns = [re.compile(m, re.IGNORECASE) for m in markers]
    chunks: list[Chunk] = []
    current: list[str] = []
    lines = sketch.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    is_marker = [any(p.match(line.rstrip("\r\n")) for p in patterns) for line in lines]
    for line, marker in zip(lines, is_marker):
        if marker:
            if current:
                chunks.append(Chunk(current))
            current = []
        else:
            current.append(line)
    if current:
        chunks.append(Chunk(current))
    return chunks, bool(is_marker and is_marker[0]), bool(is_marker and is_marker[-1])


def _key(line: str) -> str:
    return line.rstrip()


def _run_forward(original: list[str], at: int, lines: list[str]) -> int:
    n = 0
    while n < len(lines) and at + n < len(original) and _key(original[at + n]) == _key(lines[n]):
        n += 1
    return n


def _best_prefix(original: list[str], lines: list[str], cursor: int) -> tuple[int, int]:
    """(start, length) of the longest run of the chunk's first lines found in original[cursor:]."""
    best = (cursor, 0)
    first = _key(lines[0])
    for at in range(cursor, len(original)):
        if _key(original[at]) == first and first.strip():
            n = _run_forward(original, at, lines)
            if n > best[1]:
                best = (at, n)
                if n == len(lines):
                    break
    return best


def _best_suffix(original: list[str], lines: list[str], lo: int) -> tuple[int, int]:
    """(end, length) of the longest run of the chunk's last lines ending in original[lo:]."""
    best = (lo, 0)
    last = _key(lines[-1])
    for end in range(lo + 1, len(original) + 1):
        if _key(original[end - 1]) == last and last.strip():
            n = 0
            while n < len(lines) and end - 1 - n >= lo and _key(original[end - 1 - n]) == _key(lines[-1 - n]):
                n += 1
            if n > best[1]:
                best = (end, n)
    return best


def _without_trailing_blanks(lines: list[str]) -> list[str]:
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    return lines[:end]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _similar_start(original: list[str], first: str, cursor: int) -> int | None:
    """The original line from cursor that best looks like an edited version of `first` (same start)."""
    want = first.strip()
    best, best_score = None, 0.6
    for at in range(cursor, len(original)):
        have = original[at].strip()
        if not have:
            continue
        shared = len(os.path.commonprefix([want, have]))
        score = shared / max(1, min(len(want), len(have))) if shared >= 4 else 0.0
        if score > best_score:
            best, best_score = at, score
    return best


_WORDS = re.compile(r"[\w$]+")


def _head(line: str) -> list[str]:
    return _WORDS.findall(line)[:2]


def _block_end(original: list[str], anchor: int, rest: list[str]) -> int:
    """Where the original span ends when a chunk's last line is new code (anchor: its last anchored line).

    The nearby original line that starts like the chunk's last line (an edited statement) ends it;
    else, when the anchor opens an indented block (a function whose body the chunk rewrote), the
    block's end; else nothing is replaced (new code inserted after the anchor).
    """
    head = _head(rest[-1])
    for i in range(anchor + 1, min(len(original), anchor + 1 + len(rest) + 3)):
        if head and _head(original[i]) == head:
            return i + 1
    base = _indent(original[anchor])
    following = next((line for line in original[anchor + 1 :] if line.strip()), "")
    if not original[anchor].strip() or _indent(following) <= base:
        return anchor + 1
    end = anchor + 1
    while end < len(original) and (not original[end].strip() or _indent(original[end]) > base):
        end += 1
    while end > anchor + 1 and not original[end - 1].strip():
        end -= 1  # blank lines after the block stay
    return end


def merge_sketch(original: str, sketch: str, markers: tuple[str, ...] = DEFAULT_MARKERS) -> str:
    """Apply a sketch to the original: each literal chunk replaces the original span between its anchors.

    A chunk's anchors are its first lines and its last lines as they stand in the original (searched
    forward from the previous chunk). Unmatched ends mean insertion there. Code between chunks, and
    before/after them, is kept: a sketch never deletes what it does not show.
    """
    chunks, _, _ = split_sketch(sketch, markers)
    if not chunks:
        raise EditError("the sketch has no code besides '... existing code ...' markers")
    lines = original.splitlines(keepends=True)
    out: list[str] = []
    cursor = 0
    for chunk in chunks:
        start, head = _best_prefix(lines, chunk.lines, cursor)
        if head == len(chunk.lines):  # the chunk is unchanged context
            out += lines[cursor : start + head]
            cursor = start + head
            continue
        if head == 0:
            similar = _similar_start(lines, chunk.lines[0], cursor)
            if similar is not None:
                start, head = similar, 1  # the chunk's first line is an edited original line
        search_from = start + head if head else cursor
        body = _without_trailing_blanks(chunk.lines[head:])
        blanks = len(chunk.lines) - head - len(body)
        anchored = body
        if head == 0:
            # New code first, then a blank line, then the anchor: the anchor is what follows the
            # blank line, not the closing lines the new code shares with the block before it.
            last_blank = max((i for i, line in enumerate(body) if not line.strip()), default=None)
            anchored = body if last_blank is None else body[last_blank + 1:]
        end, tail = _best_suffix(lines, anchored, search_from)
        while tail and blanks and end < len(lines) and not lines[end].strip():
            end += 1  # the chunk's trailing blank lines stand for the file's after its anchor
            blanks -= 1
        if head == 0 and tail == 0:
            raise EditError("a sketch chunk matches nothing in the file: include a line of existing code around each change")
        if head == 0:
            start = max(cursor, end - tail)  # only the chunk's end is anchored: it replaces up to there
        if tail == 0:
            end = _block_end(lines, start + head - 1, chunk.lines[head:]) if head else start
        out += lines[cursor:start]
        out += chunk.lines
        cursor = end
    out += lines[cursor:]
    merged = "".join(out)
    if original and not original.endswith("\n") and merged.endswith("\n") and not sketch.endswith("\n"):
        merged = merged[:-1]
    return merged
