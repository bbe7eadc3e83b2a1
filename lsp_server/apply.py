"""`specedit apply --jsonl -`: many edits and sketches through one loaded model, one JSON answer per request."""

from __future__ import annotations

import json
import sys
import time
from typing import IO

from .engine.engine import Engine
from .errors import CliError, EditError, ModelError
from .engine.tasks import build_request, parse_lines, task_from
from .fileio import FileError, read_source, unified_diff, write_file

KNOWN_KEYS = {"file", "instruction", "sketch", "markers", "lines", "symbol", "new_name", "diagnostic", "force", "id"}


class RequestError(Exception):
    """A request line that cannot be done; the message goes into its answer."""


def parse_request(line: str) -> dict:
    try:
        request = json.loads(line)
    except json.JSONDecodeError as exc:
        raise RequestError(f"not JSON: {exc.msg} at column {exc.colno}") from exc
    if not isinstance(request, dict):
        raise RequestError("each line must be a JSON object")
    unknown = set(request) - KNOWN_KEYS
    if unknown:
        raise RequestError(f"unknown keys: {', '.join(sorted(unknown))}")
    if not isinstance(request.get("file"), str) or not request["file"]:
        raise RequestError("'file' (a path) is required")
    kinds = [k for k in ("instruction", "sketch", "symbol", "diagnostic") if request.get(k) is not None]
    if not kinds:
        raise RequestError("give one of 'instruction', 'sketch', 'symbol' + 'new_name', or 'diagnostic'")
    if len(kinds) > 1:
        raise RequestError(f"give only one of {', '.join(repr(k) for k in kinds)}: one edit per line")
    for key in ("instruction", "sketch", "lines", "symbol", "new_name", "diagnostic"):
        if request.get(key) is not None and not isinstance(request[key], str):
            raise RequestError(f"'{key}' must be a string")
    markers = request.get("markers")
    if markers is not None and not (isinstance(markers, list) and all(isinstance(m, str) for m in markers)):
        raise RequestError("'markers' must be a list of strings")
    return request


def run_request(engine: Engine, request: dict, dry_run: bool, markers: list[str] | None = None) -> dict:
    """Do one request; the answer always has 'ok', and 'error' when ok is false."""
    path = request["file"]
    text = read_source(path)
    task = task_from(request.get("instruction"), parse_lines(request.get("lines")), request.get("symbol"),
                     request.get("new_name"), request.get("diagnostic"), request.get("sketch"),
                     request.get("markers", markers))
    edit_request = build_request(text, task, path=path)
    started = time.perf_counter()
    result = engine.edit(edit_request)
    answer = {"ok": True, "file": path, "changed": result.text != text, "stats": result.stats_json(),
              "latency_s": round(time.perf_counter() - started, 4)}
    if result.problems and not request.get("force"):
        return {"ok": False, "file": path, "error": f"the edit introduces {len(result.problems)} syntax error(s) "
                f"({result.problems[0].message}); file not written", "stats": answer["stats"]}
    if dry_run:
        answer["diff"] = unified_diff(path, text, result.text)
    elif result.text != text:
        write_file(path, result.text, text)  # FileChanged if the file changed while the model ran
    return answer


def run_batch(engine: Engine, lines: IO[str], out: IO[str], dry_run: bool = False, markers: list[str] | None = None) -> int:
    """Answer every line of `lines` in order; errors on one request never stop the batch."""
    failures = 0
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        request: dict = {}
        try:
            request = parse_request(line)
            answer = run_request(engine, request, dry_run, markers)
        except (RequestError, CliError, FileError, EditError, ModelError) as exc:
            answer = {"ok": False, "file": request.get("file"), "error": str(exc)}
        except OSError as exc:
            answer = {"ok": False, "file": request.get("file"), "error": f"cannot write: {exc}"}
        if request.get("id") is not None:
            answer["id"] = request["id"]
        answer["line"] = number
        failures += not answer["ok"]
        out.write(json.dumps(answer) + "\n")
        out.flush()
    return 1 if failures else 0


def cmd_apply(args, settings) -> int:
    if args.jsonl != "-":
        try:
            source = open(args.jsonl, encoding="utf-8")
        except OSError as exc:
            raise CliError(f"cannot read {args.jsonl}: {exc.strerror}") from exc
    else:
        source = sys.stdin
    engine = Engine(settings)
    try:
        engine.load()  # once, before the first request; a bad model fails the batch up front
    except ModelError as exc:
        raise CliError(str(exc)) from exc
    with source:
        return run_batch(engine, source, sys.stdout, dry_run=args.dry_run, markers=args.marker)
