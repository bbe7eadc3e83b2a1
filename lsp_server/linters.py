"""Run a linter the user configured (argv from their settings, never from the workspace) and read its findings and fixes.

Four output formats: `file:line:col: message` lines (most linters), ruff's JSON
(`--output-format=json`, with `fix.edits`), eslint's JSON (`-f json`, with `fix`) and rustc's or
clippy's JSON lines (`--error-format json`, with suggested replacements).
A finding's fix is the draft the model verifies when the user picks "Fix with AI".
`fix_for_rule` does the same for the command line and `apply`: a fix request whose message names a
rule runs that rule's linter (ruff, eslint, clippy-driver, found on PATH, never in the workspace).
"""

from __future__ import annotations

import asyncio
import difflib
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import coords, syntax

LINE = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?:(?P<col>\d+):?)?\s*(?P<message>.+)$")
TIMEOUT_S = 20.0


class LinterError(Exception):
    """The linter could not run or timed out."""


@dataclass
class Finding:
    """One finding, str indices into the linted text: [start, end) and its fix as replacements."""

    start: int
    end: int
    message: str
    fix: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, new text)


def _same_file(reported: str, path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return reported == path or reported.endswith("/" + name) or reported == name


def _line_end(text: str, index: int) -> int:
    end = text.find("\n", index)
    return len(text) if end < 0 else end


def parse_lines(output: str, path: str, text: str) -> list[Finding]:
    """`file:line:col: message` lines about `path`; the finding runs to the end of its line."""
    found = []
    for raw in output.splitlines():
        m = LINE.match(raw.strip())
        if m and _same_file(m.group("file"), path):
            start = coords.index_at_line_column(text, int(m.group("line")), int(m.group("col") or 1))
            found.append(Finding(start, _line_end(text, start), m.group("message").strip()))
    return found


def parse_ruff(items: list, path: str, text: str) -> list[Finding]:
    """ruff check --output-format=json: rows and columns 1-based, in characters."""
    found = []
    for item in items:
        if not _same_file(item.get("filename", path), path):
            continue
        at = lambda loc: coords.index_at_line_column(text, loc["row"], loc["column"])  # noqa: E731
        start = at(item["location"])
        end = at(item["end_location"]) if item.get("end_location") else _line_end(text, start)
        message = f"{item['code']} {item['message']}" if item.get("code") else item["message"]
        fix = [(at(e["location"]), at(e["end_location"]), e["content"]) for e in (item.get("fix") or {}).get("edits", [])]
        found.append(Finding(start, max(start, end), message, fix))
    return found


def parse_eslint(files: list, path: str, text: str) -> list[Finding]:
    """eslint -f json: lines and columns 1-based; a fix's range is in UTF-16 code units of the file."""
    found = []
    for report in files:
        if not _same_file(report.get("filePath", path), path):
            continue
        for m in report.get("messages", []):
            start = coords.index_at_line_column(text, m.get("line", 1), m.get("column", 1))
            end = (coords.index_at_line_column(text, m["endLine"], m.get("endColumn", 1))
                   if m.get("endLine") else _line_end(text, start))
            message = f"{m['message']} ({m['ruleId']})" if m.get("ruleId") else m["message"]
            fix = []
            if isinstance(m.get("fix"), dict):
                lo, hi = m["fix"]["range"]
                fix = [(coords.index_from_utf16(text, lo), coords.index_from_utf16(text, hi), m["fix"]["text"])]
            found.append(Finding(start, max(start, end), message, fix))
    return found


def parse_rustc(lines: list[dict], path: str, text: str) -> list[Finding]:
    """rustc/clippy --error-format json: byte offsets into the file; fixes from the children's suggestions."""
    source = text.encode("utf-8")
    at = lambda offset: coords.str_index(source, offset)  # noqa: E731
    found = []
    for item in lines:
        primary = [s for s in item.get("spans", []) if s.get("is_primary") and _same_file(s.get("file_name", ""), path)]
        if not primary or item.get("level") not in ("error", "warning"):
            continue
        fix = [(at(s["byte_start"]), at(s["byte_end"]), s["suggested_replacement"])
               for child in item.get("children", []) for s in child.get("spans", [])
               if s.get("suggested_replacement") is not None and _same_file(s.get("file_name", ""), path)]
        found.append(Finding(at(primary[0]["byte_start"]), at(primary[0]["byte_end"]), item["message"], fix))
    return found


def parse(output: str, path: str, text: str) -> list[Finding]:
    """A linter's findings about `path`, from any of the three formats."""
    stripped = output.strip()
    if stripped.startswith("{"):
        lines = []
        for line in stripped.splitlines():
            try:
                lines.append(json.loads(line))
            except json.JSONDecodeError:
                continue
        if any(isinstance(x, dict) and "spans" in x for x in lines):
            return parse_rustc([x for x in lines if isinstance(x, dict)], path, text)
    if stripped.startswith("["):
        try:
            items = json.loads(stripped)
        except json.JSONDecodeError:
            items = None
        if isinstance(items, list):
            if any(isinstance(i, dict) and "messages" in i for i in items):
                return parse_eslint(items, path, text)
            return parse_ruff([i for i in items if isinstance(i, dict) and "location" in i], path, text)
    return parse_lines(output, path, text)


def _argv(argv: list[str], path: str) -> list[str]:
    args = [a.replace("{file}", path) for a in argv]
    if not any("{file}" in a for a in argv):
        args.append(path)
    return args


async def run(argv: list[str], path: str, text: str) -> list[Finding]:
    """Run argv with the file's path ('{file}' in argv is replaced, else the path is appended); the
    document's text is also given on stdin for linters that read it. Output is parsed, never executed."""
    args = _argv(argv, path)
    try:
        proc = await asyncio.create_subprocess_exec(
            *args, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
        )
    except OSError as exc:
        raise LinterError(f"cannot start {args[0]}: {exc.strerror}") from exc
    try:
        out, _ = await asyncio.wait_for(proc.communicate(text.encode("utf-8")), TIMEOUT_S)
    except asyncio.TimeoutError as exc:
        proc.kill()
        raise LinterError(f"timed out after {TIMEOUT_S:.0f} s") from exc
    return parse(out.decode("utf-8", "replace"), path, text)


def run_sync(argv: list[str], path: str, text: str) -> list[Finding]:
    """run(), for the command line and the benchmark (no event loop)."""
    args = _argv(argv, path)
    try:
        done = subprocess.run(args, input=text.encode("utf-8"), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=TIMEOUT_S)
    except OSError as exc:
        raise LinterError(f"cannot start {args[0]}: {exc.strerror}") from exc
    except subprocess.TimeoutExpired as exc:
        raise LinterError(f"timed out after {TIMEOUT_S:.0f} s") from exc
    return parse(done.stdout.decode("utf-8", "replace"), path, text)


def fix_for(findings: list[Finding], diagnostic: str) -> list[tuple[int, int, str]] | None:
    """The fix of the finding whose message is (or contains) `diagnostic`, if the linter gave one."""
    for f in findings:
        if f.fix and (f.message == diagnostic or diagnostic in f.message or f.message in diagnostic):
            return f.fix
    return None


# -- a fix request that names a linter's rule: run that linter for its fix ---------------------------

RUFF_CODE = re.compile(r"(?<![\w-])([A-Z]{1,4}\d{3,4})\b")
ESLINT_RULE = re.compile(r"\(((?:@[\w-]+/)?[a-z][a-z0-9-]*(?:/[a-z0-9-]+)?)\)\s*$|\s((?:@[\w-]+/)?[a-z]+(?:-[a-z0-9]+)+)\s*$")
CLIPPY_LINT = re.compile(r"clippy::(\w+)")
DIAGNOSTIC_LINE = re.compile(r":(\d+)(?::\d+)?:|\bline (\d+)\b")
# {file}: the file's path; {rule}: the rule the message names; {out}: a temporary folder for build output.
RULE_LINTERS = {
    "python": ("ruff", ["check", "--select", "{rule}", "--output-format=json", "--stdin-filename", "{file}", "-"]),
    "javascript": ("eslint", ["--no-config-lookup", "--rule", "{rule}: error", "--format", "json",
                              "--stdin", "--stdin-filename", "{file}"]),
    "rust": ("clippy-driver", ["--edition", "2021", "--crate-type", "lib", "-W", "clippy::{rule}", "--error-format",
                               "json", "--emit", "metadata", "--out-dir", "{out}", "{file}"]),
}
RULE_LINTERS["typescript"] = RULE_LINTERS["tsx"] = RULE_LINTERS["javascript"]


def find_linter(name: str) -> str | None:
    """The linter on PATH, else beside this Python (a venv's ruff), else in ~/.cargo/bin (clippy-driver)."""
    places = [Path(sys.executable).parent / name, Path.home() / ".cargo" / "bin" / name]
    return shutil.which(name) or next((str(p) for p in places if p.exists()), None)


def named_rule(language: str, diagnostic: str) -> str | None:
    """The rule a linter message names for a language's linter: 'F401', 'eqeqeq', 'needless_return'; rustc's
    and clippy's messages name none, so for Rust every clippy lint runs ('all') and the message picks one."""
    if language == "python":
        m = RUFF_CODE.search(diagnostic)
        return m.group(1) if m else None
    if language in ("javascript", "typescript", "tsx"):
        m = ESLINT_RULE.search(diagnostic)
        return (m.group(1) or m.group(2)) if m else None
    if language == "rust":
        m = CLIPPY_LINT.search(diagnostic)
        return m.group(1) if m else "all"
    return None


def _matching_fix(findings: list[Finding], text: str, diagnostic: str, rule: str) -> list[tuple[int, int, str]] | None:
    """The fix of the finding the diagnostic is about: on its line when it gives one, most alike in words."""
    fixed = [f for f in findings if f.fix]
    line = DIAGNOSTIC_LINE.search(diagnostic)
    if line:
        number = int(line.group(1) or line.group(2))
        fixed = [f for f in fixed if coords.line_number(text, f.start) == number]
    if rule != "all":
        fixed = [f for f in fixed if rule in f.message] or fixed
    if not fixed:
        return None
    best = max(fixed, key=lambda f: difflib.SequenceMatcher(None, f.message, diagnostic).ratio())
    if not line and rule == "all" and difflib.SequenceMatcher(None, best.message, diagnostic).ratio() < 0.5:
        return None  # a message alone that is not this finding's
    return best.fix


def fix_for_rule(path: str, text: str, diagnostic: str) -> list[tuple[int, int, str]] | None:
    """For a fix request whose message names a linter's rule: that linter's fix for it, run on the file
    (ruff for Python, eslint for JavaScript/TypeScript, clippy for Rust), as the server gets it from a
    configured linter. None when no rule is named, the linter is not installed, fails, or offers no fix."""
    language = syntax.language_for(path).name
    rule = named_rule(language, diagnostic)
    if rule is None or language not in RULE_LINTERS:
        return None
    name, args = RULE_LINTERS[language]
    binary = find_linter(name)
    if binary is None:
        return None
    with tempfile.TemporaryDirectory(prefix="specedit-lint-") as out:
        argv = [binary] + [a.replace("{rule}", rule).replace("{out}", out) for a in args]
        try:
            findings = run_sync(argv, path, text)
        except LinterError:
            return None
    return _matching_fix(findings, text, diagnostic, rule)
