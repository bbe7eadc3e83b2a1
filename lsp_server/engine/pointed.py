"""Where a request points without naming a definition (pure): in a stylesheet or data file, the rules,
declarations and members holding the names it writes as code (`--radius`, `.dark`, a `lint` key); in code,
the definition holding a text it quotes or the words of one string ("the Caused by loop")."""

from __future__ import annotations

import re

from .. import coords, syntax
from .request import Region
from .scope import PLACE_BEFORE, WIDE

# What a request writes as code where a language has no definitions: `quoted`, `--radius`, `.dark`, `:root`,
# `#header`, `@media` (not `background-color`, `sans-serif`: a property a rule may not have yet).
_CODE_TOKEN = re.compile(r"`([^`\n]+)`|(?<![\w.#:@-])((?:--|[.#:@])[A-Za-z_][\w-]*)")

# A request that removes what it names: in the statement around it (a JSON member's comma goes with it).
_GOES = re.compile(r"(?i)\b(?:remove|delete|drop|get\s+rid\s+of)\b")
# Words that say a request is about where a name is used too, not only where it is declared.
_EVERY_USE = re.compile(r"(?i)\b(?:renam\w*|remov\w*|delet\w*|drop\w*|replac\w*|uses?|usages?|references?|everywhere|"
                        r"every|all|wherever)\b")


_LITTLE = {"a", "an", "the", "to", "of", "in", "on", "at", "for", "by", "with", "and", "or", "from", "as", "is", "it", "its",
           "that", "this", "these", "those", "be", "into", "when", "if", "so", "than", "then", "not", "no"}
# Text a request quotes: "Caused by", “usage:”, 'bad line' (not the apostrophe of "don't ... it's").
_QUOTED_TEXT = re.compile(r'"([^"\n]{3,}?)"|“([^”\n]{3,}?)”|(?<!\w)\'([^\'\n]{3,}?)\'(?!\w)')


def holding_text(instruction: str, text: str, language: syntax.Language) -> tuple[Region, str] | None:
    """The innermost definition holding the one place of the file a request points at by its text, as a region
    and its name: a text it quotes that the file has once, or else the longest run of two or more of its words
    that one string of the file holds and nothing else of it does ("the Caused by loop"); None where there is
    none, or it is in none."""
    if not language.has_grammar or WIDE.search(instruction) or re.search(r"(?i)\b(?:every|each|all|wherever)\b", instruction):
        return None
    source = text.encode("utf-8")
    quoted = [q.encode("utf-8") for m in _QUOTED_TEXT.finditer(instruction) for q in m.groups() if q]
    # Runs of two words or more with a capital inside the sentence, not opening on a little word ("Caused by";
    # not "to the", "the database", "error message")
    plain = _QUOTED_TEXT.sub(" , ", instruction)
    words = [(m[0], bool(re.search(r"(?:^|[.!?;:]\s+)\s*$", plain[:m.start()]))) for m in re.finditer(r"[^\W_][\w'-]*", plain)]
    runs = sorted((" ".join(w for w, _ in words[i:j]).encode("utf-8") for i in range(len(words))
                   for j in range(i + 2, len(words) + 1)
                   if words[i][0].lower() not in _LITTLE and any(w[0].isupper() and not first for w, first in words[i:j])), key=len, reverse=True)
    literals, comments = syntax.literal_ranges(source, language), syntax.comment_ranges(source, language)

    def places(needle: bytes) -> list[int]:  # outside comments ("// Capitalize to match "Caused by:"")
        return [m.start() for m in re.finditer(re.escape(needle), source) if not any(a <= m.start() < b for a, b in comments)]

    at = next((found[0] for q in quoted if len(found := places(q)) == 1), None)
    if at is None:
        at = next((found[0] for r in runs if len(r) >= 6 and len(found := places(r)) == 1 and any(
            a <= found[0] < b for a, b in literals)), None)
    units = [u for found in syntax.definitions(source, language).values() for _, u in found
             if at is not None and u.start <= at < u.end]
    if not units:
        return None
    unit = min(units, key=lambda u: u.end - u.start)
    return Region(coords.str_index(source, unit.start), coords.str_index(source, unit.end)), unit.name


def _code_tokens(instruction: str) -> list[tuple[str, bool]]:
    """Each name written as code, and whether it is given as a place ("after --destructive")."""
    return [(m[1] or m[2], bool(PLACE_BEFORE.search(instruction[:m.start()]))) for m in _CODE_TOKEN.finditer(instruction)]


def statement_regions(instruction: str, text: str, language: syntax.Language) -> list[Region]:
    """The regions of syntax.statements_holding for the names the request writes as code: where they are
    declared, a name given as a place or removed taking the members around it, its uses too where the request
    renames, removes or speaks of uses; [] where the language has definitions, or nothing narrows."""
    if not language.has_grammar or WIDE.search(instruction):
        return []
    tokens, gone, source = _code_tokens(instruction), bool(_GOES.search(instruction)), text.encode("utf-8")
    spans = syntax.statements_holding(source, language, [t.encode("utf-8") for t, _ in tokens],
                                      uses=bool(_EVERY_USE.search(instruction)),
                                      beside=frozenset(t.encode("utf-8") for t, p in tokens if p or gone))
    return [Region(coords.str_index(source, a), coords.str_index(source, b)) for a, b in spans or ()]
