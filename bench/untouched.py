"""Free-form edits of code no task was written for: what lands, and what it leaves alone.

The files are Python's own standard library (and, where `make test` installed eslint, JavaScript
from its node_modules), so the edits run on any machine with this project set up. There is no
expected result to compare with; what any right answer must do is checked instead:

- `kept`: it landed, parses where the file parsed, changed the definitions the request names and
  no line of the file outside them (new lines may go in next to them: a doc comment above; new
  lines elsewhere, an import, are counted beside it);
- `touched N`: it landed and changed or removed N lines with words outside those definitions;
- `lost definition`: it landed, but one of the definitions the request names is gone (another
  function's opening written over its own);
- `no change` to what the request names (a no-op for it), `syntax error` (the CLI does not write
  it, the server reverts it), `fails to load` (Python: running the module's top level raises, e.g.
  a type hint names what the file does not import), `refused` (the engine's checks turned the
  answer down: the message).

Beside a landed edit: the identifiers its definitions no longer use ("names gone"). A request for
hints or docs loses none; a function whose body went missing loses its calls and variables.

`design` is the set the answer checks in `lsp_server/engine/keep.py` were made on; `fresh` was
written after them and run once, to report. Both then served to make the narrowing of a
whole-file request to the definitions its instruction names (`lsp_server/engine/scope.py`) and
the spacing rule of keep.py; `fresh2` was written after those, to report. `fresh2`'s `html_hints`
and `fresh`'s `textwrap_hints` then served to make the clause cut of a narrowed request's details
(`scope._own_clauses`); `fresh3` was written after it, to report, and `fresh4` (Go, Rust, C, C++) after
the C/C++ definitions, headers and removals of 2026-12-06:

    .venv/bin/python bench/untouched.py --n-threads 2 [--by-symbol] [--only NAME ...]

A whole-file case whose instruction names definitions is narrowed to them, as `specedit edit`
does (`lsp_server/engine/scope.py`); the line says so ("[narrowed to ...]"). `--by-symbol`: each
whole-file case names the definitions it is about, as `specedit edit --symbol` does; only those
are rewritten.
"""

from __future__ import annotations

import argparse
import difflib
import importlib.util
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lsp_server import EditError, Engine, Settings, build_request, syntax  # noqa: E402
from lsp_server.engine.tasks import Task  # noqa: E402

ESLINT_MODULES = Path.home() / ".cache" / "specedit" / "eslint-9.9.1" / "node_modules"
# C and C++ that `make test`'s code-server brings (argon2, spdlog's example).
CODE_SERVER_MODULES = Path.home() / ".cache" / "specedit" / "code-server-4.100.3" / "node_modules"


@dataclass
class Case:
    group: str  # design | fresh | fresh2 | fresh3 | fresh4
    name: str
    source: str  # a Python module's name, or a path under ESLINT_MODULES or CODE_SERVER_MODULES
    instruction: str
    names: tuple[str, ...]  # the definitions the request is about
    lines: tuple[int, int] | None = None  # the lines to rewrite (an editor's selection); None: the whole file
    removes: bool = False  # the request is that they go: kept means gone, and nothing else changed


CASES = [
    Case("design", "colorsys_hints", "colorsys", "Add type hints to rgb_to_hsv and hsv_to_rgb: every argument is a float "
         "and each returns a tuple of three floats.", ("rgb_to_hsv", "hsv_to_rgb")),
    Case("design", "bisect_hints", "bisect", "Add type hints to insort_right and bisect_right: a is a list, x any value, "
         "lo and hi ints, key an optional callable.", ("insort_right", "bisect_right")),
    Case("design", "fnmatch_dotfiles", "fnmatch", "In filter, skip names that start with a dot unless the pattern itself "
         "starts with a dot.", ("filter",), (48, 62)),
    Case("design", "heapq_docstring", "heapq", "Give heappushpop a longer docstring that explains when the item comes "
         "straight back.", ("heappushpop",), (163, 168)),
    Case("design", "shlex_hints", "shlex", "Add type hints to split, join and quote.", ("split", "join", "quote")),
    Case("design", "shlex_push_none", "shlex", "Make push_token refuse None with a ValueError.", ("push_token",), (72, 77)),
    Case("design", "glob_empty_magic", "glob", "Make has_magic return False for an empty string without searching it.",
         ("has_magic",)),
    Case("design", "glob_escape_type", "glob", "Raise a TypeError when pathname is neither str nor bytes.", ("escape",),
         (238, 250)),
    Case("design", "spawn_parse_jsdoc", "cross-spawn/lib/parse.js", "Add a JSDoc comment to detectShebang and to "
         "isBatchFile, describing the parameters and the return value.", ("detectShebang", "isBatchFile")),
    Case("design", "spawn_escape_jsdoc", "cross-spawn/lib/util/escape.js", "Add a JSDoc comment to every function.",
         ("assertNoLineBreaks", "escapePercent", "quoteArgument", "escapeCommand", "escapeArgument",
          "escapeBatchCommand", "escapeBatchArgument")),
    Case("design", "spawn_escape_bang", "cross-spawn/lib/util/escape.js", "Make escapePercent also escape exclamation "
         "marks with a caret.", ("escapePercent",), (21, 27)),
    Case("fresh", "textwrap_hints", "textwrap", "Add type hints to dedent and indent: text and prefix are str, predicate "
         "an optional callable, and both return str.", ("dedent", "indent")),
    Case("fresh", "sched_cancel_message", "sched", "Make scheduler.cancel raise a KeyError that names the event when the "
         "event is not queued.", ("cancel",)),
    Case("fresh", "getopt_docstring", "getopt", "Add a docstring to short_has_arg.", ("short_has_arg",)),
    Case("fresh", "reprlib_quotes", "reprlib", "In repr_str, use double quotes when the string holds a single quote and "
         "no double quote.", ("repr_str",), (126, 132)),
    Case("fresh", "stat_filemode_hints", "stat", "Add type hints to filemode: mode is an int and it returns a str.",
         ("filemode",)),
    Case("fresh", "yaml_common_jsdoc", "js-yaml/lib/common.js", "Add a JSDoc comment to isNothing and isObject.",
         ("isNothing", "isObject")),
    Case("fresh2", "html_hints", "html", "Add type hints to escape and unescape: s is a str, quote a bool, and both "
         "return a str.", ("escape", "unescape")),
    Case("fresh2", "calendar_leap_hints", "calendar", "Add type hints to isleap and leapdays: the years are ints, "
         "isleap returns a bool and leapdays an int.", ("isleap", "leapdays")),
    Case("fresh2", "base64_b16_casefold", "base64", "Make b16decode raise a TypeError when casefold is not a bool.",
         ("b16decode",)),
    Case("fresh2", "base64_b85_docstring", "base64", "Give b85decode a docstring that names the error it raises.",
         ("b85decode",)),
    Case("fresh2", "tabnanny_check_logging", "tabnanny", "In check, log the error messages with logging.warning "
         "instead of printing them.", ("check",)),
    Case("fresh2", "ms_fmt_jsdoc", "ms/index.js", "Add a JSDoc comment to fmtShort and fmtLong.",
         ("fmtShort", "fmtLong")),
    Case("fresh2", "globparent_jsdoc", "glob-parent/index.js", "Add a JSDoc comment to isEnclosure and isGlobby.",
         ("isEnclosure", "isGlobby")),
    Case("fresh3", "difflib_hints", "difflib", "Add type hints to get_close_matches and ndiff: word is a str, "
         "possibilities a list of str, n an int, cutoff a float, a and b are lists of str, get_close_matches returns "
         "a list of str and ndiff an iterator of str.", ("get_close_matches", "ndiff")),
    Case("fresh3", "statistics_medians_hints", "statistics", "Add type hints to median_low and median_grouped: data "
         "is a list of floats, interval is a float, and both return a float.", ("median_low", "median_grouped")),
    Case("fresh3", "quopri_strings_hints", "quopri", "Add type hints to encodestring and decodestring: s is bytes, "
         "quotetabs and header are bools, and both return bytes.", ("encodestring", "decodestring")),
    Case("fresh3", "posixpath_hints", "posixpath", "Add type hints to splitext and relpath: p and path are str, start "
         "an optional str, splitext returns a tuple of two str and relpath a str.", ("splitext", "relpath")),
    # Go, Rust, C and C++ (the files `make test` installs with eslint and code-server), written after the
    # C/C++ definitions, the C++ headers and the removals of 2026-12-06 (bench/README.md), to report.
    Case("fresh4", "flatted_go_doc_comments", "flatted/golang/pkg/flatted/flatted.go",
         "Add a doc comment to wrap and wrapContainer.", ("wrap", "wrapContainer")),
    Case("fresh4", "flatted_go_remove_json", "flatted/golang/pkg/flatted/flatted.go",
         "Remove ToJSON and FromJSON; nothing calls them.", ("ToJSON", "FromJSON"), removes=True),
    Case("fresh4", "flatted_go_pointer", "flatted/golang/pkg/flatted/flatted.go",
         "Make containerPointer accept pointers (reflect.Ptr) as well.", ("containerPointer",)),
    Case("fresh4", "flatted_rust_doc", "flatted/rust/src/lib.rs",
         "Add doc comments to remap_indent and resolve_ref.", ("remap_indent", "resolve_ref")),
    Case("fresh4", "argon2_c_comments", "argon2/argon2/src/encoding.c",
         "Add a comment above b64len and numlen that says what each returns.", ("b64len", "numlen")),
    Case("fresh4", "spdlog_cpp_stopwatch", "code-server/lib/vscode/node_modules/@vscode/spdlog/deps/spdlog/example/example.cpp",
         "In stopwatch_example, also log the elapsed time in milliseconds.", ("stopwatch_example",)),
    Case("fresh4", "spdlog_cpp_remove_android", "code-server/lib/vscode/node_modules/@vscode/spdlog/deps/spdlog/example/example.cpp",
         "Delete the android_example function.", ("android_example",), removes=True),
]


def source_path(case: Case) -> Path | None:
    if "/" in case.source:
        return next((p for p in (ESLINT_MODULES / case.source, CODE_SERVER_MODULES / case.source) if p.is_file()), None)
    spec = importlib.util.find_spec(case.source)
    if spec and spec.origin and Path(spec.origin).is_file():
        return Path(spec.origin)
    path = Path(sysconfig.get_paths()["stdlib"]) / f"{case.source}.py"  # a frozen module (stat): its source file
    return path if path.is_file() else None


def definition_lines(text: str, path: Path, names: tuple[str, ...]) -> set[int]:
    """0-based lines of the definitions called `names` (functions, methods, classes; with the comments and
    decorators right above them since fresh4: syntax.definitions, which also knows C's and C++'s)."""
    source = text.encode("utf-8")
    lines: set[int] = set()
    for name in names:
        for unit in syntax.definitions_named(source, syntax.language_for(str(path)), name):
            lines.update(range(source.count(b"\n", 0, unit.start), source.count(b"\n", 0, max(unit.start, unit.end - 1)) + 1))
    return lines


def definitions(text: str, path: Path, name: str) -> int:
    """How many definitions called `name` the text has (a rewrite that wrote another function's opening
    over one's has one fewer)."""
    return len(syntax.definitions_named(text.encode("utf-8"), syntax.language_for(str(path)), name))


def names_used(text: str, path: Path, names: tuple[str, ...]) -> set[str]:
    """The identifiers (no words of strings or comments) in the definitions called `names`."""
    language = syntax.language_for(str(path))
    source = text.encode("utf-8")
    lines = source.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    used: set[str] = set()
    for line in definition_lines(text, path, names):
        used |= syntax.names_in(source, language, starts[line], starts[line + 1])
    return used


def judge(original: str, edited: str, allowed: set[int]) -> str:
    before, after = original.splitlines(), edited.splitlines()
    outside = inside = elsewhere = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            for i in range(i1, i2):
                if any(c.isalnum() for c in before[i]):
                    outside += i not in allowed
                    inside += i in allowed
        elif tag == "insert":  # new lines next to a definition change it (a doc comment above); others are counted
            if i1 in allowed or i1 - 1 in allowed:
                inside += 1
            else:
                elsewhere += j2 - j1
    added = f" (+{elsewhere} lines elsewhere)" if elsewhere else ""
    if outside:
        return f"touched {outside}{added}"
    return ("kept" if inside else "no change") + added


def loads(text: str, path: Path) -> str:
    """'' when a Python result runs its module's top level (definitions, annotations, constants) without
    an error; else the error's last line. Not Python: ''."""
    if path.suffix != ".py":
        return ""
    done = subprocess.run([sys.executable, "-c", "import sys; exec(compile(sys.stdin.read(), 'edited.py', 'exec'), "
                           "{'__name__': 'edited'})"], input=text, capture_output=True, text=True, timeout=60)
    return "" if done.returncode == 0 else (done.stderr.strip().splitlines() or ["failed"])[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-threads", type=int, default=0)
    parser.add_argument("--only", nargs="*", help="only the cases with these names")
    parser.add_argument("--by-symbol", action="store_true",
                        help="a whole-file case names the definitions it is about (--symbol), as a user can")
    args = parser.parse_args()
    settings = Settings()
    settings.model.n_threads = args.n_threads
    engine = Engine(settings)
    engine.load()
    outcomes: dict[str, list[str]] = {}
    for case in CASES:
        if args.only and case.name not in args.only:
            continue
        path = source_path(case)
        if path is None:
            print(f"{case.group:6s} {case.name:22s} skipped: {case.source} is not on this machine", flush=True)
            continue
        text = path.read_text(encoding="utf-8")
        started = time.perf_counter()
        request = None
        try:
            symbol = ",".join(case.names) if args.by_symbol and case.lines is None else None
            task = Task(kind="edit", instruction=case.instruction, lines=case.lines, symbol=symbol)
            request = build_request(text, task, path=str(path))
            result = engine.edit(request)
        except EditError as exc:
            outcome, detail = "refused", str(exc)
        else:
            detail = ""
            if result.problems:
                outcome = "syntax error"
            elif case.removes:
                left = [n for n in case.names if definitions(result.text, path, n)]
                outcome = f"no change ({', '.join(left)} still there)" if left else judge(
                    text, result.text, definition_lines(text, path, case.names))
            elif lost := [n for n in case.names if definitions(result.text, path, n) < definitions(text, path, n)]:
                outcome, detail = "lost definition", ", ".join(lost)
            else:
                outcome = judge(text, result.text, definition_lines(text, path, case.names))
                gone = names_used(text, path, case.names) - names_used(result.text, path, case.names)
                detail = f"names gone from {', '.join(case.names)}: {', '.join(sorted(gone))}" if gone else ""
                if failed := loads(result.text, path):
                    outcome, detail = "fails to load", failed
        seconds = time.perf_counter() - started
        if getattr(request, "narrowed", False):  # a whole-file request the instruction's names narrowed (engine/scope.py)
            how = (f"redone on the whole file for {', '.join(result.widened_for)}"
                   if outcome != "refused" and result.widened_for else "narrowed to " + ", ".join(request.definitions))
            detail = f"[{how}] {detail}".rstrip()
        outcomes.setdefault(case.group, []).append(outcome.split()[0])
        print(f"{case.group:6s} {case.name:22s} {outcome:13s} {seconds:6.1f} s  {detail}", flush=True)
    for group, seen in outcomes.items():
        counts = {kind: seen.count(kind) for kind in ("kept", "touched", "lost", "no", "syntax", "fails", "refused")}
        print(f"{group}: {len(seen)} edits: kept {counts['kept']}, touched other lines {counts['touched']}, "
              f"lost a definition {counts['lost']}, no change {counts['no']}, syntax error {counts['syntax']}, fails to load {counts['fails']}, "
              f"refused {counts['refused']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
