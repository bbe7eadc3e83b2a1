"""`specedit apply --jsonl`: a batch of renames, fixes and sketches through one loaded model (real model)."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.model

SKETCH = '''# ... existing code ...
def average(prices):
    if not prices:
        return 0.0
    return total(prices) / len(prices)
# ... existing code ...
'''
WITH_SKETCH = '''def average(prices):
    if not prices:
        return 0.0
    return total(prices) / len(prices)
'''


def batch(specedit, project, requests: list, *args: str):
    """Runs `specedit apply --jsonl FILE` on the requests (dicts, or raw strings for bad lines); (status, answers)."""
    lines = "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in requests)
    (project / "batch.jsonl").write_text(lines)
    done = specedit("apply", "--jsonl", "batch.jsonl", *args)
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    return done, answers


def test_a_batch_answers_every_line_in_order_and_errors_do_not_stop_it(specedit, project, copy_in):
    basket = copy_in("basket.py")
    ledger = copy_in("ledger.py")
    ledger_before = ledger.read_text()
    done, answers = batch(specedit, project, [
        {"file": "basket.py", "symbol": "result", "new_name": "acc", "id": "r1"},
        "{not json",
        {"file": "missing.py", "symbol": "a", "new_name": "b"},
        {"file": "basket.py", "sketch": SKETCH},
        {"file": "ledger.py", "frobnicate": True},
        {"file": "ledger.py", "sketch": "# ... existing code ...\nnothing_like_this = 1\n# ... existing code ...\n"},
    ])
    assert [a["line"] for a in answers] == [1, 2, 3, 4, 5, 6]
    assert [a["ok"] for a in answers] == [True, False, False, True, False, False]
    assert answers[0]["id"] == "r1" and answers[0]["changed"] and answers[0]["stats"]["output_tokens"] > 0
    assert "not JSON" in answers[1]["error"]
    assert "no such file" in answers[2]["error"]
    assert "unknown keys: frobnicate" in answers[4]["error"]
    assert "matches nothing" in answers[5]["error"]
    assert done.returncode == 1  # some requests failed
    text = basket.read_text()
    assert "result" not in text and "acc += price" in text  # the rename, then the sketch on top of it
    assert WITH_SKETCH in text and text.count("def ") == 3
    assert ledger.read_text() == ledger_before  # failed requests leave their files alone


def test_dry_run_answers_with_a_diff_and_writes_nothing(specedit, project, copy_in):
    basket = copy_in("basket.py")
    before = basket.read_text()
    done, answers = batch(specedit, project, [{"file": "basket.py", "sketch": SKETCH}], "--dry-run")
    assert done.returncode == 0, done.stderr
    assert answers[0]["ok"] and "+    if not prices:" in answers[0]["diff"]
    assert basket.read_text() == before


def test_custom_markers_from_the_request_or_the_command_line(specedit, project, copy_in):
    basket = copy_in("basket.py")
    custom = SKETCH.replace("# ... existing code ...", "# <unchanged>")
    done, answers = batch(specedit, project, [
        {"file": "basket.py", "sketch": custom},  # the default markers do not know '<unchanged>'
        {"file": "basket.py", "sketch": custom, "markers": ["<unchanged>"]},
    ])
    assert [a["ok"] for a in answers] == [False, True], answers
    assert WITH_SKETCH in basket.read_text() and "<unchanged>" not in basket.read_text()
    basket2 = copy_in("basket.py")
    (project / "s.py").write_text(custom)
    done = specedit("edit", basket2.name, "--sketch", "s.py", "--marker", "<unchanged>", "--write")
    assert done.returncode == 0, done.stderr
    assert WITH_SKETCH in basket2.read_text()


def test_requests_from_stdin(specedit, project, copy_in):
    copy_in("basket.py")
    request = json.dumps({"file": "basket.py", "instruction": "rename total to subtotal"}) + "\n"
    done = specedit("apply", "--jsonl", "-", stdin=request)
    answer = json.loads(done.stdout)
    assert answer["ok"], answer
    assert "def subtotal(prices):" in (project / "basket.py").read_text()


def test_a_rename_at_a_position_renames_only_the_binding_there(specedit, project, copy_in):
    basket = copy_in("basket.py")
    before = basket.read_text()
    done, answers = batch(specedit, project, [
        # line 4 is `def total(prices):`: only total's parameter, not average's or describe's
        {"file": "basket.py", "symbol": "prices", "new_name": "amounts", "at": "4:11"},
        {"file": "basket.py", "symbol": "prices", "new_name": "amounts", "at": "4:1"},  # on `def`, not the name
        {"file": "basket.py", "symbol": "prices", "new_name": "amounts", "at": "4"},
        {"file": "basket.py", "instruction": "add a docstring", "at": "4:11"},
    ])
    assert [a["ok"] for a in answers] == [True, False, False, False], answers
    assert "(line 4) is on no identifier, not 'prices': nothing to rename there" in answers[1]["error"]
    assert "bad position '4': use LINE:COL" in answers[2]["error"]
    assert "'at' (LINE:COL) goes with a rename" in answers[3]["error"]
    total = before[before.index("def total"):before.index("def average")]
    renamed = total.replace("prices", "amounts")
    assert basket.read_text() == before.replace(total, renamed)
