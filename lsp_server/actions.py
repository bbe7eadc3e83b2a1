"""What the server offers and does for a document: code actions, and the edit plan behind each command (pure)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from . import coords, syntax
from .commands import EDIT, EDIT_FROM_COMMENT, FIX, RENAME
from .engine.request import EditRequest
from .engine.tasks import Task, build_request, check_new_name, identifier_at_index
from .errors import EditError

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
    """An edit ready for the engine, and how it maps onto the real document.

    The engine may see a slightly different text than the document (a directive comment removed):
    `hidden` is then the removed span (str indices into the document) that the output never
    contains; `doc_span` is the request's span in the document.
    """

    request: EditRequest
    title: str = "AI edit"
    hidden: tuple[int, int] | None = None

    @property
    def doc_span(self) -> tuple[int, int]:
        return self.document_span(*self.request.span)

    def document_span(self, start: int, end: int) -> tuple[int, int]:
        """A span of the request's text (str indices) -> the document's, the hidden span taken in."""
        if self.hidden is None:
            return start, end
        size = self.hidden[1] - self.hidden[0]
        return min(start, self.hidden[0]), end + size if end >= self.hidden[0] else max(end, self.hidden[1])


def scope(text: str, language: syntax.Language, start: int, end: int) -> tuple[int, int]:
    """The span to rewrite for a selection (or cursor) [start, end), str indices, whole lines."""
    source = text.encode("utf-8")
    b0, b1 = coords.byte_span(text, (start, end))
    r0, r1 = syntax.edit_scope(source, language, b0, b1, SCOPE_MAX_BYTES)
    return coords.str_index(source, r0), coords.str_index(source, r1)


def code_actions(
    text: str, uri: str, path: str | None, language_id: str | None, start: int, end: int, diagnostics: list[tuple[int, str]]
) -> list[Action]:
    """Actions for a range [start, end) (str indices); diagnostics are (index, message) pairs."""
    language = syntax.language_for(path, language_id)
    source = text.encode("utf-8")
    b0, b1 = coords.byte_span(text, (start, end))
    actions: list[Action] = []
    for index, message in diagnostics:
        actions.append(Action(f"Fix with AI: {message.splitlines()[0][:80]}", "quickfix", FIX, {"uri": uri, "message": message}, index))
    l0, l1 = coords.byte_span(text, coords.whole_lines(text, start, end))
    for directive in syntax.find_directives(source, language, l0, l1):
        actions.append(Action(f"Apply AI instruction from comment: {directive.instruction[:60]}", "refactor.rewrite", EDIT_FROM_COMMENT, {"uri": uri}))
        break
    if syntax.identifier_at(source, language, b0) is not None:
        actions.append(Action("Rename with AI", "refactor.rewrite", RENAME, {"uri": uri}))
    actions.append(Action("Apply AI edit…", "refactor.rewrite", EDIT, {"uri": uri}))
    return actions


def plan_edit(text: str, path: str | None, language_id: str | None, instruction: str, selection: tuple[int, int] | None) -> Plan:
    """An instruction on the selection; with a cursor, on the enclosing node; with none, on the file."""
    if not instruction or not instruction.strip():
        raise EditError("specedit.edit needs an instruction (the editor prompts for it, or use a '# ai: ...' comment)")
    language = syntax.language_for(path, language_id)
    if selection is None:
        span = (0, len(text))
    elif selection[0] == selection[1]:
        span = scope(text, language, *selection)
    else:
        span = coords.whole_lines(text, *selection)
    request = build_request(text, Task("edit", instruction.strip()), path, language_id, span=span)
    return Plan(request, title=f"AI edit: {instruction.strip()[:40]}")


def plan_from_comment(text: str, path: str | None, language_id: str | None, selection: tuple[int, int] | None) -> Plan:
    """The directive comment in the selection (or anywhere, if none given) becomes the instruction.

    The comment is removed from what the model sees and from the result; the region is the comment
    plus the syntax node it annotates (the one right after it, or around it for a trailing comment).
    """
    language = syntax.language_for(path, language_id)
    source = text.encode("utf-8")
    lo, hi = (0, len(source)) if selection is None else coords.byte_span(text, coords.whole_lines(text, *selection))
    found = syntax.find_directives(source, language, lo, hi)
    if not found:
        raise EditError("no directive comment here (write e.g. '# ai: add type hints' or '// ai: ...')")
    directive = found[0]
    d0, d1 = coords.str_index(source, directive.start), coords.str_index(source, directive.end)
    stripped = text[:d0] + text[d1:]
    target = d0 if d0 < len(stripped) else max(0, d0 - 1)
    request = build_request(stripped, Task("edit", directive.instruction), path, language_id,
                            span=scope(stripped, language, target, target))
    first = request.regions[0]
    if first.start > d0:  # the region starts where the comment was, so the comment's removal is inside it
        request.regions[0] = dataclasses.replace(first, start=d0)
    return Plan(request, title=f"AI edit: {directive.instruction[:40]}", hidden=(d0, d1))


def plan_rename(text: str, path: str | None, language_id: str | None, position: int, new_name: str) -> Plan:
    """Rename the binding at a position (a local within its scope, a method or module-level name everywhere);
    the deterministic rename is the draft (its changed lines are rewritten)."""
    language = syntax.language_for(path, language_id)
    old_name = identifier_at_index(text, language, position)
    check_new_name(language, new_name or "")
    task = Task("rename", f"rename {old_name} to {new_name}", None, old_name, new_name, position=position)
    request = build_request(text, task, path, language_id)
    return Plan(request, title=f"Rename {old_name} → {new_name}")


def plan_fix(text: str, path: str | None, language_id: str | None, selection: tuple[int, int], message: str,
             fix_edits: list[tuple[int, int, str]] | None = None) -> Plan:
    """The smallest enclosing node around a diagnostic, rewritten with the diagnostic in the prompt.

    A tool's fix for it (a linter's autofix, else a spelling or syntax repair) is the draft.
    """
    if not message:
        raise EditError("specedit.fix needs the diagnostic message")
    language = syntax.language_for(path, language_id)
    task = Task("fix", "", diagnostic=message, fix_edits=fix_edits)
    request = build_request(text, task, path, language_id, span=scope(text, language, *selection))
    return Plan(request, title=f"AI fix: {message[:40]}")


def plan_sketch(text: str, path: str | None, language_id: str | None, sketch: str,
                markers: list[str] | None = None) -> Plan:
    """Merge an edit sketch ("... existing code ..." markers) into the file; the changed lines are rewritten."""
    request = build_request(text, Task("sketch", sketch=sketch, markers=markers), path, language_id)
    return Plan(request, title="Apply edit sketch")
