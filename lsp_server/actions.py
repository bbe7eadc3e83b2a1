"""What the server offers and does for a document: code actions, and the edit plan behind each command (pure)."""

from __future__ import annotations

import keyword
from dataclasses import dataclass

from . import syntax
from .engine.edit import EditError, EditRequest, identifier_at_index
from .engine.tasks import Task, build_request

# Commands (workspace/executeCommand); each takes one object argument.
EDIT = "specedit.edit"  # {uri, range?, instruction}
EDIT_FROM_COMMENT = "specedit.editFromComment"  # {uri, range?}
RENAME = "specedit.rename"  # {uri, position, newName?}
FIX = "specedit.fix"  # {uri, range, message}
APPLY_SKETCH = "specedit.applySketch"  # {uri, sketch}
CANCEL = "specedit.cancel"  # {uri?}
COMMANDS = [EDIT, EDIT_FROM_COMMENT, RENAME, FIX, APPLY_SKETCH, CANCEL]

# Regions larger than this (bytes) are narrowed to the enclosing syntax node.
SCOPE_MAX_BYTES = 6000


@dataclass(frozen=True)
class Action:
    """A code action to offer: title, LSP kind, and the command it carries (never run during codeAction)."""

    title: str
    kind: str  # "refactor.rewrite" | "quickfix"
    command: str
    argument: dict
    diagnostic_index: int | None = None  # which of the request's diagnostics a quick fix is for


@dataclass
class Plan:
    """An edit ready for the engine, and how its region maps onto the real document.

    The engine may see a slightly different text than the document (a directive comment removed):
    `doc_region` is the region in the real document (str indices) and `hidden` is the removed span
    (str indices into the document region) that the output never contains.
    """

    request: EditRequest
    doc_region: tuple[int, int]
    hidden: tuple[int, int] | None = None
    title: str = "AI edit"

    def region_offset(self, engine_offset: int) -> int:
        """A str index in the engine's region -> the same place in the document's region."""
        if self.hidden and engine_offset > self.hidden[0]:
            return engine_offset + (self.hidden[1] - self.hidden[0])
        return engine_offset


def _bytes_range(text: str, start: int, end: int) -> tuple[bytes, int, int]:
    source = text.encode("utf-8")
    return source, len(text[:start].encode("utf-8")), len(text[:end].encode("utf-8"))


def _line_span(source: bytes, start: int, end: int) -> tuple[int, int]:
    """The whole lines (bytes) that [start, end) touches: a cursor anywhere on a comment's line finds it."""
    lo = source.rfind(b"\n", 0, start) + 1
    hi = source.find(b"\n", max(start, end - 1) if end > start else start)
    return lo, len(source) if hi < 0 else hi + 1


def _str_index(source: bytes, offset: int) -> int:
    return len(source[:offset].decode("utf-8", "replace"))


def line_numbers(text: str, region: tuple[int, int]) -> tuple[int, int]:
    """1-based inclusive lines of a whole-line region."""
    first = text.count("\n", 0, region[0]) + 1
    last = max(first, text.count("\n", 0, max(region[0], region[1] - 1)) + 1)
    return first, last


def scope(text: str, language: syntax.Language, start: int, end: int) -> tuple[int, int]:
    """The region to rewrite for a selection (or cursor) [start, end), str indices, whole lines."""
    source, b0, b1 = _bytes_range(text, start, end)
    r0, r1 = syntax.edit_scope(source, language, b0, b1, SCOPE_MAX_BYTES)
    return _str_index(source, r0), _str_index(source, r1)


def code_actions(
    text: str, uri: str, path: str | None, language_id: str | None, start: int, end: int, diagnostics: list[tuple[int, str]]
) -> list[Action]:
    """Actions for a range [start, end) (str indices); diagnostics are (index, message) pairs."""
    language = syntax.language_for(path, language_id)
    source, b0, b1 = _bytes_range(text, start, end)
    actions: list[Action] = []
    for index, message in diagnostics:
        actions.append(Action(f"Fix with AI: {message.splitlines()[0][:80]}", "quickfix", FIX, {"uri": uri, "message": message}, index))
    l0, l1 = _line_span(source, b0, b1)
    for directive in syntax.find_directives(source, language, l0, l1):
        actions.append(Action(f"Apply AI instruction from comment: {directive.instruction[:60]}", "refactor.rewrite", EDIT_FROM_COMMENT, {"uri": uri}))
        break
    if syntax.identifier_at(source, language, b0) is not None:
        actions.append(Action("Rename with AI", "refactor.rewrite", RENAME, {"uri": uri}))
    actions.append(Action("Apply AI edit…", "refactor.rewrite", EDIT, {"uri": uri}))
    return actions


def plan_edit(text: str, path: str | None, language_id: str | None, instruction: str, selection: tuple[int, int] | None) -> Plan:
    """An instruction on the selection; with none (or empty), on the enclosing node, else the file."""
    if not instruction or not instruction.strip():
        raise EditError("specedit.edit needs an instruction (the editor prompts for it, or use a '# ai: ...' comment)")
    language = syntax.language_for(path, language_id)
    region = _selection_region(text, language, selection)
    task = Task("edit", instruction.strip(), line_numbers(text, region) if region != (0, len(text)) else None)
    request = build_request(text, task, path=path, language_id=language_id)
    return Plan(request, request.region or (0, len(text)), title=f"AI edit: {instruction.strip()[:40]}")


def _selection_region(text: str, language: syntax.Language, selection: tuple[int, int] | None) -> tuple[int, int]:
    if selection is None:
        return (0, len(text))
    start, end = selection
    if start == end:
        return scope(text, language, start, end)
    # A selection is rewritten as whole lines; one ending at a line start stops before that line.
    lo = text.rfind("\n", 0, start) + 1
    if end > lo and text[end - 1] == "\n":
        return lo, end
    newline = text.find("\n", end)
    return lo, len(text) if newline < 0 else newline + 1


def plan_from_comment(text: str, path: str | None, language_id: str | None, selection: tuple[int, int] | None) -> Plan:
    """The directive comment in the selection (or anywhere, if none given) becomes the instruction.

    The comment is removed from what the model sees and from the result; the region is the comment
    plus the syntax node it annotates (the one right after it, or around it for a trailing comment).
    """
    language = syntax.language_for(path, language_id)
    source = text.encode("utf-8")
    lo, hi = (0, len(source)) if selection is None else _line_span(source, *_bytes_range(text, *selection)[1:])
    found = syntax.find_directives(source, language, lo, hi)
    if not found:
        raise EditError("no directive comment here (write e.g. '# ai: add type hints' or '// ai: ...')")
    directive = found[0]
    d0, d1 = _str_index(source, directive.start), _str_index(source, directive.end)
    stripped = text[:d0] + text[d1:]
    target = d0 if d0 < len(stripped) else max(0, d0 - 1)
    s0, s1 = scope(stripped, language, target, target)
    # The region in the document: the stripped region plus the directive span inside it.
    doc_start = min(s0, d0)
    doc_end = s1 + (d1 - d0) if s1 >= d0 else max(s1, d1)
    task = Task("edit", directive.instruction, line_numbers(stripped, (s0, s1)) if (s0, s1) != (0, len(stripped)) else None)
    request = build_request(stripped, task, path=path, language_id=language_id)
    e0, _ = request.region or (0, len(stripped))
    return Plan(request, (doc_start, doc_end), hidden=(d0 - doc_start, d1 - doc_start) if e0 <= d0 else None,
                title=f"AI edit: {directive.instruction[:40]}")


def plan_rename(text: str, path: str | None, language_id: str | None, position: int, new_name: str) -> Plan:
    """Rename the identifier at a position; the deterministic rename is the draft. Whole file if it fits."""
    language = syntax.language_for(path, language_id)
    old_name = identifier_at_index(text, language, position)
    if not new_name or not new_name.replace("_", "a").replace("$", "a").isalnum() or new_name[0].isdigit():
        raise EditError(f"{new_name!r} is not a valid identifier")
    if language.name == "python" and keyword.iskeyword(new_name):
        raise EditError(f"{new_name!r} is a Python keyword")
    region = None
    if len(text.encode("utf-8")) > SCOPE_MAX_BYTES:
        region = line_numbers(text, scope(text, language, position, position))
    request = build_request(text, Task("rename", f"rename {old_name} to {new_name}", region, old_name, new_name), path=path, language_id=language_id)
    return Plan(request, request.region or (0, len(text)), title=f"Rename {old_name} → {new_name}")


def plan_fix(text: str, path: str | None, language_id: str | None, selection: tuple[int, int], message: str) -> Plan:
    """The smallest enclosing node around a diagnostic, rewritten with the diagnostic in the prompt."""
    if not message:
        raise EditError("specedit.fix needs the diagnostic message")
    language = syntax.language_for(path, language_id)
    region = scope(text, language, *selection)
    lines = line_numbers(text, region) if region != (0, len(text)) else None
    request = build_request(text, Task("fix", "", lines, diagnostic=message), path=path, language_id=language_id)
    return Plan(request, request.region or (0, len(text)), title=f"AI fix: {message[:40]}")


def plan_sketch(text: str, path: str | None, language_id: str | None, sketch: str,
                markers: list[str] | None = None) -> Plan:
    """Merge an edit sketch ("... existing code ..." markers) into the file; the changed lines are rewritten."""
    request = build_request(text, Task("sketch", sketch=sketch, markers=markers), path=path, language_id=language_id)
    return Plan(request, request.region or (0, len(text)), title="Apply edit sketch")
