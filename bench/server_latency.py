"""Server latency as a user feels it: command -> first streamed hunk, and -> finished edit, file already open.

Starts the real server (`specedit serve`), opens a file as an editor would (the client applies every
workspace/applyEdit and sends didChange, like VS Code), lets the warm-up run, then times each scenario
REPEAT times and prints medians. Also checks that each result is the right edit.

    .venv/bin/python bench/server_latency.py [--repeat 3] [--json bench/results/server_latency.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from lsprotocol import types

from lsp_server.coords import index_at

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench.harness: the task's own checks





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
    out.append(free_form_scenario())
    return out


def free_form_scenario() -> dict:
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args()
    client = Client([sys.executable, "-m", "lsp_server.cli", "serve"])
    client.request("initialize", {"processId": None, "rootUri": None, "capabilities": {
        "general": {"positionEncodings": ["utf-16"]},
        "workspace": {"applyEdit": True, "workspaceEdit": {"documentChanges": True}}}})
    client.notify("initialized", {})
    rows = []
    for sc in scenarios():
        totals, firsts, correct = [], [], 0
        for i in range(args.repeat):
            uri = f"file:///tmp/specedit-latency/{i}/{sc['file']}"
            client.open(uri, sc["text"], sc["language"])
            time.sleep(4.0)  # the server warms the model and the file's prompt after 1.5 s idle
            argument = {"uri": uri, **{k: sc[k] for k in ("position", "newName", "range", "message", "instruction")
                                       if k in sc}}
            job, total, first = client.run(sc["command"], argument)
            result = client.texts[uri]
            ok = job["ok"] and (sc["judge"](result) if "judge" in sc else result == sc["expected"])
            correct += ok
            totals.append(total)
            if first is not None:
                firsts.append(first)
            print(f"{sc['name']}: {total:.2f} s, first hunk {first if first is None else round(first, 2)} s, "
                  f"{'correct' if ok else 'WRONG: ' + job['message']}", file=sys.stderr)
            client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        rows.append({"scenario": sc["name"], "median_total_s": round(statistics.median(totals), 3),
                     "median_first_hunk_s": round(statistics.median(firsts), 3) if firsts else None,
                     "correct": f"{correct}/{args.repeat}"})
    client.request("shutdown", None)
    client.notify("exit", None)
    print("| scenario | command -> finished edit (median s) | command -> first hunk (median s) | correct |")
    print("|---|---:|---:|---|")
    for r in rows:
        print(f"| {r['scenario']} | {r['median_total_s']} | {r['median_first_hunk_s']} | {r['correct']} |")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
