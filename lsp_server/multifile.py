"""Edits that agents send for many files at once: patches and renames through one engine, one outcome per file, written all or none.

Used by `specedit apply`, `specedit edit --symbol X --new-name Y PATH...` and `specedit mcp`.
Every file is read, edited by the model (a tool-made draft it verifies), checked, and only then
written, with fileio.write_file's compare-before-write; new files are created only where no file
is. With `atomic`, a failure anywhere writes nothing, and a write that fails midway puts back the
files already written.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field

from . import syntax
from .engine.engine import Engine
from .engine.regions import change_regions
from .engine.request import EditRequest
from .engine.tasks import Task, build_request
from .errors import EditError, ModelError
from .fileio import FileError, read_source, unified_diff, write_file
from .patches import FilePatch
from .patching import HunkOutcome, draft_file
from .writes import create_file, remove_created

# Short: the model never sees the draft, only the original, and every token of it is prefilled per region.
PATCH_INSTRUCTION = "Apply the change."
# Lines of code kept on each side of a patch's changes in the region the model verifies: a hunk brings its
# own context lines, and every line of margin is paid twice (shown in the prompt, then verified).
PATCH_MARGIN_LINES = 1
# Folders a rename across a directory never enters: other people's code, caches, build output.
SKIPPED_FOLDERS = {"node_modules", "__pycache__", "target", "vendor", ".git", ".hg", ".svn"}


@dataclass
class FileOutcome:
    """One file's edit: the text read, the text to write (None: nothing), each hunk's outcome, or why it failed."""

    path: str
    old: str | None = None  # None: the file does not exist yet
    new: str | None = None
    hunks: list[HunkOutcome] = field(default_factory=list)
    error: str | None = None
    stats: dict | None = None
    latency_s: float = 0.0
    as_drafted: bool | None = None  # whether the model's result is the draft as the tool made it
    note: str | None = None
    written: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def changed(self) -> bool:
        return self.new is not None and self.new != self.old

    def fail(self, error: str) -> "FileOutcome":
        self.error, self.new = error, None
        return self

    def diff(self, name: str | None = None) -> str:
        """The change as a unified diff, its headers naming the file `name` (default: its path)."""
        return unified_diff(name or self.path, self.old or "", self.new) if self.changed else ""

    def answer(self, with_diff: bool = False) -> dict:
        out: dict = {"ok": self.ok, "file": self.path}
        if self.ok:
            out["changed"] = self.changed
        else:
            out["error"] = self.error
        if self.hunks:
            out["hunks"] = [h.answer() for h in self.hunks]
        if self.note:
            out["note"] = self.note
        if self.as_drafted is not None:
            out["as_drafted"] = self.as_drafted
        if self.stats is not None:
            out["stats"] = self.stats
            out["latency_s"] = round(self.latency_s, 4)
        if with_diff and self.ok:
            out["diff"] = self.diff()
        return out


def run_edit(engine: Engine, path: str, text: str, request: EditRequest, force: bool = False) -> FileOutcome:
    """The model's edit of one file, checked: a syntax error it introduces fails it unless forced."""
    outcome = FileOutcome(path, text)
    started = time.perf_counter()
    result = engine.edit(request)
    outcome.latency_s = time.perf_counter() - started
    outcome.stats = result.stats_json()
    if request.draft_led:
        outcome.as_drafted = result.text == request.drafted_text
    if result.problems and not force:
        first = result.problems[0]
        line = result.text.encode()[: first.start].count(b"\n") + 1
        return outcome.fail(f"the edit introduces {len(result.problems)} syntax error(s) ({first.message} at line "
                            f"{line}); file not written")
    outcome.new = result.text
    return outcome


def resolve(root: str, path: str) -> str:
    """`path` (relative to root, or absolute) joined to root; EditError when it leads out of root."""
    joined = os.path.normpath(os.path.join(root, path))
    base, real = os.path.realpath(root), os.path.realpath(joined)
    if real != base and not real.startswith(base.rstrip(os.sep) + os.sep):
        raise EditError(f"{path} is outside the root {root}: refusing to touch it")
    return joined


def patch_file(engine: Engine, path: str, patch: FilePatch, force: bool = False) -> FileOutcome:
    """One file's hunks: placed tolerantly into a draft, verified by the model; refused hunks fail the file."""
    if patch.delete:
        return FileOutcome(path).fail("the diff deletes the file: specedit never deletes files, delete it yourself")
    exists = os.path.exists(path)
    if patch.create and exists:
        return FileOutcome(path).fail(f"the diff creates {path}, but it already exists: nothing written")
    text = read_source(path) if exists else ""
    if not exists and not (patch.create or all(h.search is not None and not h.search.strip() for h in patch.hunks)):
        raise FileError(f"no such file: {path}")
    draft = draft_file(text, patch.hunks)
    outcome = FileOutcome(path, text if exists else None, hunks=draft.hunks)
    if draft.refused:
        first = draft.refused[0]
        return outcome.fail(f"{len(draft.refused)} of {len(draft.hunks)} hunk(s) refused (hunk {first.number}: "
                            f"{first.reason}); file not written")
    if not exists:
        outcome.new, outcome.note = draft.drafted, "a new file: written as the diff gives it"
        return outcome
    if draft.drafted == text:
        outcome.new, outcome.note = text, "the hunks change nothing"
        return outcome
    regions = change_regions(text, (0, len(text)), draft.drafted, PATCH_MARGIN_LINES)
    request = EditRequest(text, PATCH_INSTRUCTION, regions, path, sketch=draft.sketch)
    done = run_edit(engine, path, text, request, force)
    done.hunks = draft.hunks
    return done


def _mentions(text: str, name: str) -> bool:
    return re.search(rf"(?<![\w$]){re.escape(name)}(?![\w$])", text) is not None


def language_files(paths: list[str]) -> list[tuple[str, bool]]:
    """(file, named by the user) for each file given and each file with a known language under each folder given."""
    found: list[tuple[str, bool]] = []
    for given in paths:
        if not os.path.isdir(given):
            found.append((given, True))
            continue
        for folder, subfolders, files in os.walk(given):
            # Hidden folders, dependencies, caches and virtual environments hold no code of the project's.
            subfolders[:] = sorted(d for d in subfolders if not d.startswith(".") and d not in SKIPPED_FOLDERS
                                   and not os.path.exists(os.path.join(folder, d, "pyvenv.cfg")))
            for name in sorted(files):
                path = os.path.join(folder, name)
                if syntax.language_for(path).has_grammar and not os.path.islink(path):
                    found.append((path, False))
    return found


def rename_files(engine: Engine, symbol: str, new_name: str, paths: list[str], force: bool = False) -> list[FileOutcome]:
    """The one-file rename in every file given and every language file under every folder given.

    A folder's files that do not mention the name are left out; a file named outright that does not is
    answered as unchanged. EditError when no file mentions it.
    """
    if not paths:
        raise EditError("a rename across files needs at least one file or folder")
    outcomes = []
    for path, named in language_files(paths):
        try:
            text = read_source(path)
        except FileError as exc:
            if named:
                outcomes.append(FileOutcome(path).fail(str(exc)))
            continue
        if not _mentions(text, symbol):
            if named:
                outcomes.append(FileOutcome(path, text, text, note=f"{symbol!r} does not occur in the file"))
            continue
        try:
            request = build_request(text, Task("rename", symbol=symbol, new_name=new_name), path=path)
        except EditError as exc:
            if named or exc.kind != "request" or "does not occur" not in exc.reason:
                outcomes.append(FileOutcome(path, text).fail(str(exc)))
            continue
        try:
            outcomes.append(run_edit(engine, path, text, request, force))
        except EditError as exc:
            outcomes.append(FileOutcome(path, text).fail(str(exc)))
    if not any(o.changed or not o.ok for o in outcomes):
        raise EditError(f"{symbol!r} does not occur as an identifier in any of the files given: nothing to rename")
    return outcomes


def patch_files(engine: Engine, root: str, patches: list[FilePatch], force: bool = False) -> list[FileOutcome]:
    """Each file's patch (paths relative to root); a failure in one file never stops the others."""
    outcomes = []
    for patch in patches:
        if patch.path is None:
            raise EditError("the diff names no file ('--- a/PATH' / '+++ b/PATH' lines): give 'file' with it")
        try:
            path = resolve(root, patch.path)
            outcomes.append(patch_file(engine, path, patch, force))
        except (EditError, FileError, ModelError) as exc:
            outcomes.append(FileOutcome(patch.path).fail(str(exc)))
    return outcomes


def write_outcomes(outcomes: list[FileOutcome], atomic: bool = False) -> None:
    """Write every changed file; with `atomic`, all or none: a failed file writes nothing, and a write
    that fails puts back the files already written (each only if it still holds what was written)."""
    if atomic and not all(o.ok for o in outcomes):
        failed = next(o for o in outcomes if not o.ok)
        for o in outcomes:
            if o.ok and o.changed:
                o.fail(f"not written: {failed.path} failed and the request is atomic")
        return
    done: list[FileOutcome] = []
    for o in outcomes:
        if not (o.ok and o.changed):
            continue
        try:
            if o.old is None:
                create_file(o.path, o.new)
            else:
                write_file(o.path, o.new, o.old)
            o.written = True
            done.append(o)
        except (FileError, OSError) as exc:
            o.fail(str(exc))
            if atomic:
                _put_back(done, o.path)
                for rest in outcomes:
                    if rest.ok and rest.changed and not rest.written:
                        rest.fail(f"not written: writing {o.path} failed and the request is atomic")
                return


def _put_back(done: list[FileOutcome], failed: str) -> None:
    for o in done:
        try:
            if o.old is None:
                remove_created(o.path, o.new)
            else:
                write_file(o.path, o.old, o.new)
            o.written = False
            o.fail(f"put back as it was: writing {failed} failed and the request is atomic")
        except (FileError, OSError) as exc:
            o.error = f"written, and could not be put back after {failed} failed: {exc}"
