"""One file's hunks applied tolerantly: the draft the model verifies, and what became of each hunk (pure: no model, no files).

Each hunk is placed by lsp_server/locate.py. A search text that stands verbatim once in the file
is replaced where it stands, even inside a line. A hunk that cannot be placed becomes an edit
sketch (its new lines between "... existing code ..." markers) merged by engine/sketch.py, which
the model then verifies like any sketch; one whose place is ambiguous, that is already applied,
or that the merge cannot anchor either, is refused with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .engine.sketch import marker_patterns, merge_sketch
from .errors import EditError
from .locate import EXACT, RELOCATED, Placement, Placer, Unplaced
from .patches import Hunk

MERGED = "merged by the model"
REFUSED = "refused"
STATUSES = (EXACT, RELOCATED, MERGED, REFUSED)
SKETCH_MARKER = "... existing code ..."


@dataclass
class HunkOutcome:
    """What became of one hunk: one of STATUSES, why, and the 1-based line it landed on in the file as read."""

    number: int  # 1-based, in the order the request gave the hunks
    status: str
    reason: str = ""
    line: int | None = None

    def answer(self) -> dict:
        out: dict = {"hunk": self.number, "status": self.status}
        if self.line is not None:
            out["line"] = self.line
        if self.reason:
            out["reason"] = self.reason
        return out


@dataclass
class FileDraft:
    """A file's text, the text with every hunk applied that could be, and each hunk's outcome."""

    text: str
    drafted: str
    hunks: list[HunkOutcome] = field(default_factory=list)
    sketch: str | None = None  # the sketches of unplaced hunks, for instruct models' prompts

    @property
    def refused(self) -> list[HunkOutcome]:
        return [h for h in self.hunks if h.status == REFUSED]


def _verbatim(text: str, hunk: Hunk, placer: Placer) -> Placement | None:
    """A search text found verbatim exactly once (maybe inside a line), replaced where it stands."""
    search, replace = hunk.search or "", hunk.replace or ""
    if not search or text.count(search) != 1:
        return None
    # Agents' trailing newlines are inconsistent: the replacement ends the way the search text does.
    if search.endswith("\n") and replace and not replace.endswith("\n"):
        replace += "\n"
    elif not search.endswith("\n") and replace.endswith("\n"):
        replace = replace[:-1]
    if placer.eol == "\r\n":
        replace = replace.replace("\r\n", "\n").replace("\n", "\r\n")
    at = text.index(search)
    first = text.count("\n", 0, at)
    last = text.count("\n", 0, at + len(search) - (1 if search.endswith("\n") else 0))
    if not placer.free(first, last + 1):
        return None
    offset = at - sum(len(line) for line in placer.lines[:first])
    lines_text = "".join(placer.lines[first:last + 1])
    replaced = lines_text[:offset] + replace + lines_text[offset + len(search):]
    return Placement(first, last + 1, replaced.splitlines(keepends=True), EXACT, "")


def _appended(text: str, hunk: Hunk, placer: Placer) -> Placement:
    """An empty search text: the replacement goes at the end of the file (a new file: its whole text)."""
    at = len(placer.lines)
    lines = [line + placer.eol for line in hunk.new]
    if text and not text.endswith("\n"):
        lines.insert(0, placer.lines[-1] + placer.eol)
        at -= 1
        return Placement(at, at + 1, lines, EXACT, "added at the end of the file")
    return Placement(at, at, lines, EXACT, "added at the end of the file" if text else "")


def _already_applied(placer: Placer, hunk: Hunk) -> int | None:
    """The 0-based line where the hunk's new lines already stand, if its old lines are gone and they are there."""
    new = hunk.new
    if not hunk.changes or not [line for line in new if line.strip()] or new == hunk.old:
        return None
    found = placer.matches(placer.bare, new)
    return found[0] if found else None


def draft_file(text: str, hunks: list[Hunk]) -> FileDraft:
    """Every hunk placed in `text` (or sketched, or refused), and the text with them all applied."""
    placer = Placer(text)
    placed: list[tuple[Placement, HunkOutcome]] = []
    outcomes: list[HunkOutcome] = []
    unplaced: list[tuple[Hunk, HunkOutcome]] = []
    for number, hunk in enumerate(hunks, 1):
        outcome = HunkOutcome(number, REFUSED)
        outcomes.append(outcome)
        try:
            if hunk.search is not None and not hunk.search.strip():
                placement = _appended(text, hunk, placer)
                placer.taken.append((placement.start, placement.end))
            else:
                placement = _verbatim(text, hunk, placer) if hunk.search is not None else None
                if placement is not None:
                    placer.taken.append((placement.start, placement.end))
                    placer.cursor = placement.end
                else:
                    placement = placer.place(hunk)
        except Unplaced as exc:
            outcome.reason = str(exc)
            if not exc.ambiguous:
                unplaced.append((hunk, outcome))
            continue
        outcome.status, outcome.reason, outcome.line = placement.status, placement.reason, placement.start + 1
        placed.append((placement, outcome))
    drafted = _compose(placer.lines, [p for p, _ in placed])
    sketches = []
    for hunk, outcome in unplaced:
        drafted = _merge_unplaced(placer, drafted, hunk, outcome, sketches)
    return FileDraft(text, drafted, outcomes, "\n".join(sketches) or None)


def _merge_unplaced(placer: Placer, drafted: str, hunk: Hunk, outcome: HunkOutcome, sketches: list[str]) -> str:
    """The draft with an unplaced hunk merged as a sketch; or the draft as it was and the hunk refused."""
    done = _already_applied(placer, hunk)
    if done is not None:
        outcome.reason = f"already applied: its new lines are at line {done + 1} and its old lines are gone"
        return drafted
    anchors = [line for op, line in hunk.ops if op == " " and line.strip()]
    if not anchors:
        outcome.reason += "; it has no context lines to merge it by"
        return drafted
    eol = placer.eol
    sketch = eol.join([SKETCH_MARKER, *hunk.new, SKETCH_MARKER]) + eol
    try:
        merged = merge_sketch(drafted, sketch, marker_patterns(None))
    except EditError as exc:
        outcome.reason += f"; merged as a sketch: {exc}"
        return drafted
    if merged == drafted:
        outcome.reason += "; merged as a sketch it changes nothing"
        return drafted
    outcome.status = MERGED
    outcome.reason = f"placed as a sketch ({outcome.reason})"
    sketches.append(sketch)
    return merged


def _compose(lines: list[str], placements: list[Placement]) -> str:
    out, at = [], 0
    for p in sorted(placements, key=lambda p: (p.start, p.end)):
        out += lines[at:p.start] + p.lines
        at = p.end
    return "".join(out + lines[at:])
