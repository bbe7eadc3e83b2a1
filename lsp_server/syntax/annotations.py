"""New annotations written as type checkers read them (grammars/<lang>/types.scm; language.toml's
`optional_forms`, `optional_as_is` and `type_names`).

A model asked for type hints often writes `start: str = None`: the default says None, the type says
it cannot be. Type checkers reject that (PEP 484 dropped implicit Optional), so such an annotation
is written out: `start: Optional[str] = None`, or `str | None` where the file writes its unions that
way. It also writes `x: any` or `key: callable`, builtin functions where the types `Any` and
`Callable` are meant; those are spelled as the types. Annotations the original already had are
the user's and stay.
"""

from __future__ import annotations

import re

from . import queries
from .languages import Language


def _style(language: Language, source: bytes) -> str:
    """The `optional_forms` template the file uses most (the first on a tie, or where it uses none)."""
    def uses(template: str) -> int:
        before, _, after = template.partition("{type}")
        pattern = re.escape(before) + r"[\w.\[\]\"', ]+?" + re.escape(after) if before else \
            r"[\w.\]\"']" + re.escape(after) + r"(?![\w\[])"
        return len(re.findall(pattern.encode(), source))
    return max(language.optional_forms, key=uses)


def _as_is(language: Language, text: str) -> bool:
    """Whether a type (its text) is left as it is: it admits None already, or must stay outermost."""
    bare = text.strip()
    if len(bare) >= 2 and bare[0] == bare[-1] and bare[0] in "'\"":
        bare = bare[1:-1].strip()
    return language.optional_as_is is not None and language.optional_as_is.search(bare) is not None


def _line(source: bytes, at: int) -> bytes:
    """The line holding byte `at`, stripped."""
    end = source.find(b"\n", at)
    return source[source.rfind(b"\n", 0, at) + 1:end if end >= 0 else len(source)].strip()


def explicit_types(original: bytes, edited: bytes, language: Language) -> tuple[bytes, int | None]:
    """`edited` with each new annotation that defaults to None and does not admit it made optional
    (unless the original has the same parameter or assignment word for word), and each builtin's name
    written as a type on a new line spelled as the type (`type_names`); and the byte where the first
    change starts (None: nothing changed)."""
    if not (language.optional_forms or language.type_names) or queries.query(language, "types") is None:
        return edited, None
    edits: list[tuple[int, int, str]] = []  # (start, end, text): words replaced, forms' halves inserted
    found = queries.captures(language, edited, "types")
    names = dict(language.type_names)
    if names:
        lines = {line.strip() for line in original.splitlines()}
        edits += [(n.start_byte, n.end_byte, names[n.text.decode()]) for n in found.get("type.word", ())
                  if n.text.decode() in names and _line(edited, n.start_byte) not in lines]
    if language.optional_forms:
        theirs = {n.text for n in queries.captures(language, original, "types").get("optional.owner", ())}
        owners = [n for n in found.get("optional.owner", ()) if n.text not in theirs]
        style = _style(language, edited)
        quoted = {(n.start_byte, n.end_byte) for n in found.get("optional.quoted", ())}
        for node in found.get("optional.type", ()):
            if any(o.start_byte <= node.start_byte and node.end_byte <= o.end_byte for o in owners) \
                    and not _as_is(language, node.text.decode("utf-8")):
                # A forward reference ("Node") stays a string: the union of a str and None is no type.
                form = language.optional_forms[0] if (node.start_byte, node.end_byte) in quoted else style
                before, _, after = form.partition("{type}")
                edits += [(node.start_byte, node.start_byte, before), (node.end_byte, node.end_byte, after)]
    edits = [e for e in edits if e[0] < e[1] or e[2]]
    if not edits:
        return edited, None
    out = edited
    # Right to left; at one offset a replaced word goes before the text inserted there.
    for start, end, text in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        out = out[:start] + text.encode("utf-8") + out[end:]
    return out, min(e[0] for e in edits)
