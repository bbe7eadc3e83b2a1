"""Types that must say they admit None (grammars/<lang>/types.scm, language.toml's `optional_forms`).

A model asked for type hints often writes `start: str = None`: the default says None, the type says
it cannot be. Type checkers reject that (PEP 484 dropped implicit Optional), so an edit's new
annotations of that kind are written out: `start: Optional[str] = None`, or `str | None` where the
file writes its unions that way. Annotations the original already had are the user's and stay.
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


def explicit_optionals(original: bytes, edited: bytes, language: Language) -> tuple[bytes, int | None]:
    """`edited` with each annotation that defaults to None and does not admit it made optional, unless
    the original has the same parameter or assignment word for word; and the byte where the first
    change starts (None: nothing changed)."""
    if not language.optional_forms or queries.query(language, "types") is None:
        return edited, None
    theirs = {n.text for n in queries.captures(language, original, "types").get("optional.owner", ())}
    found = queries.captures(language, edited, "types")
    owners = [n for n in found.get("optional.owner", ()) if n.text not in theirs]
    types = [t for t in found.get("optional.type", ())
             if any(o.start_byte <= t.start_byte and t.end_byte <= o.end_byte for o in owners)
             and not _as_is(language, t.text.decode("utf-8"))]
    if not types:
        return edited, None
    style = _style(language, edited)
    quoted = {(n.start_byte, n.end_byte) for n in found.get("optional.quoted", ())}
    out, at = edited, None
    for node in sorted(types, key=lambda n: n.start_byte, reverse=True):
        text = node.text.decode("utf-8")
        # A forward reference ("Node") stays a string: the union of a str and None is no type.
        written = (language.optional_forms[0] if (node.start_byte, node.end_byte) in quoted else style).format(type=text)
        out = out[:node.start_byte] + written.encode("utf-8") + out[node.end_byte:]
        at = node.start_byte
    return out, at
