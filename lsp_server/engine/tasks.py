"""Turn what a user asked for (edit, rename, fix, sketch) into an EditRequest, with a draft that carries the change when a tool can make one."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from .. import coords, syntax
from ..errors import EditError
from . import blocks, pointed
from .docsonly import given_doc
from .fixes import message_fix, spelling_fix
from .regions import change_regions
from .request import EditRequest, Region
from .removal import lone_line_breaks_free, removed_definitions, removes_only, without_unused_imports
from .asked import insertion_after
from .scope import declared_with, named_definitions
from .sketch import marker_patterns, merge_sketch

_WITHIN = r"`?[^\W\d][\w$.]*?(?:\(\))?`?"
# where: "in ld", "inside the function ld()", "in f, g and h" (scope.py takes the definitions they name)
_WHERE = (rf"(?:the\s+|this\s+)?(?:(?:function|method|class)\s+)?(?P<within>{_WITHIN}(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+)"
          rf"{_WITHIN})*)(?:\s+(?:functions?|methods?|class(?:es)?))?")
RENAME_INSTRUCTION = re.compile(
    rf"^\s*rename\s+(?:the\s+(?:\w+\s+){{1,2}})?`?(?P<old>[^\s`]+?)`?\s+(?:to|->|as)\s+`?(?P<new>[^\s`]+?)`?"
    rf"(?:\s+(?:in|inside|within)\s+{_WHERE})?\s*\.?\s*$", re.IGNORECASE)
# "Rename the fp parameter of dump and load to file": the where before the new name.
RENAME_MEMBER = re.compile(
    r"^\s*rename\s+(?:the\s+)?`?(?P<old>[^\s`]+?)`?\s+(?:parameter|argument|variable|local)s?"
    rf"\s+(?:of|in)\s+{_WHERE}\s+(?:to|->|as)\s+`?(?P<new>[^\s`]+?)`?\s*\.?\s*$", re.IGNORECASE)


def _rename_match(instruction: str) -> re.Match | None:
    return RENAME_INSTRUCTION.match(instruction) or RENAME_MEMBER.match(instruction)
# Syntax errors up to this many lines outside the given lines are the diagnostic's.
REPAIR_LINES_AROUND = 2
SKETCH_INSTRUCTION = "Apply the edit sketch: each '... existing code ...' line in it stands for unchanged code."


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
    # fix: a tool's fix for the diagnostic (a linter's autofix), as replacements (start, end, new text)
    # in str indices of the whole text; it becomes the draft the model verifies.
    fix_edits: list[tuple[int, int, str]] | None = None
    # rename: a str index in the occurrence under the cursor; then only that binding is renamed (a local
    # within its scope, a method or module-level name everywhere). None: every occurrence of the name.
    position: int | None = None


def task_from(instruction: str | None = None, lines: tuple[int, int] | None = None, symbol: str | None = None,
              new_name: str | None = None, diagnostic: str | None = None, sketch: str | None = None,
              markers: list[str] | None = None, position: int | None = None) -> Task:
    """A task from the fields the CLI and the batch mode take; which ones are given says its kind.

    A symbol with an instruction and no new name is an edit of the definitions so named."""
    renaming = symbol and (new_name or not instruction)
    kind = ("sketch" if sketch is not None else "rename" if renaming else "fix" if diagnostic else "edit")
    return Task(kind, instruction or "", lines, symbol, new_name, diagnostic, sketch, markers, position=position)


def position_at(text: str, spec: str | None) -> int | None:
    """'LINE:COL' (1-based, the column in characters, as editors show it) -> a str index; None for no spec."""
    if not spec:
        return None
    m = re.fullmatch(r"\s*(\d+)\s*:\s*(\d+)\s*", spec)
    if not m or int(m[1]) < 1 or int(m[2]) < 1:
        raise EditError(f"bad position {spec!r}: use LINE:COL, both 1-based")
    line, column = int(m[1]), int(m[2])
    if line > text.count("\n") + 1:
        raise EditError(f"line {line} is past the end of the file ({text.count(chr(10)) + 1} lines)")
    return coords.index_at_line_column(text, line, column)


# The edges (CLI flags, JSON lines) parse "A:B"; inside, spans are str indices.
parse_lines = coords.parse_line_spec


def _rename_within(instruction: str) -> str | None:
    """The definition a rename instruction names as where to rename ("in ld", "inside the function g()");
    None where it names none or the file ("in this file", "in the module")."""
    m = _rename_match(instruction)
    names = [n.strip("`").removesuffix("()") for n in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", m["within"])] if (
        m and m["within"]) else []
    return None if not names or names[0].lower() in ("file", "module", "program", "code", "project") else ",".join(names)


def infer_kind(task: Task, language: syntax.Language | None = None) -> Task:
    """An edit whose instruction is 'rename X to Y' (X, Y names in the language) is a rename: its draft can carry the change."""
    if task.kind == "edit" and task.symbol is None:
        m = _rename_match(task.instruction)
        lang = language or syntax.language_for(None)
        if m and lang.identifier.fullmatch(m.group("old")) and lang.identifier.fullmatch(m.group("new")):
            return dataclasses.replace(task, kind="rename", symbol=m.group("old"), new_name=m.group("new"))
    return task


def build_request(text: str, task: Task, path: str | None = None, language_id: str | None = None,
                  span: tuple[int, int] | None = None) -> EditRequest:
    """The EditRequest for a task on a document; EditError when the task does not fit the text.

    The region is `span` (str indices of whole lines, e.g. a syntax scope the server found), else
    the task's 1-based `lines`, else the whole text; blank lines at its edges stay outside.

    Renames, fixes and sketches get a draft made by a tool (the tree-sitter rename, a linter's fix,
    a spelling or syntax repair, the sketch's merge), as do "remove unused imports" and a doc given
    word for word; then only the clusters of lines it changes are rewritten, each as its own region.
    """
    language = syntax.language_for(path, language_id)
    inferred = infer_kind(task, language)
    if inferred is not task and (within := _rename_within(task.instruction)) and not all(
            syntax.definitions_named(text.encode("utf-8"), language, n.split(".")[-1]) for n in within.split(",")):
        inferred = task  # "Rename helper to run in utils.py", "... in comments": no definition, so the model's to read
    task = inferred
    if task.kind == "sketch":
        return _sketch_request(text, task, path, language_id)
    if task.kind not in ("edit", "rename", "fix"):
        raise EditError(f"unknown task kind {task.kind!r}: use edit, rename, fix or sketch")
    if task.kind == "edit" and task.symbol:
        if task.lines or span is not None:
            raise EditError("give the lines to rewrite or the definitions to rewrite (symbol), not both")
        names, regions = _names(task.symbol), definition_regions(text, task.symbol, language, task.instruction)
        return EditRequest(text, task.instruction, regions, path, language_id, definitions=names,
                           removes=_removes(task.instruction, names, regions, text))
    if task.kind == "edit" and span in (None, (0, len(text))) and not task.lines:
        named = tuple(named_definitions(task.instruction, text, language))  # "add type hints to parse_args"
        if named and given_doc(text, (0, len(text)), task.instruction, language) is None:  # (else a tool's draft)
            # A removal of one name that two definitions have (two classes' save) is the model's to read.
            regions = definition_regions(text, ",".join(named), language, task.instruction)
            return EditRequest(text, task.instruction, regions, path, language_id, definitions=named, narrowed=True,
                               removes=_removes(task.instruction, named, regions, text))
        if not named and (after := insertion_after(task.instruction, text, language)) is not None:
            # A new function "like" one of a large file: the model is shown that one as written and goes on after it.
            region = next(r for r in definition_regions(text, after[0], language) if r.start <= after[1] < r.end)
            end = region.end + len(text[region.end:]) - len(text[region.end:].lstrip("\r\n"))  # and the blank lines after
            region = Region(region.start, end, lead=text[region.start:end])
            return EditRequest(text, task.instruction, [region], path, language_id, definitions=(after[0],), narrowed=True)
        if regions := pointed.statement_regions(task.instruction, text, language):
            # A stylesheet's `--radius`, `:root`, `.dark`: the rules and declarations that hold all those it has
            return EditRequest(text, task.instruction, regions, path, language_id, narrowed=True)
        if (held := pointed.holding_text(task.instruction, text, language)) is not None:
            # "Add a comment above the Caused by loop": the definition that holds the one place it points at
            return EditRequest(text, task.instruction, [held[0]], path, language_id, definitions=(held[1],), narrowed=True)
    if span is None and task.lines:
        span = coords.line_span(text, *task.lines)
    span = coords.without_blank_edges(text, span) if span and span != (0, len(text)) else (0, len(text))
    if span[0] == span[1] and text:
        raise EditError("the region to rewrite is empty (past the end of the file?)")
    instruction, drafted = task.instruction, None  # drafted: the whole text as a tool would change it
    if task.kind == "rename":
        if not task.symbol or not task.new_name:
            raise EditError("a rename needs the symbol and the new name")
        spans = [span]
        if span == (0, len(text)) and not task.lines and (within := _rename_within(task.instruction)) and (
                RENAME_MEMBER.match(task.instruction) or  # "the x parameter of f": f's, whatever else is named x
                not syntax.definitions_named(text.encode("utf-8"), language, task.symbol)):  # a function's name: everywhere
            # "Rename min to best in ld": in ld's lines alone
            spans = [(r.start, r.end) for r in definition_regions(text, within, language)]
            span = (spans[0][0], spans[-1][1])
        check_new_name(language, task.new_name)
        instruction = instruction or f"rename {task.symbol} to {task.new_name}"
        renamed = syntax.rename_draft(text.encode(), language, task.symbol, task.new_name,
                                      _occurrence_at(text, language, task)).decode()
        drafted = text
        for a, b in reversed(spans):
            drafted = drafted[:a] + _same_lines(text, (a, b), renamed) + drafted[b:]
        if drafted == text:
            where = "the file" if span == (0, len(text)) else "lines {}-{}".format(*coords.line_numbers(text, span))
            raise EditError(f"{task.symbol!r} does not occur as an identifier in {where}: nothing to rename")
    elif task.kind == "fix":
        if not task.diagnostic:
            raise EditError("a fix needs the diagnostic message")
        instruction = instruction or f"Fix this problem: {task.diagnostic}"
        drafted = tool_fix(text, span, task, language)
        if drafted is not None and drafted != text and not _inside(text, drafted, span):
            span = (0, len(text))  # the tool's fix reaches outside the lines given: its clusters decide
    elif (drafted := without_unused_imports(text, instruction, path, language)) is not None:
        span = (0, len(text))
    elif task.kind == "edit":
        drafted = given_doc(text, span, instruction, language)  # 'Add the docstring "..." to remove'
    if drafted is None or drafted == text:
        if task.kind == "edit" and (gone := removed_definitions(text, span, instruction, language)):
            return EditRequest(text, instruction, [Region(*gone)], path, language_id, removes=True)
        return EditRequest(text, instruction, [Region(*span)], path, language_id)
    draft = drafted[span[0]:len(drafted) - (len(text) - span[1])]
    return EditRequest(text, instruction, change_regions(text, span, draft), path, language_id,
                       draft_certain=task.kind != "fix" or bool(task.fix_edits), prose_guessed=task.kind == "rename")


def _removes(instruction: str, names: tuple[str, ...], regions: list[Region], text: str) -> bool:
    """Whether the named definitions just go, no model asked: the request only removes them, each name
    is one definition (not two classes' save), and syntax/ can tell the file's lines."""
    return removes_only(instruction, names) and len(regions) == len(set(names)) and lone_line_breaks_free(text)


def definition_regions(text: str, symbols: str, language: syntax.Language, instruction: str = "") -> list[Region]:
    """The regions of the definitions named in `symbols` (comma-separated; every definition of a name:
    functions, methods, classes, with the comments above them; "Class.method": those inside that
    class, where there are; of a type's several blocks, those the instruction is about: blocks.chosen),
    one within another merged, and those of one name (or one type's) with only blank lines between them."""
    source = text.encode("utf-8")
    spans = []
    for symbol in _names(symbols):
        *qualifiers, name = symbol.split(".")
        found = syntax.definitions_named(source, language, name)
        if not found:
            raise EditError(f"no definition named {name!r} in the file" if language.has_grammar else
                            f"definitions cannot be found in a {language.name} file: give the lines to rewrite")
        if qualifiers:
            outer = syntax.definitions_named(source, language, qualifiers[-1])
            found = [u for u in found if any(o.start <= u.start and u.end <= o.end for o in outer)] or (
                declared_with(source, found, qualifiers[-1])) or found  # Go's `func (s *Server) Start`
        found = blocks.chosen(found, instruction, source, language)
        spans += [(coords.str_index(source, u.start), coords.str_index(source, u.end), symbol) for u in found]
    regions: list[Region] = []
    last = None
    for start, end, symbol in sorted(spans):
        # One within another (a method inside a named class, the same one twice), or the pieces of one name
        # at one depth with only blank lines between (a constructor and its prototype's methods; overloads).
        # A type's methods named by it ("byName.Len", "byName.Swap": Go's one-line methods) are one name here.
        depth, owner = len(text[start:end]) - len(text[start:end].lstrip(" \t")), symbol.split(".")[0]
        if regions and (start < regions[-1].end or (
                (owner, depth) == last and not text[regions[-1].end:start].strip())):
            regions[-1] = Region(regions[-1].start, max(regions[-1].end, end))
        else:
            regions.append(Region(start, end))
        last = (owner, depth)
    return regions


def _names(symbols: str) -> tuple[str, ...]:
    """'a, b,c' -> ('a', 'b', 'c')."""
    return tuple(n.strip() for n in symbols.split(",") if n.strip())


def identifier_at_index(text: str, language: syntax.Language, position: int) -> str:
    """The identifier at a str index; EditError when there is none."""
    found = syntax.identifier_at(text.encode("utf-8"), language, coords.index_to_byte(text, position))
    if found is None:
        raise EditError("no identifier at the cursor to rename")
    return found[2]


def _occurrence_at(text: str, language: syntax.Language, task: Task) -> int | None:
    """The byte offset of the renamed name under the task's position (None without one); EditError when the
    identifier there is another name."""
    if task.position is None:
        return None
    found = syntax.identifier_at(text.encode("utf-8"), language, coords.index_to_byte(text, task.position))
    if found is None or found[2] != task.symbol:
        there = "no identifier" if found is None else repr(found[2])
        line = coords.line_number(text, task.position)
        raise EditError(f"the position given (line {line}) is on {there}, not {task.symbol!r}: nothing to rename there")
    return found[0]


def check_new_name(language: syntax.Language, new_name: str) -> None:
    """EditError unless `new_name` can name something in the language."""
    if new_name in language.reserved:
        raise EditError(f"{new_name!r} is a reserved word in {language.name}")
    if not language.identifier.fullmatch(new_name):
        raise EditError(f"{new_name!r} is not a valid identifier")


def tool_fix(text: str, span: tuple[int, int], task: Task, language: syntax.Language) -> str | None:
    """The whole text as a tool would fix the diagnostic, or None: a linter's fix, else a spelling fix
    for an undefined name, else a one-token syntax repair when the span has a syntax error."""
    if task.fix_edits:
        return apply_replacements(text, task.fix_edits)
    spelled = spelling_fix(text, span, task.diagnostic or "", language)
    if spelled is not None:
        return spelled
    told = message_fix(text, span, task.diagnostic or "")
    if told is not None:
        return told
    source = text.encode("utf-8")
    problems = syntax.syntax_problems(source, language)
    if not problems:
        return None
    near = None
    if span != (0, len(text)):
        # A compiler reports a missing separator on the next token, maybe a line or two away.
        lo, hi = coords.byte_span(text, coords.grown_by_lines(text, span, REPAIR_LINES_AROUND))
        nearby = [p for p in problems if p.start <= hi and p.end >= lo]
        if not nearby:
            return None
        b0 = coords.index_to_byte(text, span[0])
        closest = min(nearby, key=lambda p: abs(p.start - b0))
        near = (max(closest.start, lo), min(closest.end, hi))  # an ERROR node may span the whole file
    repaired = syntax.repair_draft(source, language, near)
    return None if repaired is None else repaired.decode("utf-8")


def apply_replacements(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Replacements (start, end, new text), str indices of `text`, applied together; EditError if they overlap."""
    out, done = [], 0
    for start, end, new in sorted(edits, key=lambda e: (e[0], e[1])):
        if not done <= start <= end <= len(text):
            raise EditError("the tool's fix has overlapping or out-of-range edits")
        out += [text[done:start], new]
        done = end
    return "".join(out) + text[done:]


def _inside(text: str, drafted: str, span: tuple[int, int]) -> bool:
    """Whether `drafted` differs from `text` only within span."""
    return drafted.startswith(text[:span[0]]) and drafted.endswith(text[span[1]:])


def _same_lines(text: str, span: tuple[int, int], changed_text: str) -> str:
    """The span's lines of a whole-text rewrite that keeps the line count (a rename)."""
    first = text.count("\n", 0, span[0])
    n_lines = text.count("\n", span[0], span[1]) + (0 if text[span[0]:span[1]].endswith("\n") else 1)
    # Lines end at "\n" here as above: splitlines() would also cut at a form feed or U+2028.
    return "\n".join(changed_text.split("\n")[first:first + n_lines]) + ("\n" if changed_text.count("\n") >= first + n_lines else "")


def _sketch_request(text: str, task: Task, path: str | None, language_id: str | None) -> EditRequest:
    """The edit that applies a sketch: the merge is the draft; only the lines it changes are rewritten.

    The markers say the rest is unchanged, so the model need not copy it again. Instruct models are
    shown the sketch itself.
    """
    if not task.sketch or not task.sketch.strip():
        raise EditError("the edit sketch is empty")
    if task.lines:
        raise EditError("a sketch applies to the whole file: leave out the line range")
    merged = merge_sketch(text, task.sketch, marker_patterns(task.markers))
    if merged == text:
        raise EditError("the sketch changes nothing in the file")
    return EditRequest(text, SKETCH_INSTRUCTION, change_regions(text, (0, len(text)), merged), path, language_id,
                       sketch=task.sketch)
