"""Lines a free-form answer changed in their spacing only, put back as they were (pure, str).

`maxc-minc` -> `maxc - minc`, two spaces before a comment, a docstring reflowed, the blank lines
between two definitions left out: a model's house style is a change nobody asked for. A line counts
as restyled when its indentation, its words and the text of its string literals are the same.
"""

from __future__ import annotations

import difflib
import re

from .. import coords

# String literals on one line: their spacing is their text.
_STRINGS = re.compile(r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|`[^`\n]*`')


def indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def squeezed(line: str) -> str:
    return "".join(line.split())


def restyled(old: str, new: str) -> bool:
    """Whether `new` is `old` (one line or several) with other spacing or line breaks only: the same
    indentation, words and string literals."""
    return (old.rstrip("\r\n") != new.rstrip("\r\n") and squeezed(old) == squeezed(new)
            and indent(old) == indent(new) and _STRINGS.findall(old) == _STRINGS.findall(new))


def unrestyled(original: list[str], output: str) -> str:
    """`output` with each line that differs from its line of `original` (lines with their breaks) in
    spacing only put back as it was."""
    output = _indented_as(original, output)
    answer = coords.lsp_lines(output)
    matcher = difflib.SequenceMatcher(None, [squeezed(x) for x in original], [squeezed(x) for x in answer],
                                      autojunk=False)
    out: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out += [old.rstrip("\r\n") + new[len(new.rstrip("\r\n")):] if restyled(old, new) else new
                    for old, new in zip(original[i1:i2], answer[j1:j2])]  # the answer's line breaks
        elif tag == "replace" and restyled("".join(original[i1:i2]), "".join(answer[j1:j2])):
            # Lines joined or split, nothing else: a docstring reflowed, a call wrapped.
            last = answer[j2 - 1]
            out += [*original[i1:i2 - 1], original[i2 - 1].rstrip("\r\n") + last[len(last.rstrip("\r\n")):]]
        elif tag == "delete" and all(not line.strip() for line in original[i1:i2]):
            out += original[i1:i2]  # blank lines between two kept lines (two before a class) stay
        elif tag == "replace":
            # Blank lines that ended (or began) what was replaced stay where the new lines have none.
            lead, trail = _blanks(original[i1:i2]), _blanks(original[i1:i2][::-1])
            new = answer[j1:j2]
            keep_lead = lead if lead < i2 - i1 and not _blanks(new) else 0
            keep_trail = trail if lead < i2 - i1 and not _blanks(new[::-1]) else 0
            out += [*original[i1:i1 + keep_lead], *new, *original[i2 - keep_trail:i2]]
        else:
            out += answer[j1:j2]
    return "".join(out)


def _blanks(lines: list[str]) -> int:
    """How many of `lines` from the first are blank."""
    return next((i for i, line in enumerate(lines) if line.strip()), len(lines))



def removal_gap(text: str, start: int, end: int) -> tuple[int, int]:
    """Where the whole lines text[start:end] are removed, the span to remove with them (else start, end). The blank lines
    around them would join into a gap wider than either (two blank lines between methods where one
    was, four between functions): as many go as the narrower side had, from below. Nothing follows
    (the end of the text) or a block closes right below (`}`): the blank lines above go; nothing is
    above or a block opens right above (`class K:`, `{`): those below go."""
    starts = coords.line_start_indices(text)
    if start not in starts or (end not in starts and end != len(text)):
        return start, end  # not whole lines
    lines = [(a, b) for a, b in zip(starts, [*starts[1:], len(text)]) if a < b]
    blank_above = _blank_run(text, [line for line in reversed(lines) if line[1] <= start])
    blank_below = _blank_run(text, [line for line in lines if line[0] >= end])
    if not text[end:].strip():
        return (blank_above[-1][0] if blank_above else start), len(text)
    if not text[:start].strip() or (not blank_above and text[:start].rstrip().endswith((":", "{", "(", "["))):
        return start, (blank_below[-1][1] if blank_below else end)  # the first thing in the file or a block
    if not blank_below and text[end:].lstrip(" \t").startswith(("}", ")", "]")):
        return (blank_above[-1][0] if blank_above else start), end  # the last thing in a block
    drop = min(len(blank_above), len(blank_below))
    return start, (blank_below[drop - 1][1] if drop else end)


def _blank_run(text: str, lines: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The blank lines among `lines` (spans, in order outward from a point) up to the first that is not."""
    run = []
    for lo, hi in lines:
        if text[lo:hi].strip():
            break
        run.append((lo, hi))
    return run


def _indented_as(original: list[str], output: str) -> str:
    """`output` at the indentation every line of `original` has, where it wrote every line flush left (a
    stylesheet's one declaration, tab-indented, came back as `--card: ...` at the line's start)."""
    shown = [indent(line) for line in original if line.strip()]
    lines = coords.lsp_lines(output)
    if not shown or any(indent(line) for line in lines if line.strip()):
        return output
    common = min(shown, key=len)
    if not common or not all(i.startswith(common) for i in shown):
        return output
    return "".join(common + line if line.strip() else line for line in lines)
