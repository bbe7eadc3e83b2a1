"""Requests that only remove definitions: "Remove legacyTrim, it is unused.", "Delete the print_shapes
function", "Remove this function" at the cursor. Their answer is known, so no model is asked
(EditRequest.removes); one that asks for anything more, or could mean another definition, is not one.
"Remove unused imports." has a tool's draft the model verifies (without_unused_imports).
"""

from __future__ import annotations

import re
from pathlib import PurePath

from .. import coords, syntax
from ..errors import EditError
from ..syntax.lines import without
from .scope import KIND_WORD, CLAUSE_GAP, NAMED

# A request that only removes definitions it names ("Remove legacyTrim, it is unused.", "Delete the
# print_shapes function"): the answer is known, no model is asked (removes_only).
REMOVE_ONLY = re.compile(
    rf"^\s*(?:please\s+)?(?:remove|delete|drop|get\s+rid\s+of)\s+(?:the\s+|this\s+|these\s+)?"
    rf"(?:(?:unused|dead|old|legacy|obsolete|deprecated)\s+)?(?:{KIND_WORD}\s+)?"
    rf"(?P<names>{NAMED}(?:{CLAUSE_GAP.pattern}{NAMED})*)(?:\s+{KIND_WORD})?(?:\s+(?:entirely|completely|altogether))?"
    r"\s*(?P<rest>.*)$", re.IGNORECASE | re.DOTALL)
# What may follow: why it goes (nothing else, such as what to do instead).
REMOVE_REASON = re.compile(r"^(?:[.!;,:(\-]\s*)*(?:(?:(?:it|they|as it|since it|because it|as they|since they|because they|"
                           r"which)(?:'s|'re|\s+is|\s+are)?\s+(?:(?:not|never|no longer)\s+(?:used|called)|unused|dead(?:\s+code)?|"
                           r"obsolete|deprecated)|(?:nothing|nobody|no one)\s+(?:calls|uses)\s+(?:it|them))"
                           r"(?:\s+(?:anywhere|any\s*more|now|here|at\s+all|by\s+anything|by\s+anyone|in\s+this\s+file))*)?"
                           r"[\s.!)]*$", re.IGNORECASE)
PRONOUNS = {"it", "them", "this", "these"}
THIS_DEFINITION = re.compile(rf"\b(?:this|that|these|those)\s+{KIND_WORD}\b", re.IGNORECASE)


def lone_line_breaks_free(text: str) -> bool:
    """Whether every line of `text` ends in \\n or \\r\\n: syntax/ finds lines by \\n alone, so a file with
    lone \\r breaks (old Mac) is one line to it, and nothing of it is removed without the model."""
    return "\r" not in text.replace("\r\n", "")


def removes_only(instruction: str, names: tuple[str, ...]) -> bool:
    """Whether the request asks for nothing but that the definitions `names` go (names the request gives
    itself, or "it" where the definitions were given apart from it)."""
    m = REMOVE_ONLY.match(THIS_DEFINITION.sub("it", instruction))
    if not m or not names or not REMOVE_REASON.match(m["rest"]):
        return False
    said = {n.strip("`").removesuffix("()").split(".")[-1] for n in re.split(CLAUSE_GAP, m["names"]) if n}
    return said <= PRONOUNS or said == {n.split(".")[-1] for n in names}


def removed_definitions(text: str, span: tuple[int, int], instruction: str,
                        language: syntax.Language) -> tuple[int, int] | None:
    """"Remove this function" with the cursor in it, or a selection of whole definitions and nothing
    else: the span they take up with the comments above them (str indices), when the request only
    removes them (removes_only); else None."""
    if not REMOVE_ONLY.match(instruction) or span == (0, len(text)) or not lone_line_breaks_free(text):
        return None  # the whole file ("remove these functions"): the model's to read
    source = text.encode("utf-8")
    lo, hi = coords.byte_span(text, span)
    defined = syntax.definitions(source, language)
    kinds = {(u.name, u.end): k for found in defined.values() for k, u in found}
    this = THIS_DEFINITION.search(instruction)
    kind = None if not this else "class.outer" if re.search(r"class|struct|type", this[0], re.IGNORECASE) else "function.outer"
    units = [u for u in syntax.region_units(source, language, lo, hi) if u.name]
    if not units and kind:  # the cursor inside it: the innermost around it
        around = [u for found in defined.values() for k, u in found if k == kind and u.start <= lo and hi <= u.end]
        units = [min(around, key=lambda u: u.end - u.start)] if around else []
        lo, hi = (units[0].start, units[0].end) if units else (lo, hi)
    if not units or without(source[lo:hi], [(u.start - lo, u.end - lo) for u in units]).strip():
        return None
    if kind and any(kinds.get((u.name, u.end)) != kind for u in units):
        return None  # "remove this method" where the cursor's node is a class
    if not removes_only(instruction, tuple(u.name for u in units)):
        return None
    whole = [d for u in units for d in syntax.definitions_named(source, language, u.name) if d.end == u.end]
    start, end = min([lo] + [d.start for d in whole]), max([hi] + [d.end for d in whole])
    return coords.str_index(source, start), coords.str_index(source, end)


# "Remove unused imports": what they bind that nothing names (syntax.without_unused_imports) is the draft,
# where imports.scm tells the names (Python, JavaScript, TypeScript); not in a file that re-exports
# what it imports (`__init__.py`, `index.js`), which is the model's.
UNUSED_IMPORTS = re.compile(r"^\s*(?:please\s+)?(?:remove|delete|drop|clean\s+up|get\s+rid\s+of)\s+(?:all\s+)?"
                            r"(?:of\s+)?(?:the\s+)?unused\s+imports?\s*[.!]?\s*$", re.IGNORECASE)
REEXPORTING = ("__init__.py", "index.js", "index.mjs", "index.ts", "index.tsx")


def without_unused_imports(text: str, instruction: str, path: str | None, language: syntax.Language) -> str | None:
    """The draft of "Remove unused imports." (the file without them), None for any other request or file;
    EditError where no import is unused."""
    if not (UNUSED_IMPORTS.match(instruction) and syntax.tells_unused_imports(language)
            and PurePath(path or "").name not in REEXPORTING):
        return None
    drafted = syntax.without_unused_imports(text.encode("utf-8"), language).decode("utf-8")
    if drafted == text:
        raise EditError("no import of the file is unused: nothing to remove")
    return drafted
