"""`specedit edit`: output formats, in-place writes, plain decoding and renames (real model)."""

from __future__ import annotations

import json
import re
import stat

import pytest

pytestmark = pytest.mark.model

STATS_KEYS = {"output_tokens", "prefill_s", "generate_s", "passes", "accepted_tokens", "drafted_tokens", "tokens_per_s"}
EDIT = ("-i", "add a docstring", "--lines", "4:8")  # the function total() of basket.py


def split_json_line(stdout: str) -> tuple[str, dict]:
    """stdout of --json: (everything before the last line, the last line parsed as JSON)."""
    body, _, last = stdout.rstrip("\n").rpartition("\n")
    return (body + "\n" if body else ""), json.loads(last)


def unchanged_around_lines(original: str, edited: str, first: int, last: int) -> bool:
    """Whether edited keeps the original's text before line `first` and after line `last` (1-based)."""
    lines = original.splitlines(keepends=True)
    head, tail = "".join(lines[: first - 1]), "".join(lines[last:])
    return edited.startswith(head) and edited.endswith(tail)


def assert_done_or_said_unchanged(done) -> dict:
    """A free-form edit by the small model: done (exit 0), or no change, said on stderr and in the stats (exit 3)."""
    assert done.returncode in (0, 3), done.stderr
    _, stats = split_json_line(done.stdout)
    assert stats["changed"] is (done.returncode == 0)
    if done.returncode == 3:
        assert "made no change" in done.stderr
    return stats


def test_json_prints_the_edited_file_then_one_json_stats_line(specedit, copy_in):
    path = copy_in("basket.py")
    original = path.read_bytes()
    done = specedit("edit", path.name, *EDIT, "--json")
    assert_done_or_said_unchanged(done)
    body, stats = split_json_line(done.stdout)
    assert STATS_KEYS <= stats.keys()
    assert stats["output_tokens"] > 0 and stats["passes"] > 0
    assert 0 < stats["accepted_tokens"] <= stats["drafted_tokens"]
    assert unchanged_around_lines(original.decode(), body, 4, 8)
    assert path.read_bytes() == original  # without --write the file is left alone


def test_no_speculation_decodes_one_token_per_pass(specedit, copy_in):
    path = copy_in("basket.py")
    original = path.read_text()
    done = specedit("edit", path.name, *EDIT, "--json", "--no-speculation")
    assert_done_or_said_unchanged(done)
    body, stats = split_json_line(done.stdout)
    assert stats["drafted_tokens"] == 0 and stats["accepted_tokens"] == 0
    assert stats["passes"] >= stats["output_tokens"] - 1
    # Its output may differ from the speculative run's at a near-tie (tests/model/test_model_agreement.py).
    assert unchanged_around_lines(original, body, 4, 8)


def test_json_line_stands_on_its_own_line_when_the_file_lacks_a_final_newline(specedit, copy_in):
    path = copy_in("no_final_newline.js")
    done = specedit("edit", path.name, "--symbol", "triple", "--new-name", "times3", "--json")
    assert done.returncode == 0, done.stderr
    body, stats = split_json_line(done.stdout)
    assert STATS_KEYS <= stats.keys()
    assert "function times3(x) {" in body


def test_diff_prints_a_unified_diff_of_the_rename(specedit, copy_in):
    path = copy_in("basket.py")
    original = path.read_bytes()
    done = specedit("edit", path.name, "--symbol", "total", "--new-name", "subtotal", "--lines", "4:8", "--diff")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:2] == ["--- a/basket.py", "+++ b/basket.py"]
    assert any(line.startswith("@@ ") for line in lines)
    assert "-def total(prices):" in lines and "+def subtotal(prices):" in lines
    assert path.read_bytes() == original


def test_write_renames_every_occurrence_atomically_keeping_the_mode(specedit, copy_in, project):
    path = copy_in("basket.py")
    original = path.read_text()
    path.chmod(0o640)
    inode = path.stat().st_ino
    done = specedit("edit", path.name, "--symbol", "total", "--new-name", "subtotal", "--write")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    edited = path.read_text()
    assert not re.search(r"\btotal\b", edited)
    assert edited == re.sub(r"\btotal\b", "subtotal", original)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert path.stat().st_ino != inode  # replaced by a rename, never rewritten in place
    assert sorted(p.name for p in project.iterdir()) == ["basket.py"]  # no temporary file left


def test_symbol_rewrites_only_the_definitions_it_names(specedit, copy_in):
    path = copy_in("basket.py")
    original = path.read_text()
    done = specedit("edit", path.name, "-i", "add a docstring", "--symbol", "total", "--json")
    stats = assert_done_or_said_unchanged(done)
    body, _ = split_json_line(done.stdout)
    assert stats["regions"] == 1
    assert unchanged_around_lines(original, body, 4, 8)  # total() alone: the module docstring, average() stand


def test_a_whole_file_edit_whose_instruction_names_a_function_rewrites_that_function_only(specedit, copy_in):
    path = copy_in("basket.py")
    original = path.read_text()
    done = specedit("edit", path.name, "-i", "add a docstring to total", "--json")
    stats = assert_done_or_said_unchanged(done)
    body, _ = split_json_line(done.stdout)
    assert stats["regions"] == 1 and stats["definitions"] == ["total"] and stats["widened_for"] == []
    assert "rewrote only total, which the instruction names" in done.stderr
    assert unchanged_around_lines(original, body, 4, 8)


def test_a_second_run_on_the_same_file_takes_the_first_runs_prompt_back(specedit, copy_in, tmp_path):
    """engine/states.py: `edit` leaves its last prompt on disk; the next run of the same file restores it and
    prefills only the rest, with the same answer. A kept file cut or changed is dropped, never loaded."""
    path = copy_in("ledger.py")
    cache = tmp_path / "cache"
    edit = ("edit", path.name, "-i", "add a docstring", "--lines", "37:41", "--json")
    first = specedit(*edit, cache=cache)
    body, stats = split_json_line(first.stdout)
    assert stats["prefill_tokens"] == stats["prompt_tokens"]
    kept = list((cache / "specedit" / "prompts").glob("*/*.kv"))
    assert len(kept) == 1 and kept[0].with_suffix(".tokens").exists()
    second = specedit(*edit, cache=cache)
    again, stats2 = split_json_line(second.stdout)
    assert again == body and stats2["prompt_tokens"] == stats["prompt_tokens"]
    assert stats2["prefill_tokens"] <= 1  # the kept prompt was all of it
    kept = list((cache / "specedit" / "prompts").glob("*/*.kv"))
    assert len(kept) == 1  # the second run's state took the first's place
    data = kept[0].read_bytes()
    kept[0].write_bytes(data[: len(data) // 2])  # cut short: its name no longer says its bytes
    third = specedit(*edit, cache=cache)
    once_more, stats3 = split_json_line(third.stdout)
    assert third.returncode == first.returncode and once_more == body
    assert stats3["prefill_tokens"] == stats3["prompt_tokens"] and not kept[0].exists()
    off = specedit(*edit, "--no-prompt-cache", cache=tmp_path / "other")
    assert off.returncode == first.returncode and not (tmp_path / "other" / "specedit" / "prompts").exists()
