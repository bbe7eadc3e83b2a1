"""Where a hunk goes in a file that moved on since the agent read it: exact, then whitespace-blind, then fuzzy by its lines.

A hunk is placed by its old lines (context and removed), never by its line number alone: the
number is a hint that picks the nearest of several places and says whether the hunk moved.
Three passes, each used only when the one before finds nothing:

1. exact: the old lines as they stand (line endings aside);
2. whitespace: the old lines with runs of whitespace collapsed (re-indented code, trailing
   spaces, tabs); added lines take the file's indentation; then the same with line breaks
   elsewhere (a brace moved to its own line);
3. fuzzy: the place most old lines vote for (lines equal up to whitespace), aligned line by
   line; context lines may have drifted (reworded, missing, extra lines in the file) but every
   removed line must still be there, equal or nearly so.

What could not be placed is said in one sentence (lsp_server/patching.py turns it into a
sketch for the model, or refuses it).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from .patches import Hunk

# A fuzzy place needs this share of the hunk's old lines (weighted by how alike they are).
FUZZY_MIN_SCORE = 0.6
# A context or removed line counts as "the same line, drifted" from this similarity on.
SIMILAR_LINE = 0.6
# A removed line must be at least this alike to the file's line it removes.
SIMILAR_REMOVED = 0.75
# Lines that occur more often than this in the file say nothing about where a hunk goes.
COMMON_LINE = 12
# Fuzzy candidates scored in full, best voted first.
CANDIDATES = 6

EXACT = "applied exactly"
RELOCATED = "applied after relocation"


@dataclass
class Placement:
    """The file's lines [start, end) (0-based) become `lines`; `status` and `reason` say how it was found."""

    start: int
    end: int
    lines: list[str]  # with line endings
    status: str
    reason: str


class Unplaced(Exception):
    """The hunk cannot be placed; the message says why (one sentence)."""

    def __init__(self, reason: str, ambiguous: bool = False):
        super().__init__(reason)
        self.ambiguous = ambiguous


def _bare(line: str) -> str:
    return line.rstrip("\r\n")


def _loose(line: str) -> str:
    return " ".join(line.split())


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _distinctive(loose: str) -> bool:
    return len(loose) >= 4 and bool(re.search(r"\w", loose))


def _lines_at(numbers: list[int]) -> str:
    shown = ", ".join(str(n + 1) for n in numbers[:4])
    return shown + (", ..." if len(numbers) > 4 else "")


def _moved(start: int, hint: int | None) -> str:
    if hint is None:
        return ""
    delta = start - (hint - 1)
    return f"{abs(delta)} line(s) {'below' if delta > 0 else 'above'} line {hint}"


def _similarity(a: str, b: str) -> float:
    """1 for equal lines (blank ones count little), else how alike two lines are, 0 under SIMILAR_LINE."""
    if a == b:
        return 1.0 if a else 0.3
    if not a or not b:
        return 0.0
    matcher = difflib.SequenceMatcher(None, a, b)
    if matcher.real_quick_ratio() < SIMILAR_LINE or matcher.quick_ratio() < SIMILAR_LINE:
        return 0.0
    ratio = matcher.ratio()
    return ratio if ratio >= SIMILAR_LINE else 0.0


def _best_pairs(old: list[str], window: list[str]) -> list[tuple[int, int]]:
    """Old lines paired in order with window lines so that the summed similarity is largest (an
    alignment by dynamic programming: unlike difflib's longest block first, a repeated line such as
    a closing brace cannot pull the alignment away from the lines around it)."""
    m, w = len(old), len(window)
    sim = [[_similarity(a, b) for b in window] for a in old]
    best = [[0.0] * (w + 1) for _ in range(m + 1)]
    for i in range(1, m + 1):
        for j in range(1, w + 1):
            paired = best[i - 1][j - 1] + sim[i - 1][j - 1] if sim[i - 1][j - 1] else -1.0
            best[i][j] = max(paired, best[i - 1][j], best[i][j - 1])
    pairs, i, j = [], m, w
    while i and j:
        if sim[i - 1][j - 1] and best[i][j] == best[i - 1][j - 1] + sim[i - 1][j - 1]:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif best[i][j] == best[i - 1][j]:
            i -= 1
        else:
            j -= 1
    return pairs[::-1]


def _reindent(line: str, reference: tuple[str, str] | None) -> str:
    """An added line moved the way its reference line moved: (the agent's indentation, the file's)."""
    if reference is None or not line.strip() or reference[0] == reference[1]:
        return line
    agent, file = reference
    own = _indent(line)
    if own.startswith(agent):
        return file + line[len(agent):]
    if agent.startswith(own) and len(file) >= len(agent) - len(own):
        return file[:len(file) - (len(agent) - len(own))] + line[len(own):]
    return line


def _choose(found: list[int], hint: int | None, cursor: int, what: str) -> int:
    """The one of several equal places: nearest the hint, else the only one after the previous hunk."""
    if len(found) == 1:
        return found[0]
    if hint is not None:
        return min(found, key=lambda s: (abs(s - (hint - 1)), s))
    after = [s for s in found if s >= cursor]
    if len(after) == 1:
        return after[0]
    raise Unplaced(f"{what} occur {len(found)} times (lines {_lines_at(found)}) and the hunk gives no line "
                   "number: add context lines that tell them apart", ambiguous=True)


class Placer:
    """Places hunks in one file's lines, in order; placed hunks never overlap."""

    def __init__(self, text: str):
        self.lines = text.splitlines(keepends=True)
        self.eol = "\r\n" if text.count("\r\n") * 2 > text.count("\n") else "\n"
        self.bare = [_bare(line) for line in self.lines]
        self.loose = [_loose(line) for line in self.lines]
        self.taken: list[tuple[int, int]] = []
        self.cursor = 0  # the end of the last placed hunk: the next one is probably after it
        self.shift = 0  # how far the last placed hunk was from its line number: stale numbers move together
        self._where: dict[str, list[int]] | None = None

    def free(self, start: int, end: int) -> bool:
        return all(end <= a or start >= b or (start == end == a) for a, b in self.taken)

    def matches(self, keys: list[str], want: list[str]) -> list[int]:
        m = len(want)
        return [s for s in range(len(keys) - m + 1) if keys[s:s + m] == want and self.free(s, s + m)]

    def place(self, hunk: Hunk) -> Placement:
        """Where the hunk goes and what the lines there become; Unplaced when no pass finds it."""
        hint = None if hunk.start is None else max(1, hunk.start + self.shift)
        old = hunk.old
        if not old:
            placement = self._insert_only(hunk, hint)
        else:
            placement = (self._exact(hunk, hint) or self._whitespace(hunk, hint) or self._reflowed(hunk, hint)
                         or self._fuzzy(hunk, hint))
        if placement is None:
            raise Unplaced("its lines are not in the file, even allowing for whitespace and drifted context")
        self.taken.append((placement.start, placement.end))
        self.cursor = placement.end
        if hunk.start is not None:
            self.shift = placement.start - (hunk.start - 1)
        return placement

    def _insert_only(self, hunk: Hunk, hint: int | None) -> Placement:
        if hint is None:
            raise Unplaced("it only adds lines and gives neither context nor a line number to place them")
        at = min(hint - 1, len(self.lines))
        return Placement(at, at, self._render(hunk, at, at, {}), EXACT, "")

    def _exact(self, hunk: Hunk, hint: int | None) -> Placement | None:
        old = hunk.old
        found = self.matches(self.bare, old)
        if not found:
            return None
        start = _choose(found, hint, self.cursor, "its lines")
        pairs = {i: start + i for i in range(len(old))}
        lines = self._render(hunk, start, start + len(old), pairs)
        if hint is None or start == hint - 1:
            return Placement(start, start + len(old), lines, EXACT, "")
        return Placement(start, start + len(old), lines, RELOCATED, f"found {_moved(start, hint)}")

    def _whitespace(self, hunk: Hunk, hint: int | None) -> Placement | None:
        old = [_loose(line) for line in hunk.old]
        if not any(old):
            return None
        found = self.matches(self.loose, old)
        if not found:
            return None
        start = _choose(found, hint, self.cursor, "its lines (whitespace aside)")
        pairs = {i: start + i for i in range(len(old))}
        lines = self._render(hunk, start, start + len(old), pairs)
        where = f", {_moved(start, hint)}" if hint is not None and start != hint - 1 else ""
        return Placement(start, start + len(old), lines, RELOCATED, f"whitespace differs from the file{where}")

    def _reflowed(self, hunk: Hunk, hint: int | None) -> Placement | None:
        """The old lines with their line breaks elsewhere (a brace on its own line, a call split in
        two): the file's lines whose text, all whitespace aside, is the old lines' text."""
        want = "".join("".join(line.split()) for line in hunk.old)
        if len(want) < 8:
            return None
        squeezed = ["".join(line.split()) for line in self.bare]
        found = []
        for s in range(len(squeezed)):
            if not squeezed[s] or not want.startswith(squeezed[s]):
                continue
            joined, e = "", s
            while e < len(squeezed) and len(joined) < len(want):
                joined += squeezed[e]
                e += 1
            if joined == want and self.free(s, e):
                found.append((s, e))
        if not found:
            return None
        start = _choose([s for s, _ in found], hint, self.cursor, "its lines (line breaks aside)")
        end = dict(found)[start]
        first = next((line for line in hunk.old if line.strip()), "")
        reference = (_indent(first), _indent(self.lines[start]))
        eol = self.eol
        lines = [_reindent(line, reference) + eol for line in hunk.new]
        if end == len(self.lines) and not self.lines[-1].endswith("\n") and lines:
            lines[-1] = lines[-1].rstrip("\r\n")
        where = f", {_moved(start, hint)}" if hint is not None and start != hint - 1 else ""
        return Placement(start, end, lines, RELOCATED, f"line breaks differ from the file{where}")

    # -- fuzzy ------------------------------------------------------------------------------

    def _votes(self, old: list[str]) -> list[int]:
        """Start lines that the hunk's distinctive old lines point at, most votes first."""
        if self._where is None:
            self._where = {}
            for n, key in enumerate(self.loose):
                self._where.setdefault(key, []).append(n)
        votes: dict[int, int] = {}
        for j, line in enumerate(old):
            key = _loose(line)
            spots = self._where.get(key, []) if _distinctive(key) else []
            if len(spots) > COMMON_LINE:
                continue
            for p in spots:
                votes[p - j] = votes.get(p - j, 0) + 1
        return sorted(votes, key=lambda s: (-votes[s], s))[:CANDIDATES]

    def _fuzzy(self, hunk: Hunk, hint: int | None) -> Placement | None:
        old = hunk.old
        m = len(old)
        scored = []
        for guess in self._votes(old):
            slack = max(3, m // 2)
            lo, hi = max(0, guess - slack), min(len(self.lines), guess + m + slack)
            aligned = self._align(hunk, lo, hi)
            if aligned is not None:
                scored.append(aligned)
        if not scored:
            return None
        scored.sort(key=lambda a: (-a[0], abs(a[1] - (hint - 1)) if hint else 0))
        score, start, end, pairs, drifted = scored[0]
        rivals = [s for s in scored[1:] if s[0] >= score - 0.05 and (s[1], s[2]) != (start, end)]
        if rivals and hint is None:
            raise Unplaced(f"its lines fit {len(rivals) + 1} places about equally well (lines "
                           f"{_lines_at([start] + [r[1] for r in rivals])}): add context lines that tell them apart",
                           ambiguous=True)
        lines = self._render(hunk, start, end, pairs)
        where = f", {_moved(start, hint)}" if hint is not None and start != hint - 1 else ""
        return Placement(start, end, lines, RELOCATED, f"{drifted} context line(s) differ from the file{where}")

    def _align(self, hunk: Hunk, lo: int, hi: int):
        """(score, start, end, pairs old index -> file line, drifted lines) for the hunk in lines [lo, hi), or None."""
        old = [_loose(line) for line in hunk.old]
        pairs = {i: lo + j for i, j in _best_pairs(old, self.loose[lo:hi])}
        old_ops = [op for op, _ in hunk.ops if op != "+"]
        for i in (i for i, op in enumerate(old_ops) if op == "-"):
            if i not in pairs or _similarity(old[i], self.loose[pairs[i]]) < SIMILAR_REMOVED:
                return None  # a line to remove is not there: applying the rest would be a guess
        counted = sum(1 for line in old if line) or 1
        score = sum(1.0 if self.loose[f] == old[i] else 0.8 for i, f in pairs.items() if old[i]) / counted
        if not pairs or score < FUZZY_MIN_SCORE:
            return None
        start, end = min(pairs.values()), max(pairs.values()) + 1
        if not self.free(start, end):
            return None
        drifted = sum(1 for i in range(len(old)) if old[i] and (i not in pairs or self.loose[pairs[i]] != old[i]))
        return score, start, end, pairs, drifted

    # -- the new lines ----------------------------------------------------------------------

    def _render(self, hunk: Hunk, start: int, end: int, pairs: dict[int, int]) -> list[str]:
        """The lines [start, end) become: context as the file has it, removed lines gone, added lines
        in the file's indentation and line ending; file lines the hunk does not know are kept.

        An added line is indented like the nearest old line after it (else before it) that the file
        has: as much deeper or shallower than that line as the agent wrote it.
        """
        out: list[str] = []
        old = hunk.old
        references = [(_indent(old[i]), _indent(self.lines[f])) if old[i].strip() and self.lines[f].strip() else None
                      for i, f in sorted(pairs.items())]
        reference_at = {i: r for (i, _), r in zip(sorted(pairs.items()), references) if r is not None}

        def emit(lines: list[str]) -> None:
            for line in lines:
                if out and not out[-1].endswith("\n"):
                    out[-1] += self.eol  # the file's last line, now with lines after it
                out.append(line)

        at = start  # the next file line not yet written or dropped
        old_index = 0
        for op, text in hunk.ops:
            if op == "+":
                after = [i for i in reference_at if i >= old_index]
                before = [i for i in reference_at if i < old_index]
                reference = reference_at[min(after)] if after else reference_at[max(before)] if before else None
                emit([_reindent(text, reference) + self.eol])
                continue
            target = pairs.get(old_index)
            old_index += 1
            if target is None or target < at:
                continue
            emit(self.lines[at:target] + ([self.lines[target]] if op == " " else []))
            at = target + 1
        emit(self.lines[at:end])
        at_end = end == len(self.lines)
        no_eol_before = at_end and bool(self.lines) and not self.lines[-1].endswith("\n")
        if out and at_end and (hunk.new_without_eol or no_eol_before) and out[-1].endswith("\n"):
            out[-1] = out[-1].rstrip("\r\n")  # the file keeps (or, as the diff says, gets) no newline at its end
        return out
