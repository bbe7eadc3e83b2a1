"""What a free-form answer may not leave out: the whole definitions of its region (pure, str).

A small model asked to change one function of a region often answers with that function alone,
or skips the ones around it, though the prompt asks for every line. Lines it did not write are
deleted code. A definition lying whole in the region (with the comments and attributes above it)
that the answer left out, not one of its lines and not its header rewritten, is put back where it
stood; so is the part of a statement that crosses the region's edge (a decorator whose class runs
on past it). A request that may mean removing, moving, merging or renaming code is taken at its
word: nothing is put back.
"""

from __future__ import annotations

import difflib
import re

from .. import syntax

# Words of a request that may mean whole definitions should go; then the answer stands as written.
REMOVING = re.compile(r"\b(remov|delet|drop|strip|eliminat|get rid|inlin|merg|combin|consolidat|dedup|"
                      r"de-dup|collaps|move|moving|unused|dead|prun|cut|trim|extract|split|renam)", re.I)
_QUOTED = re.compile(r'"""[\s\S]*?"""|"[^"\n]*"|`[^`\n]*`|(?<!\w)\'[^\'\n]*\'(?!\w)')
# Lines that say nothing alone ("}", "]);"): an answer has them anyway, so they do not show a unit was kept.
_WORDLESS = re.compile(r"^\W*$")
# A line that is a comment only: a name there is prose, not the definition.
_COMMENT = re.compile(r"^\s*(#|//|/\*|\*|--|;)")


def _rewritten(unit: syntax.Unit, answer: list[str]) -> bool:
    """Whether a code line of the answer names the unit with a word of its header ("pub async fn push" for "pub fn push")."""
    name = re.compile(rf"(?<![\w$]){re.escape(unit.name)}(?![\w$])")
    words = set(re.findall(r"[\w$]+", unit.header)) - {unit.name}
    return any(name.search(line) and words & set(re.findall(r"[\w$]+", line))
               for line in answer if not _COMMENT.match(line))


def _asks_to_remove(instruction: str, source: bytes, language: syntax.Language, lo: int, hi: int) -> bool:
    """Whether the request's words may mean code should go. Quoted text and the region's own names are
    not its words: 'the remove method' and 'the docstring "Delete the record."' ask to remove nothing."""
    words = _QUOTED.sub(" ", instruction)
    names = sorted(syntax.names_in(source, language, lo, hi), key=len, reverse=True)
    if names:
        words = re.sub("|".join(rf"(?<![\w$]){re.escape(n)}(?![\w$])" for n in names), " ", words)
    return bool(REMOVING.search(words))


def keep_definitions(text: str, start: int, end: int, output: str, instruction: str,
                     language: syntax.Language) -> tuple[str, int]:
    """`output` (the new text of text[start:end]) with what it left out put back; and how many units that was."""
    source = text.encode("utf-8")
    lo, hi = len(text[:start].encode("utf-8")), len(text[:end].encode("utf-8"))
    units = syntax.region_units(source, language, lo, hi)
    if not units:
        return output, 0
    original = text[start:end].splitlines(keepends=True)
    line_of: dict[int, int] = {}  # byte offset of a region line's start -> its index
    at = lo
    for i, line in enumerate(original):
        line_of[at] = i
        at += len(line.encode("utf-8"))
    line_of[at] = len(original)
    answer = output.splitlines(keepends=True)
    present = {line.strip() for line in answer}
    matched: dict[int, int] = {}  # original line -> the answer's line, where equal
    for block in difflib.SequenceMatcher(None, original, answer, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            matched[block.a + k] = block.b + k
    left_out = []
    for unit in units:
        first, last = line_of.get(unit.start), line_of.get(unit.end)
        if first is None or last is None:
            continue
        lines = [line for line in original[first:last] if line.strip()]
        if not lines or any(i in matched and not _WORDLESS.match(original[i]) for i in range(first, last)):
            continue
        if unit.name is not None and _rewritten(unit, answer):
            continue
        if unit.name is None and any(line.strip() in present for line in lines):
            continue
        left_out.append((first, last))
    if not left_out or _asks_to_remove(instruction, source, language, lo, hi):
        return output, 0
    gone = {i for first, last in left_out for i in range(first, last)}
    # Where the answer stands for the original: its equal lines, but not a left-out unit's "}" that
    # happened to pair with one of the answer's.
    anchors = {i: j for i, j in matched.items() if i not in gone}
    inserts: dict[int, list[tuple[list[str], list[str], list[str]]]] = {}  # answer line -> (blanks, unit, blanks)
    for first, last in left_out:
        before = max((i for i in anchors if i < first), default=-1)
        after = min((i for i in anchors if i >= last), default=len(original))
        # At the answer's start or end where it stood at the region's; else ahead of the answer's new
        # text where nothing but left-out units precedes it in the gap, else after it.
        ahead = all(i in gone or not original[i].strip() for i in range(before + 1, first))
        if all(i in gone or not original[i].strip() for i in range(last, len(original))):
            at = len(answer)
        elif ahead:
            at = anchors[before] + 1 if before >= 0 else 0
        else:
            at = anchors[after] if after < len(original) else len(answer)
        head, tail = first, last
        while head > 0 and not original[head - 1].strip():
            head -= 1
        while tail < len(original) and not original[tail].strip():
            tail += 1
        inserts.setdefault(at, []).append((original[head:first], original[first:last], original[last:tail]))
    lines: list[str] = []
    for i in range(len(answer) + 1):
        pieces = inserts.get(i, [])
        for n, (blanks_before, unit_lines, blanks_after) in enumerate(pieces):
            if lines and not lines[-1].endswith("\n"):
                lines[-1] += "\n"
            if lines and lines[-1].strip():
                lines += blanks_before  # kept apart from the line above as in the original
            lines += [line if line.endswith("\n") else line + "\n" for line in unit_lines]
            if n == len(pieces) - 1 and i < len(answer) and answer[i].strip():
                lines += blanks_after  # and from the answer's next line
        if i < len(answer):
            lines.append(answer[i])
    result = "".join(lines)
    if not text[start:end].endswith("\n") and result.endswith("\n") and not output.endswith("\n"):
        result = result[:-1]
    return result, len(left_out)
