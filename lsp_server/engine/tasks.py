"""Turn what a user asked for (edit, rename, fix) into an EditRequest, with a draft that carries the change when one can be made."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from .. import syntax
from .edit import EditError, EditRequest, line_region, narrow_to_changes, trim_blank_lines

RENAME_INSTRUCTION = re.compile(
    r"^\s*rename\s+(?:the\s+\w+\s+)?`?([A-Za-z_$][\w$]*)`?\s+(?:to|->|as)\s+`?([A-Za-z_$][\w$]*)`?\s*\.?\s*$",
    re.IGNORECASE,
)
# How compilers and linters say "no such name": flake8/ruff, pyright, gcc/clang, go, rustc, eslint, tsc, javac.
UNDEFINED_NAME = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"undefined name [`'\"‘]([A-Za-z_$][\w$]*)",
        r"[`'\"‘]([A-Za-z_$][\w$]*)[`'\"’] (?:is not defined|undeclared|was not declared|is undefined)",
        r"undefined: ([A-Za-z_$][\w$]*)",
        r"cannot find (?:value|symbol|name)[^`'\"‘]*[`'\"‘]([A-Za-z_$][\w$]*)",
        r"use of undeclared identifier [`'\"‘]([A-Za-z_$][\w$]*)",
        r"cannot find symbol\s+symbol:\s+variable ([A-Za-z_$][\w$]*)",
        r"([A-Za-z_$][\w$]*) is not defined",
    )
]
IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")


@dataclass
class Task:
    """One thing to do to a file, as a user or the benchmark states it."""

    kind: str = "edit"  # edit | rename | fix | sketch
    instruction: str = ""
    lines: tuple[int, int] | None = None  # 1-based inclusive
    symbol: str | None = None  # rename
    new_name: str | None = None  # rename
    diagnostic: str | None = None  # fix
    sketch: str | None = None  # sketch: the changed parts, '... existing code ...' lines for the rest
    markers: list[str] | None = None  # sketch: marker phrases instead of the common forms


def task_from(instruction: str | None = None, lines: tuple[int, int] | None = None, symbol: str | None = None,
              new_name: str | None = None, diagnostic: str | None = None, sketch: str | None = None,
              markers: list[str] | None = None) -> Task:
    """A task from the fields the CLI and the batch mode take; which ones are given says its kind."""
    kind = ("sketch" if sketch is not None else "rename" if symbol else "fix" if diagnostic else "edit")
    return Task(kind, instruction or "", lines, symbol, new_name, diagnostic, sketch, markers)


def parse_lines(spec: str | None) -> tuple[int, int] | None:
    """'A:B' (1-based, inclusive) -> (A, B); EditError on anything else."""
    if not spec:
        return None
    m = re.fullmatch(r"\s*(\d+)\s*[:-]\s*(\d+)\s*", spec)
    if not m:
        raise EditError(f"bad line range {spec!r}: use A:B, 1-based and inclusive")
    return int(m.group(1)), int(m.group(2))


def infer_kind(task: Task) -> Task:
    """An edit whose instruction is 'rename X to Y' is a rename (its draft can carry the change)."""
    if task.kind == "edit" and task.symbol is None:
        m = RENAME_INSTRUCTION.match(task.instruction)
        if m:
            return Task("rename", task.instruction, task.lines, m.group(1), m.group(2), None)
    return task


def build_request(text: str, task: Task, path: str | None = None, language_id: str | None = None) -> EditRequest:
    """The EditRequest for a task on a document; EditError when the task does not fit the text."""
    task = infer_kind(task)
    if task.kind == "sketch":
        from .sketch import marker_patterns, sketch_request

        if not task.sketch or not task.sketch.strip():
            raise EditError("the edit sketch is empty")
        if task.lines:
            raise EditError("a sketch applies to the whole file: leave out the line range")
        return sketch_request(text, task.sketch, path, language_id, marker_patterns(task.markers))
    region = trim_blank_lines(text, line_region(text, *task.lines)) if task.lines else None
    request = EditRequest(text=text, instruction=task.instruction, path=path, language_id=language_id, region=region)
    language = syntax.language_for(path, language_id)
    if task.kind == "rename":
        if not task.symbol or not task.new_name:
            raise EditError("a rename needs the symbol and the new name")
        request.instruction = task.instruction or f"rename {task.symbol} to {task.new_name}"
        request.draft = draft_for_region(text, region, syntax.rename_draft(text.encode(), language, task.symbol, task.new_name).decode())
    elif task.kind == "fix":
        if not task.diagnostic:
            raise EditError("a fix needs the diagnostic message")
        request.instruction = task.instruction or f"Fix this problem: {task.diagnostic}"
        fixed = spelling_fix(text, region, task.diagnostic)
        if fixed is not None:
            request.draft = draft_for_region(text, region, fixed)
    elif task.kind != "edit":
        raise EditError(f"unknown task kind {task.kind!r}: use edit, rename, fix or sketch")
    if request.draft is not None and request.draft == text[slice(*(region or (0, len(text))))]:
        if task.kind == "rename":
            where = f"lines {task.lines[0]}-{task.lines[1]}" if task.lines else "the file"
            raise EditError(f"{task.symbol!r} does not occur as an identifier in {where}: nothing to rename")
        request.draft = None  # nothing to carry: the fix's name has no close match
    if request.draft is not None:
        request.region, request.draft = narrow_to_changes(text, region, request.draft)
    return request


def draft_for_region(text: str, region: tuple[int, int] | None, changed_text: str) -> str:
    """The region's lines of a whole-file rewrite that keeps line count (a rename, a spelling fix)."""
    if region is None:
        return changed_text
    first = text.count("\n", 0, region[0])
    n_lines = text.count("\n", region[0], region[1]) + (0 if text[region[0] : region[1]].endswith("\n") else 1)
    lines = changed_text.splitlines(keepends=True)
    return "".join(lines[first : first + n_lines])


def spelling_fix(text: str, region: tuple[int, int] | None, diagnostic: str) -> str | None:
    """For an 'undefined name' diagnostic: the text with that name replaced by the closest defined one.

    A linter's autofix in miniature: it gives the model a draft that already carries the likely fix.
    """
    found = [m for m in (p.search(diagnostic) for p in UNDEFINED_NAME) if m]
    if not found:
        return None
    wrong = found[0].group(1)
    names = {w for w in IDENTIFIER.findall(text) if w != wrong}
    close = difflib.get_close_matches(wrong, sorted(names), n=1, cutoff=0.6)
    if not close:
        return None
    start, end = region or (0, len(text))
    fixed_region = re.sub(rf"(?<![\w$]){re.escape(wrong)}(?![\w$])", close[0], text[start:end])
    return text[:start] + fixed_region + text[end:]
