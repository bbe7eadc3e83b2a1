"""Render bench/agents/edits.toml as an agent would send each edit: bench/agents/edits.jsonl.

Each edit is applied on its own to the repository as it is in bench/agents/repo. A line of
edits.jsonl holds the edit's id, kind and file, the `specedit apply` request (paths relative to
the repository: the benchmark adds `root`), and the whole expected file. Run it after changing
edits.toml or repo/: `.venv/bin/python bench/agents/generate.py`.
"""

from __future__ import annotations

import difflib
import json
import re
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE / "repo"
FENCES = {".py": "python", ".js": "javascript", ".ts": "typescript", ".go": "go", ".rs": "rust", ".c": "c"}
COMMENTS = {".py": "#", ".js": "//", ".ts": "//", ".go": "//", ".rs": "//", ".c": "//"}
HUNK = re.compile(r"^@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@", re.MULTILINE)


def trim(text: str) -> str:
    """A TOML block as written in edits.toml: without the newline after its opening quotes."""
    return text[1:] if text.startswith("\n") else text


def changes(edit: dict) -> list[tuple[str, str]]:
    pairs = [(trim(edit["old"]), trim(edit["new"]))]
    if "old2" in edit:
        pairs.append((trim(edit["old2"]), trim(edit["new2"])))
    return pairs


def expected_text(source: str, edit: dict) -> str:
    text = source
    for old, new in changes(edit):
        if text.count(old) != 1:
            raise SystemExit(f"{edit['id']}: its old text occurs {text.count(old)} times in {edit['file']}")
        text = text.replace(old, new)
    return text


def as_the_agent_wrote(text: str, edit: dict) -> str:
    """Search and replacement texts the way the agent remembered the file: reworded, re-spaced, dedented."""
    for was, now in edit.get("loose", []):
        if was not in text and was.replace("\n", "") not in text:
            continue
        text = text.replace(was, now)
    dedent = edit.get("dedent", 0)
    if dedent:
        text = "".join(line[dedent:] if line.strip() and not line[:dedent].strip() else line
                       for line in text.splitlines(keepends=True))
    return text


def diff_request(source: str, expected: str, edit: dict) -> str:
    name = edit["file"]
    diff = "".join(difflib.unified_diff(source.splitlines(keepends=True), expected.splitlines(keepends=True),
                                        f"a/{name}", f"b/{name}", n=3))
    if edit["kind"] == "udiff":
        diff = HUNK.sub("@@ ... @@", diff)
    elif edit.get("stale"):
        shift = edit["stale"]
        diff = HUNK.sub(lambda m: f"@@ -{max(1, int(m[1]) + shift)}{m[2] or ''} +{max(1, int(m[3]) + shift)}{m[4] or ''} @@",
                        diff)
    if "drift" in edit:
        was, now = edit["drift"]
        if f"\n {was}\n" not in diff:
            raise SystemExit(f"{edit['id']}: the drifted line {was!r} is not a context line of the diff")
        diff = diff.replace(f"\n {was}\n", f"\n {now}\n", 1)
    return diff


def render(edit: dict) -> dict:
    source = (REPO / edit["file"]).read_text()
    expected = expected_text(source, edit)
    kind, name = edit["kind"], edit["file"]
    suffix = Path(name).suffix
    if kind in ("diff", "udiff"):
        request = {"diff": diff_request(source, expected, edit)}
    elif kind == "replace":
        request = {"file": name, "replace": [{"search": as_the_agent_wrote(old, edit),
                                              "replace": as_the_agent_wrote(new, edit)} for old, new in changes(edit)]}
    elif kind == "blocks":
        blocks = [f"{name}\n```{FENCES[suffix]}\n<<<<<<< SEARCH\n{as_the_agent_wrote(old, edit)}=======\n"
                  f"{as_the_agent_wrote(new, edit)}>>>>>>> REPLACE\n```\n" for old, new in changes(edit)]
        request = {"blocks": "Here are the changes.\n\n" + "\n".join(blocks)}
    elif kind == "sketch":
        marker = f"{COMMENTS[suffix]} ... existing code ...\n"
        request = {"file": name, "sketch": marker + marker.join(new for _, new in changes(edit)) + marker}
    else:
        raise SystemExit(f"{edit['id']}: unknown kind {kind!r}")
    return {"id": edit["id"], "kind": kind, "file": name, "stale": bool(edit.get("stale")),
            "drift": "drift" in edit, "loose": bool(edit.get("loose") or edit.get("dedent")),
            "request": request, "expected": expected}


def main() -> int:
    edits = tomllib.loads((HERE / "edits.toml").read_text())["edit"]
    ids = [e["id"] for e in edits]
    if len(set(ids)) != len(ids):
        raise SystemExit("edit ids must be unique")
    lines = [json.dumps(render(edit)) for edit in edits]
    (HERE / "edits.jsonl").write_text("\n".join(lines) + "\n")
    print(f"{len(lines)} edits over {len({e['file'] for e in edits})} files -> {HERE / 'edits.jsonl'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
