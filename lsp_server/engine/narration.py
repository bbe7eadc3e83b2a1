"""Comments that only narrate the edit ("// Added this line"), taken out of a free-form answer (pure, str).

Asked to "Add '.wasm': 'application/wasm' to mimeTypes", the 1.5B wrote the entry and `// Added this
line` after it. A comment that says nothing but that the line is new or changed describes the edit,
not the code: it is noise in the user's file once the edit has landed. Such a comment the answer
wrote (its text not in the region before) goes, with the spacing before it; a line that held nothing
else goes too. A request that asks for comments or notes keeps every comment.
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
