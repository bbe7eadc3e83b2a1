"""An answer that ended too early or began too early, made whole (pure, str).

Asked for a longer docstring, a small model often writes the definition's first line and the new
docstring, then ends its answer: the body it was shown is simply not written again. Where every
code line from some point of the region to its end is missing, and the answer has none of those
lines (not even a closing brace), it stopped early rather than removed them: the region's lines
from there on follow the answer, as they were (`resumed`).

Shown the file above a C function it was asked to change, the 1.5B began its answer with the
file's `#include` and `typedef struct {...} ring_t;`, then the function: the typedef landed twice
and the file no longer compiled. An answer's first lines that repeat the lines right above its
region are those lines, not new code (`without_lines_above`). Likewise, asked to add a method after a
class's last one (its region), the 1.5B closed the class too: last lines that repeat those right after
the region, where the file parses without them and not with them, go (`without_lines_below`). And going on
after `sdstoupper` to add `sdstotitle`, it first wrote `sdstolower` again, word for word as it stands above:
a definition the answer writes that is one of the file's outside the region, the same text, goes
(`without_copies`), as does a run of comment lines written again as it stands outside the region (a method's
doc, copied into its body).
"""

from __future__ import annotations

import itertools
import re

from .. import coords, syntax
from ..coords import lsp_lines


def without_lines_above(above: str, output: str, region: str) -> str:
    """`output` without the lines it begins with that are the last lines of `above` (the file above its
    region; blank lines between them and the region as written), and the blank lines after them; as it
    is where those lines hold no word, leave nothing, or begin the region itself."""
    mine, theirs = lsp_lines(output), lsp_lines(above)
    while theirs and not theirs[-1].strip():
        theirs.pop()
    mine_cut, theirs_cut = [line.rstrip() for line in mine], [line.rstrip() for line in theirs]
    k = next((k for k in range(min(len(mine), len(theirs)), 0, -1) if mine_cut[:k] == theirs_cut[-k:]), 0)
    if not k or not any(re.search(r"\w", line) for line in mine_cut[:k]):
        return output
    if [line.rstrip() for line in lsp_lines(region)[:k]] == mine_cut[:k]:
        return output
    rest = k
    while rest < len(mine) and not mine[rest].strip():
        rest += 1
    return "".join(mine[rest:]) if rest < len(mine) else output


def without_lines_below(text: str, start: int, end: int, output: str, language: syntax.Language) -> str:
    """`output` (the new text of text[start:end]) without the lines it ends with that are the first lines
    after its region (blank lines aside: a class's closing "}"), where the file has syntax errors with
    them that it does not have without them; as it is otherwise."""
    mine, theirs = lsp_lines(output), [line.rstrip() for line in lsp_lines(text[end:]) if line.strip()]
    while mine and not mine[-1].strip():
        mine.pop()
    mine_cut = [line.rstrip() for line in mine]
    k = next((k for k in range(min(len(mine), len(theirs)), 0, -1) if mine_cut[-k:] == theirs[:k]), 0)
    if not k or not language.has_grammar:
        return output
    original = text.encode("utf-8")

    def breaks(answer: str) -> bool:
        return bool(syntax.introduced_problems(original, (text[:start] + answer + text[end:]).encode("utf-8"), language))

    cut = "".join(mine[:-k])
    return cut if cut.strip() and breaks(output) and not breaks(cut) else output


def resumed(original: list[str], output: str, code: list[int], comments: set[int], lost: list[int],
            newline: str) -> str | None:
    """`output` followed by `original[k:]`, where k is the first of the `lost` code lines (indices into
    `original`, a region's lines; `code`: all its code lines), taking in the `comments` lines right
    above it that the answer lacks; None unless every code line from k on is lost and the answer has
    no line of the original from k on."""
    if not lost:
        return None
    first = lost[0]
    if {i for i in code if i >= first} != set(lost):
        return None
    written = {line.strip() for line in lsp_lines(output)} - {""}
    if any(line.strip() in written for line in original[first:]):
        return None
    while first - 1 in comments and original[first - 1].strip() not in written:
        first -= 1
    if output and not output.endswith(("\n", "\r")):
        output += newline
    return output + "".join(original[first:])


def without_copies(text: str, start: int, end: int, output: str, language: syntax.Language) -> str:
    """`output` (the new text of text[start:end]) without the definitions it writes at the file's top level that
    stand there outside the region as written (their names none of the region's), and the blank lines after
    them; not one inside another (a class's method like another class's, a decorator's inner function). Nor
    with a run of comment lines that stands outside the region as written (_without_comment_copies)."""
    source = text.encode("utf-8")
    lo, hi = coords.byte_span(text, (start, end))
    found = _top_level(syntax.definitions(source, language))
    own = {name for name, u in found if u.start < hi and lo < u.end}
    outside = {(name, source[u.start:u.end].strip()) for name, u in found if name not in own and (u.end <= lo or u.start >= hi)}
    output = _without_comment_copies(text, start, end, output, language)
    if not outside:
        return output
    edited = (text[:start] + output + text[end:]).encode("utf-8")
    a_lo, a_hi = coords.byte_span(text[:start] + output, (start, start + len(output)))
    copies = sorted(((u.start, u.end) for name, u in _top_level(syntax.definitions(edited, language))
                     if a_lo <= u.start and u.end <= a_hi and (name, edited[u.start:u.end].strip()) in outside), reverse=True)
    for a, b in copies:  # from the last: the answer's end moves back by what each takes
        blank = len(edited[b:a_hi]) - len(edited[b:a_hi].lstrip(b"\r\n"))
        if b + blank == a_hi and a > a_lo:  # the answer's last: the blank lines before it go instead
            a, blank = len(edited[:a].rstrip(b"\r\n")) + 1, 0
        edited, a_hi = edited[:a] + edited[b + blank:], a_hi - (b + blank - a)
    return edited[:a_hi].decode("utf-8")[start:] if copies else output


def _top_level(found: dict[str, list[tuple[str, syntax.Unit]]]) -> list[tuple[str, syntax.Unit]]:
    """The definitions (by name) that lie in no other one."""
    units = [(name, u) for name, pairs in found.items() for _, u in pairs]
    return [(name, u) for name, u in units if not any(o.start <= u.start and u.end <= o.end and o != u for _, o in units)]


COPIED_COMMENT_LINES = 3


def _without_comment_copies(text: str, start: int, end: int, output: str, language: syntax.Language) -> str:
    """`output` without each run of at least three comment lines (the grammar's comments: not `#[derive]`, `*args`),
    none of them the region's, that stands outside the region line for line (indentation aside): asked for a
    JSDoc @example on commander's `preset`, whose doc is above it past a blank line, the 1.5B wrote that doc again
    inside the method's body."""
    mine = lsp_lines(output)
    edited = (text[:start] + output + text[end:]).encode("utf-8")
    comments = syntax.comment_ranges(edited, language)
    at, commented = len(text[:start].encode("utf-8")), []
    for line in mine:
        first = at + len(line.encode("utf-8")) - len(line.lstrip().encode("utf-8"))
        commented.append(bool(line.strip()) and any(a <= first < b for a, b in comments))
        at += len(line.encode("utf-8"))
    around = [line.strip() for line in lsp_lines(text[:start])] + [""] + [line.strip() for line in lsp_lines(text[end:])]
    region = {line.strip() for line in lsp_lines(text[start:end])}
    kept, i = [], 0
    while i < len(mine):
        j = i
        while j < len(mine) and commented[j] and mine[j].strip() not in region:
            j += 1
        run = [line.strip() for line in mine[i:j]]
        if len(run) >= COPIED_COMMENT_LINES and any(around[k:k + len(run)] == run for k in range(len(around))):
            i = j  # a copy: gone
            if not "".join(kept).strip():  # the answer's start: the blank lines after it too, as the region starts
                while i < len(mine) and not mine[i].strip():
                    i += 1
                kept = list(itertools.takewhile(lambda line: not line.strip(), lsp_lines(text[start:end])))
        else:
            kept += mine[i:max(j, i + 1)]
            i = max(j, i + 1)
    return "".join(kept) if len(kept) < len(mine) else output
