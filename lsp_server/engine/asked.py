"""New definitions a request asks for: their names ("Add a CheckErrf function", "into a helper method _download"),
whether the answer wrote them, and where a new function of a large file goes when the request gives no place."""

from __future__ import annotations

import os
import re

from .. import coords, syntax
from .scope import MENTION, _code_marked, _mentioned

# A definition a request asks to be written: "into a helper method _download", "add a function called clamp".
_KIND = r"(?:a\s+|an\s+)?(?:new\s+)?(?:private\s+|static\s+|separate\s+|small\s+)?(?:helper|function|method|class)" \
        r"(?:\s+(?:function|method))?\s+(?:called\s+|named\s+)?`?(?P<name>[A-Za-z_$][\w$]*)"
_ASKED = re.compile(rf"\b(?:into|to|as|create|add|write|define|introduce)\s+{_KIND}", re.IGNORECASE)
# The name before the kind word: "Add a CheckErrf function", "write an is_html helper", "Add an sdstotitle function";
# not where the kind word goes on to a part of one or of its use ("a cleanup() function call").
_ASKED_BEFORE = re.compile(r"\b(?:create|add|write|define|introduce|implement)\s+(?:a\s+|an\s+)?(?:new\s+)?`?(?P<name>"
                           r"[A-Za-z_$][\w$]*)`?(?:\(\))?\s+(?:helper\s+)?(?P<kind>helper|function|method|class|fn|func|"
                           r"procedure|routine)\b(?!\s+(?:calls?|pointers?|parameters?|params?|arguments?|args?|signatures?|"
                           r"bod(?:y|ies)|names?|types?|definitions?|declarations?|references?|overloads?))", re.IGNORECASE)
_NOT_A_NAME = {"to", "that", "which", "for", "in", "on", "with", "the", "a", "an", "and", "or", "so", "from", "of",
               "at", "by", "returning", "taking", "per", "each", "instead", "above", "below", "after", "before",
               "inside", "here", "there", "it", "this", "its", "who", "whose", "function", "method", "class", "helper"}


# The size of file past which a new function that names no place is written after the function named most like
# it, not by rewriting the file.
# A place the request gives for it (then the whole file is rewritten, as for a definition named as a place).
_PLACE_WORD = re.compile(r"\b(?:at\s+the\s+(?:top|end|bottom|beginning|start)\s+of|before|after|above|below|beneath|"
                         r"beside|next\s+to|between)\b", re.I)
NEW_AFTER_BYTES = 6000


def insertion_after(instruction: str, text: str, language: syntax.Language) -> tuple[str, int] | None:
    """For a request of a large file that writes a new top-level function and names no definition nor place: the
    function whose name starts most like the new one's (three letters or more where the new name is written as
    code, else five and half of it; the last of equals), by name and its str
    index, after which the new one goes (tasks.build_request: its whole text is the answer's lead). Asked for sds.c's `sdstotitle`,
    the whole 1,328-line file was rewritten for 7.7 minutes; shown `sdstoupper` as the code to change, the
    1.5B made it the new function under the old name. None otherwise."""
    m = next((m for m in _ASKED_BEFORE.finditer(instruction) if m["kind"].lower() not in ("method", "class")), None)
    if m is None or len(text.encode("utf-8")) < NEW_AFTER_BYTES or not language.has_grammar or _PLACE_WORD.search(instruction):
        return None
    name, source = m["name"], text.encode("utf-8")
    defined = syntax.definitions(source, language)
    if name.lower() in _NOT_A_NAME or any(_mentioned(w) in defined for w in MENTION.finditer(instruction)):
        return None  # it names one of the file's definitions: a place, the function itself
    classes = [u for found in defined.values() for kind, u in found if kind == "class.outer"]
    scored = [(len(os.path.commonprefix([name.lower(), n.lower()])), u.start, n) for n, found in defined.items()
              for kind, u in found if kind == "function.outer" and not any(c.start <= u.start < c.end for c in classes)]
    best = max(scored, default=None)
    # a name written as code, or one that starts as a function's does for half its length ("sdstotitle", "sdstoupper")
    if best is None or best[0] < 3 or not (_code_marked(instruction, m, name) or best[0] >= max(5, len(name) / 2)):
        return None
    return best[2], coords.str_index(source, best[1])


def asked_names(instruction: str) -> set[str]:
    """The names of the definitions a request asks to be written ("a function called clamp", "a CheckErrf function")."""
    found = [m["name"] for m in _ASKED.finditer(instruction)] + [  # before its kind word, a name written as code
        m["name"] for m in _ASKED_BEFORE.finditer(instruction) if _code_marked(instruction, m, m["name"])]
    return {n for n in found if n.lower() not in _NOT_A_NAME}


def asked_unwritten(instruction: str, edited: str, language: syntax.Language) -> set[str]:
    """The definitions the request asks to be written ("Extract the download into a helper method
    _download(url)") that the edited text does not define: an answer that calls `self._download` and
    defines it nowhere is no such edit (an attribute escapes the undefined-name check)."""
    asked = asked_names(instruction)
    if not asked or not language.has_grammar:
        return set()
    defined = set(syntax.definitions(edited.encode("utf-8"), language))  # or bound: `Point = namedtuple(...)`
    return {n for n in asked - defined if not re.search(rf"(?<![\w$.]){re.escape(n)}\s*(?::[^=\n]*)?=(?![=>])", edited)}
