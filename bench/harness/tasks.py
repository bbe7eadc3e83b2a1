"""Task folders: `task.toml`, the source it names (stored once under bench/sources), the bug it injects."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from lsp_server import Task
from lsp_server.tomlcompat import tomllib

KINDS = ("edit", "rename", "fix", "sketch")
TASK_KEYS = {"file", "source", "kind", "category", "instruction", "description", "lines", "symbol",
             "new_name", "diagnostic", "linter", "sketch", "expected", "expect_source", "bug", "check"}
CHECK_KEYS = {"must_contain", "must_not_contain", "unchanged", "must_parse", "must_match", "must_not_match",
              "changed_only", "same_code", "same_ast_except", "imports_used", "names_defined", "python_test"}
PYTHON_CHECKS = ("same_ast_except", "imports_used", "names_defined", "python_test")  # need a .py source
AST_PARTS = ("annotations", "docstrings", "imports")  # what same_ast_except may leave out
BUG_KEYS = {"line", "old", "new"}


class TaskFileError(Exception):
    """A task folder that cannot be benchmarked as written; the message says why."""


@dataclass
class Checks:
    """What a right result must satisfy where more than one answer is right (see bench/README.md)."""

    must_contain: list[str] = field(default_factory=list)
    must_not_contain: list[str] = field(default_factory=list)
    unchanged: list[tuple[int, int]] = field(default_factory=list)  # original lines kept verbatim, 1-based inclusive
    must_parse: bool = True
    must_match: list[str] = field(default_factory=list)  # regular expressions (re.MULTILINE) on the rewritten lines
    must_not_match: list[str] = field(default_factory=list)
    changed_only: list[tuple[int, int]] = field(default_factory=list)  # the only input lines that may change
    same_code: bool = False  # every token but comments and docstrings kept, layout free
    same_ast_except: list[str] = field(default_factory=list)  # python: same AST but for these AST_PARTS
    imports_used: bool = False  # python: no import the result adds goes unused
    names_defined: bool = False  # python: no name the result uses is undefined
    python_test: str | None = None  # python: statements run after the result's code; they must not raise


@dataclass
class BenchTask:
    name: str  # the task's folder name
    path: Path  # the source file as the task names it (its language comes from the name)
    task: Task
    text: str = ""  # the file the edit starts from: the source with the bug applied
    category: str | None = None  # a finer label than kind: undefined, syntax, lint, ...
    expected: str | None = None  # the right text of the task's lines (the whole file without `lines`)
    checks: Checks | None = None
    linter: list[str] | None = None  # the linter argv whose diagnostic a lint fix carries ('{file}': the path)

    @property
    def label(self) -> str:
        """kind, or kind/category: what the table's kind column and the per-kind summary group by."""
        return f"{self.task.kind}/{self.category}" if self.category else self.task.kind


class LinesError(ValueError):
    pass


def parse_lines(spec: str | None) -> tuple[int, int] | None:
    """'A:B' (1-based, inclusive) -> (A, B); LinesError on anything else."""
    if not spec:
        return None
    m = re.fullmatch(r"\s*(\d+)\s*[:-]\s*(\d+)\s*", spec)
    if not m or not 1 <= int(m.group(1)) <= int(m.group(2)):
        raise LinesError(f"bad line range {spec!r}: use A:B, 1-based and inclusive")
    return int(m.group(1)), int(m.group(2))


def bench_root() -> Path:
    return Path(__file__).resolve().parents[1]


def repo_root() -> Path:
    return bench_root().parent


def sources_dir() -> Path:
    return bench_root() / "sources"


def default_task_dirs() -> list[Path]:
    return [bench_root() / "tasks", bench_root() / "sketches"]


def _strings(spec: dict, key: str) -> list[str]:
    value = spec.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise TaskFileError(f"'{key}' must be a list of non-empty strings")
    return value


def _read(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TaskFileError(f"cannot read {what} {path.name}: {exc.strerror}") from exc


def apply_bugs(text: str, bugs: Sequence[dict]) -> str:
    """Each bug replaces `old` by `new` once on its 1-based `line` (new may hold newlines)."""
    lines = text.splitlines(keepends=True)
    for bug in sorted(bugs, key=lambda b: -b["line"]):  # bottom up: line numbers refer to the source
        n = bug["line"]
        if not 1 <= n <= len(lines) or bug["old"] not in lines[n - 1]:
            raise TaskFileError(f"bug: {bug['old']!r} is not on line {n} of the source")
        lines[n - 1] = lines[n - 1].replace(bug["old"], bug["new"], 1)
    return "".join(lines)


def region_of(text: str, lines: tuple[int, int] | None) -> tuple[str, str, str]:
    """(before, region, after) of text for 1-based inclusive lines; the whole text without lines."""
    if lines is None:
        return "", text, ""
    parts = text.splitlines(keepends=True)
    a, b = lines
    return "".join(parts[: a - 1]), "".join(parts[a - 1 : b]), "".join(parts[b:])


def _source(folder: Path, spec: dict) -> tuple[Path, str]:
    if ("file" in spec) == ("source" in spec):
        raise TaskFileError("give exactly one of 'file' (in the task folder) and 'source' (in bench/sources)")
    key = "file" if "file" in spec else "source"
    if not isinstance(spec[key], str) or not spec[key].strip():
        raise TaskFileError(f"'{key}' is missing or not a non-empty string")
    path = (folder if key == "file" else sources_dir()) / spec[key]
    if not path.is_file():
        where = "the task folder" if key == "file" else "bench/sources"
        raise TaskFileError(f"source file {spec[key]} is not in {where}")
    return path, _read(path, "source")


def _line_ranges(raw: dict, key: str) -> list[tuple[int, int]]:
    ranges = []
    for spec_lines in _strings(raw, key):
        try:
            ranges.append(parse_lines(spec_lines))
        except LinesError as exc:
            raise TaskFileError(f"check.{key}: {exc}") from exc
    return ranges


def _patterns(raw: dict, key: str) -> list[str]:
    patterns = _strings(raw, key)
    for pattern in patterns:
        try:
            re.compile(pattern, re.MULTILINE)
        except re.error as exc:
            raise TaskFileError(f"check.{key}: {pattern!r} is not a regular expression: {exc}") from exc
    return patterns


def _checks(spec: dict, path: Path) -> Checks | None:
    raw = spec.get("check")
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise TaskFileError("'check' must be a table")
    unknown = sorted(set(raw) - CHECK_KEYS)
    if unknown:
        raise TaskFileError(f"unknown check keys {', '.join(unknown)} (known: {', '.join(sorted(CHECK_KEYS))})")
    for key in ("must_parse", "same_code", "imports_used", "names_defined"):
        if not isinstance(raw.get(key, False), bool):
            raise TaskFileError(f"check.{key} must be true or false")
    parts = _strings(raw, "same_ast_except")
    if any(p not in AST_PARTS for p in parts):
        raise TaskFileError(f"check.same_ast_except takes {', '.join(AST_PARTS)}")
    test = raw.get("python_test")
    if test is not None and (not isinstance(test, str) or not test.strip()):
        raise TaskFileError("check.python_test must be a non-empty string of Python statements")
    python_only = [k for k in PYTHON_CHECKS if raw.get(k)]
    if python_only and path.suffix != ".py":
        raise TaskFileError(f"check.{python_only[0]} needs a Python source, not {path.name}")
    return Checks(_strings(raw, "must_contain"), _strings(raw, "must_not_contain"), _line_ranges(raw, "unchanged"),
                  raw.get("must_parse", True), _patterns(raw, "must_match"), _patterns(raw, "must_not_match"),
                  _line_ranges(raw, "changed_only"), raw.get("same_code", False), parts,
                  raw.get("imports_used", False), raw.get("names_defined", False), test)


def _bugs(spec: dict) -> list[dict]:
    bugs = spec.get("bug", [])
    if not isinstance(bugs, list) or not all(isinstance(b, dict) and set(b) == BUG_KEYS for b in bugs):
        raise TaskFileError("'bug' must be a list of {line, old, new} tables")
    if not all(isinstance(b["line"], int) and isinstance(b["old"], str) and isinstance(b["new"], str) and b["old"]
               for b in bugs):
        raise TaskFileError("a bug needs an integer line and non-empty old / string new")
    return bugs


def load_task(folder: Path) -> BenchTask:
    """One task from folder/task.toml; TaskFileError when a key is missing, unknown or inconsistent."""
    try:
        spec = tomllib.loads((folder / "task.toml").read_text(encoding="utf-8"))
    except OSError as exc:
        raise TaskFileError(f"cannot read task.toml: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise TaskFileError(f"task.toml is not valid TOML: {exc}") from exc
    unknown = sorted(set(spec) - TASK_KEYS)
    if unknown:
        raise TaskFileError(f"unknown keys {', '.join(unknown)} (known: {', '.join(sorted(TASK_KEYS))})")
    kind = spec.get("kind", "sketch" if "sketch" in spec else None)
    if not isinstance(kind, str) or kind not in KINDS:
        raise TaskFileError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    if kind != "sketch" and (not isinstance(spec.get("instruction"), str) or not spec["instruction"].strip()):
        raise TaskFileError("'instruction' is missing or not a non-empty string")
    for key in ("lines", "symbol", "new_name", "diagnostic", "category", "sketch", "expected", "description"):
        if key in spec and not isinstance(spec[key], str):
            raise TaskFileError(f"'{key}' must be a string")
    if kind == "rename" and not (spec.get("symbol") and spec.get("new_name")):
        raise TaskFileError("a rename needs 'symbol' and 'new_name'")
    if kind == "fix" and not spec.get("diagnostic"):
        raise TaskFileError("a fix needs 'diagnostic'")
    if kind == "sketch" and not spec.get("sketch"):
        raise TaskFileError("a sketch task needs 'sketch' (the sketch file in the task folder)")
    try:
        lines = parse_lines(spec.get("lines"))
    except LinesError as exc:
        raise TaskFileError(str(exc)) from exc
    path, source = _source(folder, spec)
    text = apply_bugs(source, _bugs(spec))
    if lines is not None and not 1 <= lines[0] <= lines[1] <= text.count("\n") + 1:
        raise TaskFileError(f"lines {lines[0]}:{lines[1]} are outside the file's {text.count(chr(10)) + 1} lines")
    sketch = _read(folder / spec["sketch"], "sketch") if kind == "sketch" else None
    task = Task(kind=kind, instruction=spec.get("instruction", ""), lines=lines, symbol=spec.get("symbol"),
                new_name=spec.get("new_name"), diagnostic=spec.get("diagnostic"), sketch=sketch)
    expected = None
    if spec.get("expect_source"):
        if not spec.get("bug"):
            raise TaskFileError("expect_source needs a 'bug': the right result is the source before it")
        before, _, after = region_of(text, lines)  # a bug may add or remove lines: cut the source by what is kept
        if not (source.startswith(before) and source.endswith(after)):
            raise TaskFileError("a bug lies outside the task's lines")
        expected = source[len(before) : len(source) - len(after)]
    if "expected" in spec:
        if expected is not None:
            raise TaskFileError("give at most one of 'expected' and 'expect_source'")
        expected = _read(folder / spec["expected"], "expected file")
    checks = _checks(spec, path)
    if expected is None and checks is None:
        raise TaskFileError("no expected result: give 'expected', 'expect_source' or a [check] table")
    linter = _strings(spec, "linter") or None
    return BenchTask(folder.name, path, task, text, spec.get("category"), expected, checks, linter)


def load_tasks(roots: Path | Sequence[Path], only: Sequence[str] | None = None
               ) -> tuple[list[BenchTask], list[tuple[str, str]]]:
    """Every task folder under the root(s) (sorted by name), and (name, message) for each that cannot be used.

    `only` keeps the named tasks; a name with no folder is reported as a problem.
    """
    roots = [roots] if isinstance(roots, Path) else list(roots)
    folders = sorted((p for root in roots if root.is_dir() for p in root.iterdir() if (p / "task.toml").is_file()),
                     key=lambda p: p.name)
    wanted = set(only or ())
    tasks, problems = [], []
    for folder in folders:
        if wanted and folder.name not in wanted:
            continue
        try:
            tasks.append(load_task(folder))
        except TaskFileError as exc:
            problems.append((folder.name, str(exc)))
    where = " or ".join(str(r) for r in roots)
    for name in sorted(wanted - {p.name for p in folders}):
        problems.append((name, f"no task folder {name} under {where}"))
    return tasks, problems
