"""`specedit apply`: many edits through one loaded model, one JSON answer per request (JSON lines, or one diff or block text).

Request kinds (one per request): `instruction`, `sketch`, `symbol` + `new_name` (`paths` for a
rename across files; `at`, "LINE:COL" as `specedit edit --at`, for only the binding there), `diagnostic`, `diff` (a unified diff: one file with `file`, else its files
under `root`), `replace` (a list of search/replace pairs for `file`) and `blocks` (SEARCH/REPLACE
blocks after file paths, under `root`). Requests for several files answer `files`, one answer
each; with `atomic` they are written all or none.
"""

from __future__ import annotations

import json
import sys
import time
from typing import IO

from . import linters
from .engine.engine import Engine
from .engine.tasks import build_request, parse_lines, position_at, task_from
from .errors import CliError, EditError, ModelError
from .fileio import FileError, read_source
from .multifile import FileOutcome, patch_file, patch_files, rename_files, resolve, run_edit, write_outcomes
from .patches import FilePatch, parse_blocks, parse_diff, parse_replacements

KINDS = ("instruction", "sketch", "symbol", "diagnostic", "diff", "replace", "blocks")
KNOWN_KEYS = {"file", "instruction", "sketch", "markers", "lines", "symbol", "new_name", "diagnostic", "force", "id",
              "diff", "replace", "blocks", "root", "paths", "atomic", "at"}
STRING_KEYS = ("file", "instruction", "sketch", "lines", "symbol", "new_name", "diagnostic", "diff", "blocks", "root",
               "at")


class RequestError(Exception):
    """A request line that cannot be done; the message goes into its answer."""


def parse_request(line: str) -> dict:
    try:
        request = json.loads(line)
    except json.JSONDecodeError as exc:
        raise RequestError(f"not JSON: {exc.msg} at column {exc.colno}") from exc
    if not isinstance(request, dict):
        raise RequestError("each line must be a JSON object")
    return check_request(request)


def check_request(request: dict) -> dict:
    """The request if its keys and types make sense; RequestError saying what is wrong otherwise."""
    unknown = set(request) - KNOWN_KEYS
    if unknown:
        raise RequestError(f"unknown keys: {', '.join(sorted(unknown))}")
    # 'symbol' with an 'instruction' and no 'new_name' names the definitions to rewrite: not a rename.
    kinds = [k for k in KINDS if request.get(k) is not None
             and not (k == "symbol" and request.get("instruction") is not None and request.get("new_name") is None)]
    if not kinds:
        raise RequestError("give one of 'instruction', 'sketch', 'symbol' + 'new_name', 'diagnostic', 'diff', "
                           "'replace' or 'blocks'")
    if len(kinds) > 1:
        raise RequestError(f"give only one of {', '.join(repr(k) for k in kinds)}: one edit per request")
    for key in STRING_KEYS:
        if request.get(key) is not None and not isinstance(request[key], str):
            raise RequestError(f"'{key}' must be a string")
    for key in ("markers", "paths"):
        value = request.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(m, str) for m in value)):
            raise RequestError(f"'{key}' must be a list of strings")
    kind = kinds[0]
    has_file = isinstance(request.get("file"), str) and bool(request["file"])
    if kind == "symbol" and request.get("paths"):
        if has_file:
            raise RequestError("give 'file' or 'paths' for a rename, not both")
        if not request.get("new_name"):
            raise RequestError("a rename needs 'new_name'")
    elif kind in ("diff", "blocks"):
        if kind == "blocks" and has_file:
            raise RequestError("'blocks' name their files themselves: give 'root', not 'file'")
    elif not has_file:
        raise RequestError("'file' (a path) is required")
    if request.get("at") is not None and (kind != "symbol" or not has_file):
        raise RequestError("'at' (LINE:COL) goes with a rename of one 'file' ('symbol' + 'new_name')")
    if request.get("root") is not None and kind not in ("diff", "blocks", "symbol"):
        raise RequestError("'root' goes with 'diff', 'blocks' or a rename's 'paths'")
    return request


def _file_patch(request: dict, root: str) -> list[FilePatch]:
    """The request's patches: a diff, blocks, or one file's replacements (paths relative to root)."""
    if request.get("replace") is not None:
        return [FilePatch(request["file"], parse_replacements(request["replace"]))]
    if request.get("blocks") is not None:
        return parse_blocks(request["blocks"])
    patches = parse_diff(request["diff"])
    target = request.get("file")
    if target is None:
        return patches
    others = sorted({p.path for p in patches if p.path is not None} - {target})
    if others and not all(resolve(root, p) == resolve(root, target) for p in others):
        raise EditError(f"the diff is for {', '.join(others)}, not {target}: leave out 'file' to apply it to its files")
    hunks = [h for p in patches for h in p.hunks]
    return [FilePatch(target, hunks, create=any(p.create for p in patches))]


def file_outcomes(engine: Engine, request: dict, markers: list[str] | None = None) -> list[FileOutcome]:
    """Every file's outcome for a request, nothing written yet."""
    root = request.get("root") or "."
    force = bool(request.get("force"))
    if request.get("diff") is not None or request.get("replace") is not None or request.get("blocks") is not None:
        patches = _file_patch(request, root)
        if request.get("file") is not None:
            return [patch_file(engine, request["file"], patches[0], force)]
        return patch_files(engine, root, patches, force)
    if request.get("paths"):
        paths = [resolve(root, p) for p in request["paths"]]
        return rename_files(engine, request["symbol"], request["new_name"], paths, force)
    path = request["file"]
    text = read_source(path)
    task = task_from(request.get("instruction"), parse_lines(request.get("lines")), request.get("symbol"),
                     request.get("new_name"), request.get("diagnostic"), request.get("sketch"),
                     request.get("markers", markers), position_at(text, request.get("at")))
    if task.kind == "fix":
        task.fix_edits = linters.fix_for_rule(path, text, task.diagnostic or "")
    return [run_edit(engine, path, text, build_request(text, task, path=path), force)]


def run_request(engine: Engine, request: dict, dry_run: bool, markers: list[str] | None = None) -> dict:
    """Do one request; the answer always has 'ok', and 'error' when ok is false.

    A request for one file ('file') answers for that file; one for several ('root', 'paths',
    'blocks') answers 'files', one answer each, and 'ok' only when every file is ok.
    """
    started = time.perf_counter()
    outcomes = file_outcomes(engine, request, markers)
    if not dry_run:
        write_outcomes(outcomes, atomic=bool(request.get("atomic")))
    if request.get("file") is not None:
        return outcomes[0].answer(with_diff=dry_run)
    answers = [o.answer(with_diff=dry_run) for o in outcomes]
    answer: dict = {"ok": all(a["ok"] for a in answers), "files": answers,
                    "latency_s": round(time.perf_counter() - started, 4)}
    if not answer["ok"]:
        failed = [a for a in answers if not a["ok"]]
        answer["error"] = f"{len(failed)} of {len(answers)} file(s) failed; first: {failed[0]['file']}: {failed[0]['error']}"
    return answer


def answer_request(engine: Engine, request: dict, dry_run: bool = False, markers: list[str] | None = None) -> dict:
    """run_request with every failure as an answer ('ok': false and one sentence), never an exception."""
    try:
        answer = run_request(engine, check_request(request), dry_run, markers)
    except (RequestError, CliError, FileError, EditError, ModelError) as exc:
        answer = {"ok": False, "file": request.get("file"), "error": str(exc)}
    except OSError as exc:
        answer = {"ok": False, "file": request.get("file"), "error": f"cannot write: {exc}"}
    if request.get("id") is not None:
        answer["id"] = request["id"]
    return answer


def run_batch(engine: Engine, lines: IO[str], out: IO[str], dry_run: bool = False, markers: list[str] | None = None) -> int:
    """Answer every line of `lines` in order; errors on one request never stop the batch."""
    failures = 0
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            request = parse_request(line)
        except RequestError as exc:
            answer = {"ok": False, "file": None, "error": str(exc)}
        else:
            answer = answer_request(engine, request, dry_run, markers)
        answer["line"] = number
        failures += not answer["ok"]
        out.write(json.dumps(answer) + "\n")
        out.flush()
    return 1 if failures else 0


def _read_input(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    try:
        with open(source, encoding="utf-8") as f:
            return f.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"cannot read {source}: {getattr(exc, 'strerror', None) or exc}") from exc


def loaded_engine(settings) -> Engine:
    """An engine with its model loaded up front: a bad model fails at once, not on the first request."""
    engine = Engine(settings)
    try:
        engine.load()
    except ModelError as exc:
        raise CliError(str(exc)) from exc
    return engine


def cmd_apply(args, settings) -> int:
    """--jsonl: a batch of requests; --diff / --blocks: one request from a file or stdin, one answer."""
    if args.jsonl is None:
        kind = "diff" if args.diff is not None else "blocks"
        request = {kind: _read_input(args.diff if kind == "diff" else args.blocks), "root": args.root,
                   "atomic": args.atomic, "force": args.force}
        engine = loaded_engine(settings)
        answer = answer_request(engine, request, dry_run=args.dry_run)
        print(json.dumps(answer))
        return 0 if answer["ok"] else 1
    if args.jsonl != "-":
        try:
            source = open(args.jsonl, encoding="utf-8")
        except OSError as exc:
            raise CliError(f"cannot read {args.jsonl}: {exc.strerror}") from exc
    else:
        source = sys.stdin
    engine = loaded_engine(settings)
    with source:
        status = run_batch(engine, source, sys.stdout, dry_run=args.dry_run, markers=args.marker)
    sys.stdout.flush()
    for model in engine.loaded_models():  # the answers are out: leave the last prompt to the next run
        model.keep_prompt()
    return status
