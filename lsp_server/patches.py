"""Agents' edit formats read into hunks: unified diffs (with or without line numbers), SEARCH/REPLACE blocks, search/replace lists.

Parsing is tolerant on purpose: agents write hunk headers with wrong counts or none at all
(`@@ ... @@`), drop the space of blank context lines, wrap diffs in Markdown fences and put
prose between files. Header counts are never trusted: a hunk ends at the next header or at the
first line that is not part of a hunk body. Where the hunk goes is decided later, by its lines
(lsp_server/locate.py), with the line number as a hint only.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from .errors import EditError

HUNK_HEADER = re.compile(r"^@@+\s*-(\d+)(?:,(\d+))?\s+\+(\d+)(?:,(\d+))?\s*@@")
FENCE = re.compile(r"^\s*(```|~~~)")
SEARCH = re.compile(r"^\s*<{5,9}\s*SEARCH\b")
DIVIDER = re.compile(r"^\s*={5,9}\s*$")
REPLACE = re.compile(r"^\s*>{5,9}\s*REPLACE\b")
# A line that names a file before a SEARCH block: one word with a dot or a slash, decoration aside.
PATH_LINE = re.compile(r"^[\w.@+~-]*[./][\w./@+~-]*$")
PATH_DECORATION = " \t`*#:'\""
NO_FILE = "/dev/null"


@dataclass
class Hunk:
    """One change: its lines in order as (' ' context | '-' removed | '+' added, text without newline)."""

    ops: list[tuple[str, str]]
    start: int | None = None  # 1-based first old line the agent gave; None: no line numbers
    header: str = ""
    new_without_eol: bool = False  # "\ No newline at end of file" after the new side's last line
    # search/replace: the raw texts, so that a search inside a line can be replaced as it stands
    search: str | None = None
    replace: str | None = None

    @property
    def old(self) -> list[str]:
        return [text for op, text in self.ops if op != "+"]

    @property
    def new(self) -> list[str]:
        return [text for op, text in self.ops if op != "-"]

    @property
    def changes(self) -> bool:
        return any(op != " " for op, _ in self.ops)


@dataclass
class FilePatch:
    """The hunks for one file; path None when the diff names no file (the request does)."""

    path: str | None
    hunks: list[Hunk] = field(default_factory=list)
    create: bool = False  # `--- /dev/null`: a new file
    delete: bool = False  # `+++ /dev/null`


def _header_path(raw: str) -> str:
    """The path of a `---`/`+++` line: without a timestamp, quotes, or git's a/ b/ prefix."""
    path = raw.split("\t", 1)[0].strip().strip('"')
    if path != NO_FILE and path[:2] in ("a/", "b/"):
        path = path[2:]
    return path


class _DiffReader:
    """Collects files and hunks line by line; see parse_diff."""

    def __init__(self) -> None:
        self.files: list[FilePatch] = []
        self.hunk: Hunk | None = None
        self.loose_blanks = 0  # trailing context ops that were empty lines, not ' ' lines
        self.counts: tuple[int, int] | None = None  # the header's old/new counts, a hint for trailing blanks

    def file(self, path: str | None) -> FilePatch:
        if not self.files or self.files[-1].hunks or self.files[-1].path not in (None, path):
            self.files.append(FilePatch(path))
        self.files[-1].path = path
        return self.files[-1]

    def close_hunk(self) -> None:
        hunk, self.hunk = self.hunk, None
        if hunk is None:
            return
        # Empty lines after a hunk are usually the message's spacing, not blank context lines,
        # unless the header's counts say the hunk needs them.
        while self.loose_blanks and hunk.ops and hunk.ops[-1] == (" ", ""):
            if self.counts is not None and len(hunk.old) <= self.counts[0]:
                break
            hunk.ops.pop()
            self.loose_blanks -= 1
        self.loose_blanks = 0
        if hunk.ops:
            if not self.files:
                self.files.append(FilePatch(None))
            self.files[-1].hunks.append(hunk)

    def open_hunk(self, line: str) -> None:
        self.close_hunk()
        m = HUNK_HEADER.match(line)
        self.counts = None
        start = None
        if m:
            start = int(m.group(1))
            self.counts = (int(m.group(2) or 1), int(m.group(4) or 1))
            if start == 0 and self.counts[0] == 0:
                start = 1  # an insertion at the top of the file (or a new file)
        self.hunk = Hunk([], start, line.strip())

    def body(self, line: str) -> bool:
        """Add a hunk body line; False when the line is not one (the hunk ends)."""
        hunk = self.hunk
        if line.startswith("\\"):
            if hunk and hunk.ops and hunk.ops[-1][0] != "-":
                hunk.new_without_eol = True
            return True
        if line == "":
            hunk.ops.append((" ", ""))
            self.loose_blanks += 1
            return True
        if line[0] in " -+":
            hunk.ops.append((line[0], line[1:]))
            self.loose_blanks = 0
            return True
        return False


def parse_diff(text: str) -> list[FilePatch]:
    """The files and hunks of a unified diff (git's, `diff -u`'s, or an agent's looser version).

    EditError when the text holds no hunk at all.
    """
    reader = _DiffReader()
    lines = text.splitlines()
    for i, line in enumerate(lines):
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if line.startswith("--- ") and following.startswith("+++ "):
            reader.close_hunk()
            old = _header_path(line[4:])
            continue
        if line.startswith("+++ ") and i and lines[i - 1].startswith("--- ") and reader.hunk is None:
            new = _header_path(line[4:])
            patch = reader.file(old if new == NO_FILE else new)
            patch.create, patch.delete = old == NO_FILE, new == NO_FILE
            continue
        if line.startswith("diff --git ") or line.startswith("Index: "):
            reader.close_hunk()
            continue
        if line.startswith("@@"):
            reader.open_hunk(line)
            continue
        if FENCE.match(line):
            reader.close_hunk()
            continue
        if reader.hunk is not None and reader.body(line):
            continue
        reader.close_hunk()
        if line[:1] in "-+" and reader.files and not reader.files[-1].hunks and line[:3] not in ("---", "+++"):
            # A file header followed by changes without an @@ line: one hunk with no line number.
            reader.open_hunk("@@ ... @@")
            reader.body(line)
    reader.close_hunk()
    files = [f for f in reader.files if f.hunks or f.create]
    if not any(f.hunks for f in files):
        raise EditError("the diff has no hunks: expected '@@' lines followed by ' ', '-' and '+' lines")
    return files


def hunk_from_replace(search: str, replace: str) -> Hunk:
    """A search/replace pair as a hunk: lines both texts share are context, the rest removed and added."""
    old, new = search.splitlines(), replace.splitlines()
    ops: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            ops += [(" ", line) for line in old[i1:i2]]
        else:
            ops += [("-", line) for line in old[i1:i2]] + [("+", line) for line in new[j1:j2]]
    return Hunk(ops, None, "search/replace", search=search, replace=replace)


def parse_replacements(items: object) -> list[Hunk]:
    """[{"search": ..., "replace": ...}, ...] as hunks; EditError on any other shape."""
    if not isinstance(items, list) or not items:
        raise EditError("'replace' must be a non-empty list of {\"search\": ..., \"replace\": ...} objects")
    hunks = []
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict) or set(item) != {"search", "replace"}:
            raise EditError(f"replacement {n} must have exactly the keys 'search' and 'replace'")
        if not isinstance(item["search"], str) or not isinstance(item["replace"], str):
            raise EditError(f"replacement {n}: 'search' and 'replace' must be strings")
        hunks.append(hunk_from_replace(item["search"], item["replace"]))
    return hunks


def _as_path(line: str) -> str | None:
    candidate = line.strip().strip(PATH_DECORATION)
    for prefix in ("File:", "file:", "Path:", "path:"):
        if candidate.startswith(prefix):
            candidate = candidate[len(prefix):].strip(PATH_DECORATION)
    return candidate if candidate and PATH_LINE.match(candidate) else None


def parse_blocks(text: str) -> list[FilePatch]:
    """Files and hunks from text with SEARCH/REPLACE blocks, each after the line that names its file.

    A block with no file line before it belongs to the previous block's file. EditError when a block
    is not closed, names no file, or there are no blocks.
    """
    files: list[FilePatch] = []
    lines = text.splitlines(keepends=True)
    path: str | None = None
    i = 0
    while i < len(lines):
        line = lines[i].rstrip("\r\n")
        if not SEARCH.match(line):
            named = _as_path(line) if not FENCE.match(line) else None
            path = named or path
            i += 1
            continue
        search_from, divider, end = i + 1, None, None
        for j in range(i + 1, len(lines)):
            bare = lines[j].rstrip("\r\n")
            if divider is None and DIVIDER.match(bare):
                divider = j
            elif divider is not None and REPLACE.match(bare):
                end = j
                break
        if divider is None or end is None:
            raise EditError(f"the SEARCH block at line {i + 1} has no '=======' and '>>>>>>> REPLACE' lines after it")
        if path is None:
            raise EditError(f"the SEARCH block at line {i + 1} names no file: put the file's path on the line before it")
        hunk = hunk_from_replace("".join(lines[search_from:divider]), "".join(lines[divider + 1:end]))
        if not files or files[-1].path != path:
            files.append(FilePatch(path))
        files[-1].hunks.append(hunk)
        i = end + 1
    if not files:
        raise EditError("no SEARCH/REPLACE blocks found: each is '<<<<<<< SEARCH', the old lines, '=======', "
                        "the new lines, '>>>>>>> REPLACE', after a line with the file's path")
    return files
