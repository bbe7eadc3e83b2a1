"""Server latency as a user feels it: command -> first streamed hunk, and -> finished edit, file already open.

Starts the real server (`specedit serve`), opens a file as an editor would (the client applies every
workspace/applyEdit and sends didChange, like VS Code), lets the warm-up run, then times each scenario
REPEAT times and prints medians. Before each run both models' caches are filled with other prompts
(evict), so that no run finds the one before it, the same edit, in the cache. Also checks that each
result is the right edit.

Then free-form edits, in a file shown whole and in files too large for that (the prompt shows a
window around the region), each run cold and warm in turn: cold, the command comes right after the
file is opened; warm, a code action request at the region comes first (as the light bulb asks when
the selection changes, or a user's code action menu) and the command once the server says it has
warmed the prompt (the file, then the region's lines); each run after evict too.

    .venv/bin/python bench/server_latency.py [--repeat 3] [--only-free-form] [--use-extra-bufts] [--json bench/results/server_latency.json]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from lsprotocol import types

from lsp_server.coords import index_at

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench.harness: the task's own checks





WARMED = re.compile(r"warm-up: prefilled (\d+) prompt tokens")  # the server's log line (lsp_server/jobs.py)


def _index(text: str, position: dict) -> int:
    """A UTF-16 LSP position (as VS Code sends and reads them) -> str index."""
    return index_at(text, types.Position(line=position["line"], character=position["character"]), "utf-16")


class Client:
    """A minimal LSP client over the server's stdio: requests, notifications, and applying its edits."""

    def __init__(self, argv: list[str]):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.next_id = 1
        self.responses: dict[int, dict] = {}
        self.texts: dict[str, str] = {}
        self.versions: dict[str, int] = {}
        self.jobs_done: list[dict] = []
        self.logs: list[str] = []  # window/logMessage texts
        self.first_apply: float | None = None
        self.lock = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _send(self, message: dict) -> None:
        body = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def _read(self) -> None:
        out = self.proc.stdout
        while True:
            header = b""
            while not header.endswith(b"\r\n\r\n"):
                byte = out.read(1)
                if not byte:
                    return
                header += byte
            length = int([h for h in header.split(b"\r\n") if h.lower().startswith(b"content-length")][0].split(b":")[1])
            message = json.loads(out.read(length))
            if "method" in message and "id" in message:
                self._answer(message)
            elif "method" in message:
                if message["method"] == "specedit/jobDone":
                    with self.lock:
                        self.jobs_done.append(message["params"])
                        self.lock.notify_all()
                elif message["method"] == "window/logMessage":
                    with self.lock:
                        self.logs.append(message["params"]["message"])
                        self.lock.notify_all()
            else:
                with self.lock:
                    self.responses[message["id"]] = message
                    self.lock.notify_all()

    def _answer(self, message: dict) -> None:
        result = None
        if message["method"] == "workspace/applyEdit":
            if self.first_apply is None:
                self.first_apply = time.perf_counter()
            for change in message["params"]["edit"]["documentChanges"]:
                uri = change["textDocument"]["uri"]
                text = self.texts[uri]
                spans = sorted(((_index(text, e["range"]["start"]), _index(text, e["range"]["end"]), e["newText"])
                                for e in change["edits"]), reverse=True)
                for start, end, new in spans:
                    text = text[:start] + new + text[end:]
                self.change(uri, text)
            result = {"applied": True}
        self._send({"jsonrpc": "2.0", "id": message["id"], "result": result})

    def request(self, method: str, params) -> dict:
        with self.lock:
            rid = self.next_id
            self.next_id += 1
        self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        with self.lock:
            self.lock.wait_for(lambda: rid in self.responses, timeout=600)
            return self.responses.pop(rid)

    def notify(self, method: str, params) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def open(self, uri: str, text: str, language_id: str) -> None:
        self.texts[uri], self.versions[uri] = text, 1
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": language_id, "version": 1, "text": text}})

    def change(self, uri: str, text: str) -> None:
        self.texts[uri] = text
        self.versions[uri] += 1
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": self.versions[uri]},
                                               "contentChanges": [{"text": text}]})

    def code_action(self, uri: str, rng: dict) -> None:
        self.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": rng,
                                                 "context": {"diagnostics": []}})

    def warmed(self, after: int, timeout: float = 300) -> int | None:
        """Prompt tokens the next warm-up prefilled, from its log line after the first `after` ones (None: none came)."""
        def found():
            return next((m for line in self.logs[after:] if (m := WARMED.search(line))), None)

        with self.lock:
            self.lock.wait_for(found, timeout=timeout)
            match = found()
        return None if match is None else int(match.group(1))

    def run(self, command: str, argument: dict) -> tuple[dict, float, float | None]:
        """(jobDone, seconds to it, seconds to the first applied edit) for one command."""
        done_before = len(self.jobs_done)
        self.first_apply = None
        started = time.perf_counter()
        answer = self.request("workspace/executeCommand", {"command": command, "arguments": [argument]})
        if "error" in answer:
            raise RuntimeError(answer["error"]["message"])
        with self.lock:
            self.lock.wait_for(lambda: len(self.jobs_done) > done_before, timeout=600)
            job = self.jobs_done[done_before]
        ended = time.perf_counter()
        return job, ended - started, None if self.first_apply is None else self.first_apply - started


def scenarios() -> list[dict]:
    """Each: a file, a command, its argument (positions 0-based), and what the file must become."""
    tw = Path(__import__("textwrap").__file__).read_text()
    out = [{
        "name": "rename in a 491-line file (3 uses, 105 lines apart)",
        "file": "textwrap_copy.py", "text": tw, "language": "python",
        "command": "specedit.rename", "position": _find(tw, "def _handle_long_word", 4), "newName": "_break_long_word",
        "expected": tw.replace("_handle_long_word", "_break_long_word"),
    }]
    broken = tw.replace("text = text.expandtabs(self.tabsize)\n", "text = text.expandtabs(self.tabsize\n", 1)
    out.append({
        "name": "syntax fix (a missing ')')",
        "file": "textwrap_syntax.py", "text": broken, "language": "python",
        "command": "specedit.fix", "range": _line_range(broken, "text.expandtabs(self.tabsize"), "message": "syntax error",
        "expected": tw,
    })
    misspelt = tw.replace("text = text.translate(self.unicode_whitespace_trans)",
                          "text = text.translate(self.unicode_whitespace_tran)", 1)
    out.append({
        "name": "undefined-name fix",
        "file": "textwrap_name.py", "text": misspelt, "language": "python",
        "command": "specedit.fix", "range": _line_range(misspelt, "self.unicode_whitespace_tran)"),
        "message": "'unicode_whitespace_tran' is not defined",
        "expected": tw,
    })
    return out


def small_free_form_scenario() -> dict:
    """A free-form edit of one function (type hints and a docstring) in a 60-line file, judged by the
    benchmark task's own checks (tasks/py_stats_add_docstring): any right wording counts."""
    from bench.harness.checks import judge
    from bench.harness.tasks import bench_root, load_task

    task = load_task(bench_root() / "tasks" / "py_stats_add_docstring")
    text = task.text
    first = text.index("def mean(")
    last = text.index("\n\n\n", first)
    start, end = _find(text, "def mean(", 0), _find(text, text[last - 20:last], 20)
    return {
        "name": "free-form edit of a 4-line function in a 60-line file (type hints, a docstring)",
        "file": "stats_copy.py", "text": text, "language": "python",
        "command": "specedit.edit", "range": {"start": start, "end": end}, "instruction": task.task.instruction,
        "judge": lambda result: judge(task, result)[0],
    }


def _find(text: str, needle: str, column_offset: int) -> dict:
    index = text.index(needle) + column_offset
    line = text.count("\n", 0, index)
    return {"line": line, "character": index - (text.rfind("\n", 0, index) + 1)}


def _line_range(text: str, needle: str) -> dict:
    start = _find(text, needle, 0)
    return {"start": start, "end": {"line": start["line"], "character": start["character"] + len(needle)}}


def free_form_scenarios() -> list[dict]:
    """Free-form edits: one in a file shown whole, and two in files too large for that, from the
    benchmark's tasks (the selection is the task's lines), judged by their checks: any right answer counts."""
    from bench.harness.checks import judge
    from bench.harness.tasks import bench_root, load_task

    from lsp_server.engine.prompts import context_window

    out = [small_free_form_scenario()]
    for name, language, what in (("ts_tokenizer_add_keywords", "typescript", "two keywords added to a list"),
                                 ("js_cart_subtotal_reduce", "javascript", "a loop rewritten with reduce")):
        task = load_task(bench_root() / "tasks" / name)
        text, (first, last) = task.text, task.task.lines
        assert context_window(text, 0, 0) != (0, len(text)), f"{name}: the file is shown whole"
        last_line = text.split("\n")[last - 1]
        out.append({
            "name": f"{what}: lines {first}-{last} of a {text.count(chr(10))}-line file ({task.path.name})",
            "file": task.path.name, "text": text, "language": language, "command": "specedit.edit",
            "range": {"start": {"line": first - 1, "character": 0},
                      "end": {"line": last - 1, "character": len(last_line)}},
            "instruction": task.task.instruction,
            "judge": lambda result, task=task: judge(task, result)[0],
        })
    return out


def evict(client: Client, n: int) -> None:
    """Fill both models' caches with other prompts, so the next run finds nothing of its own cached: the
    free-form model's with another large file's warm-up (bench/sources/inventory.py), the model for
    drafted edits' with an undefined-name fix in a small file."""
    from bench.harness.tasks import bench_root

    uri = f"file:///tmp/specedit-latency/evict/{n}/inventory.py"
    seen = len(client.logs)
    client.open(uri, (bench_root() / "sources" / "inventory.py").read_text(), "python")
    client.code_action(uri, {"start": {"line": 700, "character": 4}, "end": {"line": 700, "character": 4}})
    client.warmed(seen)
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    uri = f"file:///tmp/specedit-latency/evict/{n}/area.py"
    client.open(uri, "def area(width, height):\n    return width * heigth\n", "python")
    job, _, _ = client.run("specedit.fix", {"uri": uri, "message": "'heigth' is not defined",
                                            "range": {"start": {"line": 1, "character": 19}, "end": {"line": 1, "character": 25}}})
    if not job["ok"]:
        print(f"eviction's fix failed: {job['message']}", file=sys.stderr)
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})


def run_once(client: Client, sc: dict, uri: str, mode: str) -> tuple[bool, float, float | None, dict]:
    """Open the file, run the scenario's command and judge the result: (correct, total s, first hunk s, stats).

    mode "open": the command after 4 s idle (the server loads the model and warms the file's part of the prompt
    after 1.5 s); "cold": right after the file is opened; "warm": after a code action request at the
    command's range and the server's warm-up it starts.
    """
    client.open(uri, sc["text"], sc["language"])
    if mode == "open":
        time.sleep(4.0)
    elif mode == "warm":
        seen = len(client.logs)
        client.code_action(uri, sc["range"])
        if client.warmed(seen) is None:
            print(f"{sc['name']}: no warm-up was reported", file=sys.stderr)
    argument = {"uri": uri, **{k: sc[k] for k in ("position", "newName", "range", "message", "instruction") if k in sc}}
    job, total, first = client.run(sc["command"], argument)
    result = client.texts[uri]
    ok = job["ok"] and (sc["judge"](result) if "judge" in sc else result == sc["expected"])
    print(f"{sc['name']} ({mode}): {total:.2f} s, first hunk {first if first is None else round(first, 2)} s, "
          f"{'correct' if ok else 'WRONG: ' + job['message']}", file=sys.stderr)
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    return ok, total, first, job.get("stats") or {}


def medians(runs: list[tuple[bool, float, float | None, dict]]) -> dict:
    firsts = [r[2] for r in runs if r[2] is not None]
    prefill = [r[3]["prefill_tokens"] for r in runs if "prefill_tokens" in r[3]]
    return {"median_total_s": round(statistics.median(r[1] for r in runs), 3),
            "median_first_hunk_s": round(statistics.median(firsts), 3) if firsts else None,
            "median_prefill_tokens": statistics.median(prefill) if prefill else None,
            "correct": f"{sum(r[0] for r in runs)}/{len(runs)}"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--n-threads", type=int, default=0, help="the server's nThreads (0: its default, every core)")
    parser.add_argument("--only-free-form", action="store_true", help="only the free-form edits, cold and warm")
    parser.add_argument("--use-extra-bufts", action="store_true", help="the server's useExtraBufts: weights repacked for the CPU")
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args()
    client = Client([sys.executable, "-m", "lsp_server.cli", "serve"])
    options = {"nThreads": args.n_threads} if args.n_threads else {}
    if args.use_extra_bufts:
        options["useExtraBufts"] = True
    client.request("initialize", {"processId": None, "rootUri": None, "capabilities": {
        "general": {"positionEncodings": ["utf-16"]},
        "workspace": {"applyEdit": True, "workspaceEdit": {"documentChanges": True}}},
        "initializationOptions": options or None})
    client.notify("initialized", {})
    rows, free_rows = [], []
    for sc in [] if args.only_free_form else scenarios():
        runs = []
        for i in range(args.repeat):
            evict(client, i)  # no run finds the one before it (the same edit) in the cache
            runs.append(run_once(client, sc, f"file:///tmp/specedit-latency/{i}/{sc['file']}", "open"))
        rows.append({"scenario": sc["name"], **medians(runs)})
    for sc in free_form_scenarios():
        runs: dict[str, list] = {"cold": [], "warm": []}
        for i in range(args.repeat):
            for mode in runs:  # in turn, so that the machine's load falls on both alike
                evict(client, i)
                runs[mode].append(run_once(client, sc, f"file:///tmp/specedit-latency/{mode}/{i}/{sc['file']}", mode))
        free_rows.append({"scenario": sc["name"], "cold": medians(runs["cold"]), "warm": medians(runs["warm"])})
    client.request("shutdown", None)
    client.notify("exit", None)
    if rows:
        print("| scenario | command -> finished edit (median s) | command -> first hunk (median s) | correct |")
        print("|---|---:|---:|---|")
        for r in rows:
            print(f"| {r['scenario']} | {r['median_total_s']} | {r['median_first_hunk_s']} | {r['correct']} |")
        print()
    print("| free-form edit | cold: -> finished | cold: -> first hunk | cold: prefilled tokens | cold: correct "
          "| warm: -> finished | warm: -> first hunk | warm: prefilled tokens | warm: correct |")
    print("|---|---:|---:|---:|---|---:|---:|---:|---|")
    for r in free_rows:
        cold, warm = r["cold"], r["warm"]
        print(f"| {r['scenario']} | {cold['median_total_s']} s | {cold['median_first_hunk_s']} s | "
              f"{cold['median_prefill_tokens']} | {cold['correct']} | {warm['median_total_s']} s | "
              f"{warm['median_first_hunk_s']} s | {warm['median_prefill_tokens']} | {warm['correct']} |")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({"scenarios": rows, "free_form": free_rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
