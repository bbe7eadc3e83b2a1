"""Our diff parser and locator against the libraries agents' tools use, on bench/agents' edits, no model.

For every diff (30) and search/replace edit (17) of bench/agents/edits.jsonl, each way of turning
the edit into a file (parse it, place each hunk, apply) is judged on the tool-made file alone:

- right: the file is the expected one;
- located: not right, but the change landed on the right lines (the original lines it replaces, or
  where it inserts, are the expected change's): the agent's stale indentation or wording came along;
- misplaced: the tool says it applied every hunk, but it changed other lines;
- refused: the tool says a hunk does not apply (or cannot parse the edit).

Ways compared:
- ours: lsp_server/patches.py parses, lsp_server/locate.py places (lsp_server/patching.draft_file,
  unplaced hunks merged as sketches); in `apply` the model then verifies this draft.
- whatthepatch: its parse_patch and apply_diff (exact context at the stated lines).
- unidiff: its PatchSet parses; each hunk's old lines are looked for verbatim, nearest the stated
  line (as git apply does, no fuzz).
- diff-match-patch: fuzzy location (Bitap, its default Match_Threshold 0.5 and Match_Distance
  1000 from the stated line; without one, from where the old text stands verbatim, else anywhere
  in the file alike) of each hunk's old text, parsed by our parser
  (unidiff and whatthepatch do not read `@@ ... @@` hunks) and, for diffs unidiff reads, by unidiff.
  Search/replace pairs are placed the same way.

Run: .venv/bin/python bench/agents_parsers.py   (needs `pip install unidiff whatthepatch
diff-match-patch` in the environment: a comparison only, none of them is a dependency)
"""

from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lsp_server.patches import Hunk, parse_blocks, parse_diff, parse_replacements  # noqa: E402
from lsp_server.patching import draft_file  # noqa: E402

ROOT = Path(__file__).resolve().parent / "agents"
RIGHT, LOCATED, MISPLACED, REFUSED = "right", "located", "misplaced", "refused"


def _touched(old: str, new: str) -> list[tuple[int, int]]:
    """The original's line spans that `new` changes (an insertion: an empty span where it goes)."""
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    return [(i1, i2) for tag, i1, i2, _, _ in matcher.get_opcodes() if tag != "equal"]


def judge(text: str, result: str | None, expected: str) -> str:
    if result is None:
        return REFUSED
    if result == expected:
        return RIGHT
    return LOCATED if _touched(text, result) == _touched(text, expected) else MISPLACED


def our_hunks(request: dict) -> list[Hunk]:
    if "diff" in request:
        return [h for p in parse_diff(request["diff"]) for h in p.hunks]
    if "replace" in request:
        return parse_replacements(request["replace"])
    return [h for p in parse_blocks(request["blocks"]) for h in p.hunks]


def ours(text: str, request: dict) -> str | None:
    draft = draft_file(text, our_hunks(request))
    return None if draft.refused else draft.drafted


def with_whatthepatch(text: str, request: dict) -> str | None:
    import whatthepatch

    try:
        diffs = list(whatthepatch.parse_patch(request["diff"]))
        if not diffs or not any(d.changes for d in diffs):
            return None
        lines = text.splitlines()
        for d in diffs:
            lines = whatthepatch.apply_diff(d, lines)
    except Exception:  # noqa: BLE001 - every failure of the library is a refusal
        return None
    return "\n".join(lines) + ("\n" if text.endswith("\n") else "")


def _nearest_exact(lines: list[str], old: list[str], hint: int) -> int | None:
    found = [i for i in range(len(lines) - len(old) + 1) if lines[i:i + len(old)] == old]
    return min(found, key=lambda i: abs(i - hint)) if found else None


def _unidiff_hunks(request: dict) -> list[tuple[list[str], list[str], int]] | None:
    """(old lines, new lines, 1-based stated line) of each hunk as unidiff reads the diff; None if it cannot."""
    import unidiff

    try:
        patch = unidiff.PatchSet(request["diff"])
    except Exception:  # noqa: BLE001 - every failure of the library is a refusal
        return None
    return [([x.value.rstrip("\n") for x in h if not x.is_added], [x.value.rstrip("\n") for x in h if not x.is_removed],
             h.source_start) for f in patch for h in f] or None


def with_unidiff(text: str, request: dict) -> str | None:
    hunks = _unidiff_hunks(request)
    if hunks is None:
        return None
    lines = text.splitlines()
    for old, new, start in reversed(hunks):  # bottom up, so earlier line numbers stay valid
        at = _nearest_exact(lines, old, start - 1)
        if at is None:
            return None
        lines[at:at + len(old)] = new
    return "\n".join(lines) + ("\n" if text.endswith("\n") else "")


def _dmp_apply(text: str, pieces: list[tuple[str, str, int | None]]) -> str | None:
    """(old text, new text, 1-based line hint) each placed by diff-match-patch's fuzzy match and applied."""
    from diff_match_patch import diff_match_patch

    dmp = diff_match_patch()
    lines = text.splitlines(keepends=True)
    for old, new, line in pieces:
        loc = sum(len(x) for x in lines[:max(0, (line or 1) - 1)])
        # No line number: where the old text stands verbatim, if it does; else anywhere in the file
        # alike (the default distance would favour the top).
        verbatim = text.find(old) if not line else -1
        loc = verbatim if verbatim >= 0 else loc
        dmp.Match_Distance = 1000 if line or verbatim >= 0 else 10 ** 9
        patches = dmp.patch_make(old, new)
        for p in patches:
            p.start1 += loc
            p.start2 += loc
        text, applied = dmp.patch_apply(patches, text)
        if not all(applied):
            return None
        lines = text.splitlines(keepends=True)
    return text


def _joined(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


def with_dmp(text: str, request: dict) -> str | None:
    pieces = []
    for h in our_hunks(request):
        if h.search is not None:
            pieces.append((h.search, h.replace or "", None))
        else:
            pieces.append((_joined(h.old), _joined(h.new), h.start))
    return _dmp_apply(text, pieces)


def with_unidiff_dmp(text: str, request: dict) -> str | None:
    hunks = _unidiff_hunks(request)
    return None if hunks is None else _dmp_apply(text, [(_joined(old), _joined(new), start) for old, new, start in hunks])


WAYS = {
    "ours (patches.py + locate.py)": (ours, ("diff", "udiff", "replace", "blocks")),
    "whatthepatch (parse + apply_diff)": (with_whatthepatch, ("diff", "udiff")),
    "unidiff (parse) + exact search nearest the line": (with_unidiff, ("diff", "udiff")),
    "unidiff (parse) + diff-match-patch (locate)": (with_unidiff_dmp, ("diff", "udiff")),
    "our parser + diff-match-patch (locate)": (with_dmp, ("diff", "udiff", "replace", "blocks")),
}


def main() -> int:
    edits = [json.loads(line) for line in (ROOT / "edits.jsonl").read_text().splitlines() if line]
    rows = {}
    for name, (way, kinds) in WAYS.items():
        tally = {group: dict.fromkeys((RIGHT, LOCATED, MISPLACED, REFUSED), 0) for group in ("diffs", "search/replace")}
        for edit in edits:
            if edit["kind"] not in ("diff", "udiff", "replace", "blocks"):
                continue
            group = "diffs" if edit["kind"] in ("diff", "udiff") else "search/replace"
            if edit["kind"] not in kinds:
                continue
            text = (ROOT / "repo" / edit["file"]).read_text()
            try:
                result = way(text, edit["request"])
            except Exception:  # noqa: BLE001 - a crash of a library on an input is a refusal
                result = None
            tally[group][judge(text, result, edit["expected"])] += 1
        rows[name] = tally
    kinds = (RIGHT, LOCATED, MISPLACED, REFUSED)
    print("| way (no model) | diffs (30): " + " / ".join(kinds) + " | search/replace (17): " + " / ".join(kinds) + " |")
    print("|---|---|---|")
    for name, tally in rows.items():
        d, s = tally["diffs"], tally["search/replace"]
        sr = " / ".join(str(s[k]) for k in kinds) if sum(s.values()) else "-"
        print(f"| {name} | {' / '.join(str(d[k]) for k in kinds)} | {sr} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
