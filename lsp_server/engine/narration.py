"""Comments that only narrate the edit ("// Added this line"), taken out of a free-form answer (pure, str).

Asked to "Add '.wasm': 'application/wasm' to mimeTypes", the 1.5B wrote the entry and `// Added this
line` after it. A comment that says nothing but that the line is new or changed describes the edit,
not the code: it is noise in the user's file once the edit has landed. Such a comment the answer
wrote (its text not in the region before) goes, with the spacing before it; a line that held nothing
else goes too. A request that asks for comments or notes keeps every comment.

The other way round: asked to "Make rpad handle a negative padding", the 1.5B rewrote the function from
its `func` line and left out the doc comment above it. A definition's doc comment that an answer left
out whole, where the answer still defines that name with no comment above it, is put back there
(`docs_put_back`), unless the request speaks of comments or docs (it may ask for them to go).
"""

from __future__ import annotations

import re
from typing import Callable

from .. import coords, syntax

# A comment that only says the line was added or changed: "Added this line", "new", "changed here", "<- fixed".
NARRATION = re.compile(
    r"^[\W_]*(?:(?:this\s+)?(?:line|entry|code|item)\s+)?(?:added|new|changed|updated|modified|fixed|inserted|replaced)"
    r"(?:\s+(?:this|the|a|new))?(?:\s+(?:line|lines|entry|code|item|here|below|above))?(?:\s+here)?[\W_]*$",
    re.IGNORECASE)
# A request that asks for comments: every comment the answer writes may be what it asked for.
ASKS_COMMENTS = re.compile(r"\b(?:comment|note|annotat|explain|document|mark)", re.IGNORECASE)
_WORD = re.compile(r"\b(?:added|new|changed|updated|modified|fixed|inserted|replaced)\b", re.IGNORECASE)
_MARKERS = re.compile(r"^\s*(?://+|#+|/\*+|--|;+|%+)|\*+/\s*$")


def tidied(text: str, start: int, end: int, answer: str, instruction: str, language: syntax.Language,
           removing: bool = False) -> str:
    """`answer` (the new text of text[start:end]) without comments that narrate the edit and with the doc
    comments it left out put back (not where the request may mean removing code: keep.Keeper.removing)."""
    answer = unnarrated(text, start, end, answer, instruction, language)
    return answer if removing else docs_put_back(text, start, end, answer, instruction, language)


def unnarrated(text: str, start: int, end: int, answer: str, instruction: str, language: syntax.Language) -> str:
    """`answer` (the new text of text[start:end]) without the comments it wrote that only narrate the edit."""
    if not language.has_grammar or ASKS_COMMENTS.search(instruction) or not _WORD.search(answer):
        return answer  # most answers: no word a narration is made of
    before = {_MARKERS.sub("", c).strip() for c in _comments(text, start, end, language)}

    def cuts(source: bytes, lo: int, hi: int) -> list[tuple[int, int, bytes]]:
        found = []
        for a, b in syntax.comment_ranges(source, language):
            said = _MARKERS.sub("", source[a:b].decode("utf-8", "replace")).strip()
            if lo <= a and b <= hi and said not in before and NARRATION.match(said):
                line_lo = source.rfind(b"\n", 0, a) + 1
                line_hi = len(source) if (nl := source.find(b"\n", b)) < 0 else nl
                if not source[line_lo:a].strip() and not source[b:line_hi].strip():
                    found.append((line_lo, min(line_hi + 1, hi), b""))  # a line of its own: the line goes
                else:
                    found.append((len(source[:a].rstrip(b" \t")), b, b""))  # after code: it and the spaces before it
        return found

    return rewritten(text, start, end, answer, cuts)


# A comment that speaks to a tool: never put back.
DIRECTIVE = re.compile(r"pylint:|eslint|noqa|nolint|@ts-|\bgo:|type:\s*ignore|prettier-ignore|clang-format|rubocop:|"
                       r"istanbul|c8 ignore|#\s*pragma|NOSONAR|fmt:\s*(?:off|on|skip)", re.IGNORECASE)
# A request that speaks of comments or docs: a doc the answer left out may be what it asked for.
SPEAKS_OF_DOCS = re.compile(r"\b(?:comment|doc|javadoc|jsdoc|rustdoc|godoc|prose|header|todo|fixme|xxx|hack|note|licen[cs]e|copyright)",
                            re.IGNORECASE)


def docs_put_back(text: str, start: int, end: int, answer: str, instruction: str, language: syntax.Language) -> str:
    """`answer` (the new text of text[start:end]) with the doc comments it left out whole put back above the
    definitions it still writes: the comment lines that open what is attached above a definition in the
    region (syntax.doc_sites), where none of them is a line of the answer and the answer's definition of
    that name has no comment above it."""
    if not language.has_grammar or SPEAKS_OF_DOCS.search(instruction):
        return answer
    source = text.encode("utf-8")
    comments = [(a, b) for a, b in syntax.comment_ranges(source, language) if not DIRECTIVE.search(source[a:b].decode(
        "utf-8", "replace"))]  # a linter's or compiler's directive the answer left out may be what it asked
    lines = {line.strip() for line in answer.split("\n")}
    dropped: dict[str, list[bytes]] = {}
    for site in syntax.doc_sites(source, language, *coords.byte_span(text, (start, end)), inside=False):
        block = _comment_lines(source, site.start, site.site, comments)
        if block and not any(line.strip() in lines for line in block.decode("utf-8", "replace").split("\n") if line.strip()):
            dropped.setdefault(site.name, []).append(block)
    if not dropped:
        return answer

    def inserts(edited: bytes, lo: int, hi: int) -> list[tuple[int, int, bytes]]:
        found = []
        now = syntax.comment_ranges(edited, language)
        for site in syntax.doc_sites(edited, language, lo, hi, inside=False):
            if dropped.get(site.name) and not any(site.start <= a < site.site for a, _ in now):
                block = dropped[site.name].pop(0)
                rest = edited[site.start:]
                indent = rest[:len(rest) - len(rest.lstrip(b" \t"))]
                found.append((site.start, site.start, _reindented(block, indent)))
        return found

    return rewritten(text, start, end, answer, inserts)


def _comment_lines(source: bytes, lo: int, hi: int, comments: list[tuple[int, int]]) -> bytes:
    """The whole lines from `lo` that hold comments alone (as far as they go, before `hi`)."""
    at = lo
    while at < hi:
        end = source.find(b"\n", at)
        end = hi if end < 0 or end >= hi else end + 1
        line = source[at:end]
        if not line.strip() or not any(a <= at + len(line) - len(line.lstrip()) < b for a, b in comments):
            break
        at = end
    return source[lo:at]


def _reindented(block: bytes, indent: bytes) -> bytes:
    """Comment lines at the indentation `indent` (that of the block's first line replaced)."""
    first = block[:len(block) - len(block.lstrip(b" \t"))]
    return b"".join(indent + line[len(first):] if line.startswith(first) else line for line in block.splitlines(keepends=True))


def rewritten(text: str, start: int, end: int, answer: str,
              replacements: Callable[[bytes, int, int], list[tuple[int, int, bytes]]]) -> str:
    """`answer` (the new text of text[start:end]) with byte replacements made in the file it makes:
    `replacements(source, lo, hi)` gets that file's bytes and the answer's span in them, and gives
    (start, end, new bytes) in them."""
    edited = text[:start] + answer + text[end:]
    source = edited.encode("utf-8")
    changes = replacements(source, *coords.byte_span(edited, (start, start + len(answer))))
    for a, b, new in sorted(changes, reverse=True):
        source = source[:a] + new + source[b:]
    result = source.decode("utf-8")
    return result[start:len(result) - (len(text) - end)] if changes else answer


def _comments(text: str, start: int, end: int, language: syntax.Language) -> list[str]:
    """The text of the comments in text[start:end]."""
    source = text.encode("utf-8")
    lo, hi = coords.byte_span(text, (start, end))
    return [source[a:b].decode("utf-8", "replace") for a, b in syntax.comment_ranges(source, language) if lo <= a and b <= hi]
