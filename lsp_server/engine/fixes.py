"""Drafts a diagnostic's own words give (pure): the defined name an undefined one stands for, and the text a
message says it expected where it saw another ("Expected '===' and instead saw '=='"). The model verifies them.
And the one-token repair of a stylesheet or data file an edit broke (a JSON comma left before `}`: mended_data)."""

from __future__ import annotations

import difflib
import re

from .. import coords, syntax

# How compilers and linters say "no such name": flake8/ruff, pyright, gcc/clang, go, rustc, eslint, tsc, javac.
_NAME = r"([^\W\d][\w$]*|\$[\w$]*)"
UNDEFINED_NAME = [
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"undefined name [`'\"‘]{_NAME}",
        rf"[`'\"‘]{_NAME}[`'\"’] (?:is not defined|undeclared|was not declared|is undefined)",
        rf"undefined: {_NAME}",
        rf"cannot find (?:value|symbol|name)[^`'\"‘]*[`'\"‘]{_NAME}",
        rf"use of undeclared identifier [`'\"‘]{_NAME}",
        rf"cannot find symbol\s+symbol:\s+variable {_NAME}",
        rf"{_NAME} is not defined",
    )
]


# "Expected '===' and instead saw '=='" (eslint, jshint), "expected `!==`, found `!=`": the message names the fix.
EXPECTED_INSTEAD = re.compile(r"[Ee]xpected [`'\"‘](?P<want>[^`'\"’]+)[`'\"’],? (?:and )?(?:instead saw|but found|found) "
                              r"[`'\"‘](?P<saw>[^`'\"’]+)[`'\"’]")
LINE_COLUMN = re.compile(r":(\d+):(\d+):")


def message_fix(text: str, span: tuple[int, int], diagnostic: str) -> str | None:
    """The text with what the message says it saw replaced by what it expected, where one is the other
    grown or shrunk ('==' -> '==='), at the message's line:column, else its one occurrence in the span."""
    m = EXPECTED_INSTEAD.search(diagnostic)
    if not m or not (m["saw"] in m["want"] or m["want"] in m["saw"]):
        return None  # "expected `;`, found `Ok`" is a missing separator: the syntax repair's job
    saw, want = m["saw"], m["want"]
    start = -1
    if where := LINE_COLUMN.search(diagnostic):  # at the reported column, else later on that line
        at = coords.index_at_line_column(text, int(where[1]), int(where[2]))
        line_end = text.find("\n", at)
        start = next(iter(_standalone(text, saw, want, at, len(text) if line_end < 0 else line_end)), -1)
    if start < 0:
        hits = _standalone(text, saw, want, *span)
        start = hits[0] if len(hits) == 1 else -1
    return None if start < 0 else text[:start] + want + text[start + len(saw):]


def _standalone(text: str, saw: str, want: str, lo: int, hi: int) -> list[int]:
    """Where `saw` starts in text[lo:hi], leaving out those inside a `want` (the '==' of a '===' is no '==')."""
    wanted = [(h.start(), h.end()) for h in re.finditer(re.escape(want), text)] if saw in want else []
    starts = [lo + h.start() for h in re.finditer(re.escape(saw), text[lo:hi])]
    return [s for s in starts if not any(a <= s and s + len(saw) <= b for a, b in wanted)]


def spelling_fix(text: str, span: tuple[int, int] | None, diagnostic: str,
                 language: syntax.Language | None = None) -> str | None:
    """For an 'undefined name' diagnostic: the text with that name replaced by the closest defined one.

    A linter's autofix in miniature: it gives the model a draft that already carries the likely fix.
    """
    found = [m for m in (p.search(diagnostic) for p in UNDEFINED_NAME) if m]
    if not found:
        return None
    wrong = found[0].group(1)
    start, end = span or (0, len(text))
    source = text.encode("utf-8")
    language = language or syntax.language_for(None)
    b0, b1 = coords.byte_span(text, (start, end))
    # The names defined in the code (keywords and words in strings are not candidates), nearest first.
    best = (closest_name(wrong, syntax.names_in(source, language, b0, b1) - {wrong})
            or closest_name(wrong, syntax.names_in(source, language) - {wrong}))
    if best is None:
        return None
    fixed = re.sub(rf"(?<![\w$]){re.escape(wrong)}(?![\w$])", best, text[start:end])
    return text[:start] + fixed + text[end:]


def _is_subsequence(short: str, long: str) -> bool:
    letters = iter(long)
    return all(ch in letters for ch in short)


def _one_slip(wrong: str, name: str) -> bool:
    """Whether `wrong` is `name` with one slip of the keys: a letter typed twice, two neighbours swapped, other case."""
    if wrong != name and wrong.lower() == name.lower():
        return True
    if len(wrong) == len(name) + 1:
        return any(wrong[i] == wrong[i + 1] and wrong[:i] + wrong[i + 1:] == name for i in range(len(name)))
    if len(wrong) == len(name):
        diff = [i for i in range(len(name)) if wrong[i] != name[i]]
        return (len(diff) == 2 and diff[1] == diff[0] + 1
                and wrong[diff[0]] == name[diff[1]] and wrong[diff[1]] == name[diff[0]])
    return False


def closest_name(wrong: str, names: set[str]) -> str | None:
    """The defined name `wrong` most likely stands for: the one it is a single slip away from (`resultt`,
    `totla`, `NAME`), else one it abbreviates or misses letters of (its letters in order: `segs` ->
    `segments`, `totl` -> `total`), else the closest spelling."""
    ordered = sorted(names)
    slips = [n for n in ordered if _one_slip(wrong, n)]
    if len(slips) == 1:
        return slips[0]
    fuller = [n for n in ordered if len(n) > len(wrong) and n[0] == wrong[0] and _is_subsequence(wrong, n)]
    if fuller:
        return max(fuller, key=lambda n: difflib.SequenceMatcher(None, wrong, n).ratio())
    close = difflib.get_close_matches(wrong, ordered, n=1, cutoff=0.6)
    return close[0] if close else None


def mended_data(original: str, edited: str, lo: int, hi: int, language: syntax.Language) -> str | None:
    """For a stylesheet or data file (syntax.defines_nothing), `edited` with the one token a syntax repair puts
    back where the edit, within [lo, hi), broke the syntax: asked to remove package.json's last script, the
    1.5B left the comma before `}`. None where the edit broke nothing, the language has definitions (a token
    guessed there may change what code means), or no one token inside the edit mends it all."""
    if not syntax.defines_nothing(language) or not syntax.introduced_problems(original.encode(), edited.encode(), language):
        return None
    repaired = syntax.repair_draft(edited.encode("utf-8"), language)
    if repaired is None or syntax.introduced_problems(original.encode(), repaired, language):
        return None
    mended = repaired.decode("utf-8")
    tail = len(edited) - hi
    if mended[:lo] != edited[:lo] or mended[len(mended) - tail:] != edited[hi:]:
        return None  # a token outside what the edit wrote: not the edit's to mend
    return mended
