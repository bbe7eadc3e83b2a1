"""The benchmark harness's pure parts (bench/harness): task folders, correctness, summary math, the table."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness.checks import expected_text, judge, parse_problem  # noqa: E402
from bench.harness.measures import (  # noqa: E402
    ceiling_from_calibration,
    first_divergence,
    median,
    ratio,
    summarize,
)
from bench.harness.report import COLUMNS, format_errors, format_summary, format_table, format_wrong  # noqa: E402
from bench.harness.tasks import TaskFileError, apply_bugs, default_task_dirs, load_task, load_tasks  # noqa: E402
from bench.harness.timing import draft_led  # noqa: E402
from lsp_server import build_request  # noqa: E402


def make_task(root: Path, name: str, toml: str, source: str = "x = 1\n", file: str = "a.py", extra: dict | None = None) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / file).write_text(source)
    (folder / "task.toml").write_text(toml)
    for n, text in (extra or {}).items():
        (folder / n).write_text(text)
    return folder


GOOD = 'file = "a.py"\nkind = "edit"\ninstruction = "make x 2"\n[check]\nmust_contain = ["2"]\n'
EXPECT = 'file = "a.py"\nkind = "edit"\ninstruction = "make x 2"\nexpected = "want.py"\n'


def test_load_task_reads_every_key(tmp_path):
    folder = make_task(
        tmp_path, "r",
        'file = "a.py"\nkind = "rename"\ninstruction = "rename x to y"\nlines = "1:1"\nsymbol = "x"\nnew_name = "y"\n'
        'category = "local"\nexpected = "want.py"\nlinter = ["ruff", "{file}"]\n',
        extra={"want.py": "y = 1\n"},
    )
    bt = load_task(folder)
    assert bt.name == "r" and bt.path == folder / "a.py" and bt.text == "x = 1\n"
    assert (bt.task.kind, bt.task.lines, bt.task.symbol, bt.task.new_name) == ("rename", (1, 1), "x", "y")
    assert (bt.category, bt.label, bt.expected, bt.linter) == ("local", "rename/local", "y = 1\n", ["ruff", "{file}"])


@pytest.mark.parametrize(
    "toml, message",
    [
        ('kind = "edit"\ninstruction = "i"\nexpect_source = true\n', "exactly one of 'file'"),
        ('file = "a.py"\nkind = "edit"\n[check]\n', "'instruction' is missing"),
        ('file = "a.py"\nkind = "refactor"\ninstruction = "i"\n', "kind 'refactor'"),
        (GOOD.replace("[check]", 'colour = "red"\n[check]'), "unknown keys colour"),
        (GOOD.replace("[check]", 'lines = "3-"\n[check]'), "bad line range"),
        (GOOD.replace("[check]", "lines = 3\n[check]"), "'lines' must be a string"),
        (GOOD.replace("[check]", 'lines = "1:9"\n[check]'), "outside the file"),
        ('file = "a.py"\nkind = "rename"\ninstruction = "i"\nsymbol = "x"\n', "needs 'symbol' and 'new_name'"),
        ('file = "a.py"\nkind = "fix"\ninstruction = "i"\n', "needs 'diagnostic'"),
        ('file = "b.py"\nkind = "edit"\ninstruction = "i"\n', "not in the task folder"),
        ('source = "no_such_source.py"\nkind = "edit"\ninstruction = "i"\n', "not in bench/sources"),
        ('file = "a.py"\nkind = "edit"\ninstruction = "i"\n', "no expected result"),
        ('file = "a.py"\nkind = "edit"\ninstruction = "i"\nexpect_source = true\n', "expect_source needs a 'bug'"),
        ('file = "a.py"\nkind = "edit"\ninstruction = "i"\nexpected = "nope.py"\n', "cannot read expected file"),
        (GOOD + 'colour = ["x"]\n', "unknown check keys colour"),
        (GOOD + "must_parse = 1\n", "must_parse must be true or false"),
        ('file = "a.py"\nkind = "fix"\ninstruction = "i"\ndiagnostic = "d"\nexpect_source = true\n[[bug]]\nline = 1\nold = "y"\nnew = "z"\n',
         "'y' is not on line 1"),
        ('file = "a.py"\nkind = "fix"\ninstruction = "i"\ndiagnostic = "d"\nexpect_source = true\n[[bug]]\nline = 1\n', "list of {line, old, new}"),
        ("file = \n", "not valid TOML"),
    ],
)
def test_load_task_rejects_bad_task_files(tmp_path, toml, message):
    folder = make_task(tmp_path, "t", toml)
    with pytest.raises(TaskFileError, match=message):
        load_task(folder)


def test_a_bug_breaks_the_source_and_the_source_is_the_expected_result(tmp_path):
    source = "def f():\n    return 1\n\n\ndef g():\n    return 2\n"
    folder = make_task(
        tmp_path, "t",
        'file = "a.py"\nkind = "fix"\ninstruction = "fix"\ndiagnostic = "expected \':\'"\nlines = "5:7"\nexpect_source = true\n'
        '[[bug]]\nline = 5\nold = "g():"\nnew = "g()\\n    pass"\n',
        source=source,
    )
    bt = load_task(folder)
    assert bt.text == source.replace("g():", "g()\n    pass")
    assert bt.expected == "def g():\n    return 2\n"  # lines name the input (the bug added one): the region is cut by the kept text
    assert expected_text(bt) == source
    assert judge(bt, source) == (True, None)
    assert judge(bt, bt.text) == (False, "unchanged")
    assert apply_bugs("a\nb\n", [{"line": 2, "old": "b", "new": "c"}]) == "a\nc\n"


def test_load_tasks_sorts_filters_and_reports_problems(tmp_path):
    make_task(tmp_path, "b_good", GOOD)
    make_task(tmp_path / "other", "a_good", GOOD)
    make_task(tmp_path, "c_bad", 'kind = "edit"\n')
    (tmp_path / "notes").mkdir()  # a folder without task.toml is not a task
    tasks, problems = load_tasks([tmp_path, tmp_path / "other"])
    assert [t.name for t in tasks] == ["a_good", "b_good"]
    assert [name for name, _ in problems] == ["c_bad"]

    tasks, problems = load_tasks(tmp_path, ["b_good", "nope"])
    assert [t.name for t in tasks] == ["b_good"]
    assert problems == [("nope", f"no task folder nope under {tmp_path}")]


# -- the bundled tasks ---------------------------------------------------------------------

BUNDLED, BUNDLED_PROBLEMS = load_tasks(default_task_dirs())


def test_bundled_tasks_all_load_and_cover_every_kind_in_three_languages():
    assert BUNDLED_PROBLEMS == []
    languages: dict[str, set] = {}
    for bt in BUNDLED:
        languages.setdefault(bt.label, set()).add(bt.path.suffix)
    for label in ("edit", "rename", "sketch", "fix/undefined", "fix/syntax", "fix/lint"):
        assert len(languages.get(label, ())) >= 3, f"{label}: {languages.get(label)}"


def test_bundled_sources_are_stored_once():
    import hashlib

    seen: dict[str, Path] = {}
    bench = ROOT / "bench"
    for path in sorted(p for d in ("tasks", "sources") for p in (bench / d).rglob("*") if p.is_file()):
        if path.name in ("task.toml", "README.md") or path.name.startswith("expected."):
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert digest not in seen, f"{path} duplicates {seen.get(digest)}"
        seen[digest] = path


@pytest.mark.parametrize("bt", BUNDLED, ids=[bt.name for bt in BUNDLED])
def test_bundled_task_builds_a_request_and_its_expected_result_is_right(bt):
    request = build_request(bt.text, bt.task, path=str(bt.path))
    assert request.instruction or bt.task.kind == "sketch"
    if bt.task.kind == "rename":
        assert draft_led(request), f"{bt.name}: the rename draft changes nothing"
    expected = expected_text(bt)
    if expected is not None:
        assert judge(bt, expected) == (True, None)
        assert parse_problem(expected, str(bt.path)) is None
    if bt.checks is not None and expected is not None:  # the canonical answer also passes the checks
        before = len(bt.text.splitlines(keepends=True)[: (bt.task.lines or (1, 1))[0] - 1])
        lines = expected.splitlines(keepends=True)
        after = len(bt.text.splitlines(keepends=True)) - (bt.task.lines[1] if bt.task.lines else len(lines))
        region = "".join(lines[before : len(lines) - after])
        from bench.harness.checks import check

        assert check(bt, expected, region) == (True, None)
    assert judge(bt, bt.text) == (False, "unchanged")
    if bt.category == "syntax":
        assert parse_problem(bt.text, str(bt.path)) is not None, "a syntax task's input has a syntax error"
    else:
        assert parse_problem(bt.text, str(bt.path)) is None
    if bt.category == "lint":
        assert bt.linter and "{file}" in bt.linter


# -- correctness -----------------------------------------------------------------------------

SOURCE = "import os\n\n\ndef total(xs):\n    s = 0\n    for x in xs:\n        s += x\n    return s\n\n\nprint(total([1]))\n"


def checked(tmp_path, check_toml: str, lines: str | None = '"4:8"'):
    toml = 'file = "a.py"\nkind = "edit"\ninstruction = "i"\n' + (f"lines = {lines}\n" if lines else "") + "[check]\n" + check_toml
    return load_task(make_task(tmp_path, "t", toml, source=SOURCE))


def test_judge_says_why_a_result_is_wrong(tmp_path):
    bt = load_task(make_task(tmp_path, "e", EXPECT + 'lines = "4:8"\n', source=SOURCE,
                             extra={"want.py": "def total(xs):\n    return sum(xs)\n"}))
    right = SOURCE.replace("    s = 0\n    for x in xs:\n        s += x\n    return s\n", "    return sum(xs)\n")
    assert judge(bt, right) == (True, None)
    assert judge(bt, SOURCE) == (False, "unchanged")
    assert judge(bt, None, "the model did not finish") == (False, "failed: the model did not finish")
    assert judge(bt, right.replace("sum(xs)", "sum(xs) + 0")) == (
        False, "differs from expected at line 5: 'return sum(xs) + 0', expected 'return sum(xs)'")
    assert judge(bt, right.replace("import os", "import sys")) == (False, "changed lines outside the task's lines")


def test_checks_accept_any_right_answer(tmp_path):
    bt = checked(tmp_path, 'must_contain = ["sum("]\nmust_not_contain = ["for "]\nunchanged = ["4:4"]\n')
    assert judge(bt, SOURCE.replace("    s = 0\n    for x in xs:\n        s += x\n    return s\n", "    return sum(xs)\n")) == (True, None)
    assert judge(bt, SOURCE.replace("    return s\n", "    return sum([s])\n")) == (False, "still contains 'for ' at line 6")
    assert judge(bt, SOURCE.replace("s = 0", "s = 1")) == (False, "missing text 'sum('")
    renamed = SOURCE.replace("def total(xs):\n    s = 0\n    for x in xs:\n        s += x\n", "def total(ys):\n    return sum(ys)\n")
    assert judge(bt, renamed) == (False, "lines 4:4 were changed")


def test_checks_require_the_result_to_parse(tmp_path):
    bt = checked(tmp_path, 'must_contain = ["sum("]\n')
    broken = SOURCE.replace("    s = 0\n", "    s = sum(\n")
    ok, why = judge(bt, broken)
    assert not ok and why.startswith("does not parse: line ")
    lenient = load_task(make_task(tmp_path, "u", 'file = "a.py"\nkind = "edit"\ninstruction = "i"\n[check]\nmust_contain = ["sum("]\n'
                                  "must_parse = false\n", source=SOURCE))
    assert judge(lenient, broken) == (True, None)


def test_a_whole_file_task_with_an_expected_file(tmp_path):
    bt = load_task(make_task(tmp_path, "w", EXPECT, source="x = 1\n", extra={"want.py": "x = 2\n"}))
    assert judge(bt, "x = 2\n") == (True, None)
    assert judge(bt, "x = 3\n") == (False, "differs from expected at line 1: 'x = 3', expected 'x = 2'")
    assert judge(bt, "x = 2\ny = 1\n") == (False, "differs from expected at line 2: 'y = 1', expected ''")


# -- measures, summary, table --------------------------------------------------------------


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ([1, 2, 3], [1, 2, 3], None),
        ([1, 2, 3], [1, 9, 3], 1),
        ([1, 2], [1, 2, 3], 2),
        ([], [], None),
        ([5], [], 0),
    ],
)
def test_first_divergence(a, b, expected):
    assert first_divergence(a, b) == expected


def test_ratio_and_median_ignore_missing_values():
    assert ratio(6.0, 3.0) == 2.0
    assert ratio(None, 3.0) is None and ratio(1.0, 0.0) is None
    assert median([3.0, None, 1.0, 2.0]) == 2.0
    assert median([None]) is None


CALIBRATION = [
    {"batch": 1, "ms_per_token": 24.0, "min_ms_per_token": 23.0, "max_ms_per_token": 30.0, "repeats": 15},
    {"batch": 8, "ms_per_token": 6.0, "min_ms_per_token": 5.0, "max_ms_per_token": 7.0, "repeats": 5},
    # A single fast sample does not make a size the best: the median decides.
    {"batch": 64, "ms_per_token": 4.0, "min_ms_per_token": 1.0, "max_ms_per_token": 4.5, "repeats": 5},
    {"batch": 256, "ms_per_token": 4.8, "min_ms_per_token": 3.9, "max_ms_per_token": 5.0, "repeats": 5},
]


def test_ceiling_is_one_token_median_over_best_batched_median():
    assert ceiling_from_calibration(CALIBRATION) == 6.0
    assert ceiling_from_calibration(CALIBRATION[:1]) is None


def record(name, x_plain, identical=True, margin=None, warm=0.01, peer=None, errors=None, fixed=None,
           correct=True, why=None, kind="edit", label=None, latency=2.0, first_hunk=0.5, draft_only=False,
           plain_correct=False, same_as_guided=True):
    r = {
        "name": name, "language": "python", "kind": kind, "label": label or kind, "file_lines": 40, "output_tokens": 300,
        "plain": {"tokens_per_s": 30.0}, "guided": {"tokens_per_s": 32.0},
        "ours": {"tokens_per_s": 30.0 * x_plain, "passes": 20, "accepted_tokens": 270, "drafted_tokens": 300},
        "speedup_vs_plain": x_plain, "speedup_vs_guided": 30.0 * x_plain / 32.0, "latency_vs_plain": 2 * x_plain,
        "identical_to_plain": identical, "first_divergence": None if identical else 44,
        "identical_to_guided": same_as_guided, "guided_divergence": None if same_as_guided else 12,
        "divergence_margin": margin, "warm_prefill_ratio": warm,
        "correct": correct, "why": why, "latency_s": latency, "first_hunk_s": first_hunk, "first_line_s": first_hunk / 2,
        "tool_draft": draft_only, "draft_only_correct": draft_only, "plain_correct": plain_correct,
        "guided_correct": plain_correct,
    }
    if peer is not None:
        r["peer"] = {"tokens_per_s": peer}
        r["speedup_vs_peer"] = r["ours"]["tokens_per_s"] / peer
    if errors:
        r["errors"] = errors
    if fixed is not None:
        r["ours_fixed"] = {"tokens_per_s": fixed}
        r["aligned_vs_fixed"] = r["ours"]["tokens_per_s"] / fixed
    return r


def test_summary_medians_fractions_and_margins():
    records = [
        record("a", 2.0, peer=40.0, latency=1.0, first_hunk=0.2, draft_only=True, plain_correct=True),
        record("b", 3.0, identical=False, margin=0.07, peer=45.0, warm=0.03, correct=False, why="unchanged",
               kind="fix", label="fix/syntax", latency=3.0, first_hunk=3.0, draft_only=True, same_as_guided=False),
        record("c", 4.0, identical=False, margin=0.2, warm=0.02, latency=5.0, first_hunk=1.0),
        {"name": "d", "kind": "edit", "label": "edit", "errors": {"request": "bad line range"}, "correct": False,
         "why": "failed: bad line range"},
    ]
    s = summarize(records, CALIBRATION, peak_rss_ours_mb=700.0, peak_rss_mb=3500.0)
    assert s["tasks"] == 4 and s["tasks_failed"] == 1
    assert s["tasks_correct"] == 2 and s["correct_fraction"] == 0.5 and s["plain_correct_fraction"] == 0.25
    # The draft alone gets a and b right: the model adds c and loses b.
    assert s["draft_only_correct_fraction"] == 0.5 and s["model_contribution"] == 0.0
    assert s["tasks_with_tool_draft"] == 2 and s["guided_correct_fraction"] == 0.25
    assert s["median_speedup_vs_plain"] == 3.0 and s["median_latency_vs_plain"] == 6.0
    assert s["median_speedup_vs_guided"] == pytest.approx(90 / 32, abs=1e-3)
    assert s["guided_identical_fraction"] == pytest.approx(2 / 3, abs=1e-3)
    assert s["median_speedup_vs_plain_correct"] == 3.0  # a and c
    assert s["median_speedup_vs_peer"] == pytest.approx((60 / 40 + 90 / 45) / 2, abs=1e-3)
    assert s["median_speedup_vs_peer_correct"] == pytest.approx(60 / 40, abs=1e-3)
    assert s["median_latency_s"] == 3.0 and s["median_first_hunk_s"] == 1.0 and s["median_first_line_s"] == 0.5
    assert s["ceiling_speedup"] == 6.0 and s["ceiling_batch"] == 64
    assert s["fraction_of_ceiling"] == 0.5
    assert s["identical_fraction"] == pytest.approx(1 / 3, abs=1e-3)
    assert s["max_divergence_margin"] == 0.2
    assert s["warm_prefill_ratio"] == 0.02
    assert (s["peak_rss_ours_mb"], s["peak_rss_mb"]) == (700.0, 3500.0)
    assert s["calibration"] == CALIBRATION
    assert s["wrong"] == {"b": "unchanged", "d": "failed: bad line range"}
    assert s["by_kind"]["edit"] == {"tasks": 3, "correct": 2, "correct_fraction": 0.667, "draft_only_correct": 1,
                                    "draft_only_correct_fraction": 0.333, "model_contribution": 0.333, "plain_correct": 1,
                                    "median_latency_s": 3.0, "median_first_hunk_s": 0.6, "median_first_line_s": 0.3,
                                    "median_speedup_vs_plain": 3.0,
                                    "median_latency_vs_plain": 6.0}
    fix = s["by_kind"]["fix/syntax"]
    assert fix["correct"] == 0 and fix["draft_only_correct"] == 1 and fix["model_contribution"] == -1.0
    assert fix["median_latency_s"] == 3.0
    assert "median_aligned_vs_fixed" not in s
    text = format_summary(s)
    assert "correct: 2 of 4 tasks (50%); the tool's draft alone: 50% (2 tasks have one); model contribution: +0 points" in text
    assert "fix/syntax: 0/1 correct (draft alone 1, plain 0)" in text and "64:4.00 [1.00-4.50]" in text


def test_free_form_edits_of_an_open_document_are_summed_up_apart_where_measured():
    a, b, c = record("a", 2.0, latency=9.0), record("b", 2.0, latency=11.0), record("c", 5.0, kind="rename")
    a.update(opened_latency_s=2.0, opened_first_hunk_s=1.0, opened_first_line_s=0.5, opened_prefill_tokens=60, opened_identical=True,
             opened_correct=True)
    b.update(opened_latency_s=4.0, opened_first_hunk_s=3.0, opened_first_line_s=2.5, opened_prefill_tokens=80, opened_identical=False,
             opened_correct=False, region_lines=41, file_lines=200)  # longer than the latency targets' regions
    s = summarize([a, b, c], CALIBRATION, 1.0, 1.0)
    assert (s["opened_short_tasks"], s["median_opened_short_latency_s"], s["opened_short_correct"]) == (1, 2.0, 1)
    assert (s["opened_tasks"], s["median_opened_latency_s"], s["median_opened_first_hunk_s"]) == (2, 3.0, 2.0)
    assert s["median_opened_first_line_s"] == 1.5 and s["median_opened_short_first_line_s"] == 0.5
    assert s["median_opened_prefill_tokens"] == 70 and s["opened_identical_fraction"] == 0.5 and s["opened_correct"] == 1
    assert s["by_kind"]["edit"]["median_opened_latency_s"] == 3.0 and "opened_tasks" not in s["by_kind"]["rename"]
    text = format_summary(s)
    assert "open document (prompt prefilled through the region, as the server does at a code action): median latency 3.00 s, first hunk 2.00 s (first line shown 1.50 s)" in text
    assert "edit: 2/2 correct" in text and "; open document: median latency 3.00 s" in text
    assert "of those, regions of at most 40 lines: median latency 2.00 s, first hunk 1.00 s (first line shown 0.50 s) (1 tasks; correct 1)" in text
    assert "open document" not in format_summary(summarize([c], CALIBRATION, 1.0, 1.0))


def test_summary_compares_chunkings_only_when_measured():
    s = summarize([record("a", 2.0, fixed=50.0), record("b", 3.0, fixed=60.0)], CALIBRATION, 1.0, 1.0)
    assert s["median_aligned_vs_fixed"] == pytest.approx((60 / 50 + 90 / 60) / 2)


def test_summary_of_nothing_has_no_numbers():
    s = summarize([], CALIBRATION, 1.0, 1.0)
    assert s["median_speedup_vs_plain"] is None and s["fraction_of_ceiling"] is None
    assert s["identical_fraction"] is None and s["max_divergence_margin"] is None and s["correct_fraction"] is None
    assert s["draft_only_correct_fraction"] is None and s["model_contribution"] is None
    format_summary(s)  # renders with dashes, does not raise


def test_table_has_a_header_rule_and_one_row_per_task():
    records = [record("py_stats", 2.5, peer=40.0),
               record("go_router", 1.5, identical=False, correct=False, why="unchanged", kind="fix", label="fix/lint",
                      draft_only=True, same_as_guided=False),
               {"name": "broken"}]
    lines = format_table(records).splitlines()
    assert [c.strip() for c in lines[0].strip("|").split("|")] == list(COLUMNS)
    assert set(lines[1]) <= set("|-:")
    assert len(lines) == 2 + len(records)
    assert all(len(line) == len(lines[0]) for line in lines)  # padded columns line up
    cells = [c.strip() for c in lines[2].strip("|").split("|")]
    assert cells == ["py_stats", "python", "edit", "40", "300", "30.0", "32.0", "40.0", "75.0", "2.50", "1.88", "20", "90",
                     "2.00", "0.50", "yes", "yes", "no", "no", "yes"]
    cells = [c.strip() for c in lines[3].strip("|").split("|")]
    assert cells[2] == "fix/lint" and cells[-5:] == ["no @44", "no @12", "yes", "no", "no"]
    assert [c.strip() for c in lines[4].strip("|").split("|")][1:] == ["-"] * (len(COLUMNS) - 1)
    assert format_wrong(records).strip().splitlines() == ["Not correct:", "- go_router: unchanged"]


def test_errors_are_listed_under_the_table():
    text = format_errors([record("a", 2.0), record("b", 1.0, errors={"ours": "the model did not finish"})])
    assert text.strip().splitlines() == ["Errors:", "- b: ours: the model did not finish"]
    assert format_errors([record("a", 2.0)]) == ""


def test_the_runtime_library_no_longer_holds_the_harness_or_the_peer():
    import lsp_server.engine.model as model

    assert not hasattr(model, "peer_llama")
    assert not (ROOT / "lsp_server" / "benchmark.py").exists()


FAKE_RUFF = """import json, sys
print(json.dumps([{"code": "F401", "message": "`os` imported but unused", "filename": sys.argv[1],
                   "location": {"row": 1, "column": 8}, "end_location": {"row": 1, "column": 10},
                   "fix": {"edits": [{"content": "", "location": {"row": 1, "column": 1},
                                      "end_location": {"row": 2, "column": 1}}]}}]))
"""


def test_a_lint_task_takes_the_linters_fix_as_its_draft(tmp_path):
    from bench.harness.lintfix import with_linter_fix

    script = tmp_path / "fake_ruff.py"
    script.write_text(FAKE_RUFF)
    toml = ('file = "a.py"\nkind = "fix"\ncategory = "lint"\ninstruction = "fix"\ndiagnostic = "a.py:1:8: F401 `os` imported but unused"\n'
            f'linter = [{str(sys.executable)!r}, {str(script)!r}, "{{file}}"]\nexpect_source = true\n'
            '[[bug]]\nline = 1\nold = "import sys"\nnew = "import os\\nimport sys"\n').replace("'", '"')
    bt = load_task(make_task(tmp_path, "lint", toml, source="import sys\n\nprint(sys.argv)\n"))
    fixed, note = with_linter_fix(bt)
    assert note == f"{sys.executable}'s fix is the draft"
    assert fixed.task.fix_edits == [(0, 10, "")]
    assert bt.task.fix_edits is None  # the loaded task is left as it was

    source = "import sys\n\nprint(sys.argv)\n"
    missing = load_task(make_task(tmp_path, "nolinter", toml.replace(f'"{sys.executable}"', '"no-such-linter-x"'), source=source))
    assert with_linter_fix(missing) == (missing, "no-such-linter-x is not installed: diagnostic only")
    plain = load_task(make_task(tmp_path, "plain", GOOD))
    assert with_linter_fix(plain) == (plain, None)


def test_two_findings_with_one_message_are_told_apart_by_the_diagnostics_line():
    from bench.harness.lintfix import on_the_line
    from lsp_server.linters import Finding, fix_for

    text = "if (a) b();\nif (c) d();\n"
    first = Finding(0, 11, "Expected { after 'if' condition. (curly)", [(7, 11, "{b();}")])
    second = Finding(12, 23, "Expected { after 'if' condition. (curly)", [(19, 23, "{d();}")])
    diagnostic = "x.js:2:1: Expected { after 'if' condition. (curly)"
    assert fix_for([first, second], diagnostic) == first.fix  # by message alone: the first one
    assert fix_for(on_the_line([first, second], text, diagnostic), diagnostic) == second.fix
    assert on_the_line([first, second], text, "Expected { after 'if' condition.") == [first, second]  # no line given
    assert on_the_line([first], text, "x.js:2:1: Expected {") == [first]  # nothing on that line: all of them


@pytest.mark.parametrize("name, correct, why", [
    ("py_inventory_rename_total", True, None),  # the tree-sitter rename is the whole answer
    ("c_ringbuf_fix_syntax", True, None),  # a one-token syntax repair
    ("py_stats_add_docstring", False, "no tool draft: the draft is the original"),
])
def test_the_tools_draft_alone_is_judged_like_ours(name, correct, why):
    from bench.harness.baselines import draft_only

    (bt,) = [bt for bt in BUNDLED if bt.name == name]
    request = build_request(bt.text, bt.task, path=str(bt.path))
    assert draft_only(bt, request) == (correct, why)


def test_the_baselines_are_the_same_request_decoded_plainly():
    from bench.harness.baselines import guided, unguided

    (bt,) = [bt for bt in BUNDLED if bt.name == "py_inventory_rename_total"]
    request = build_request(bt.text, bt.task, path=str(bt.path))
    plain, led = unguided(request), guided(request)
    assert (plain.speculate, plain.guided) == (False, False) and (led.speculate, led.guided) == (False, True)
    assert plain.regions == led.regions == request.regions and request.guided and request.speculate is None


def test_copy_split_counts_draft_tokens_on_copied_and_changed_lines():
    from bench.harness.measures import copy_split, copy_split_summary

    original = b"a = 1\nb = 2\nc = 3\n"
    pieces = [b"a = 1\n", b"b", b" = ", b"20", b"\n", b"c = 3\n"]  # line 2 changed
    split = copy_split(original, pieces, [True, False, True, False, True, True])
    assert split == {"copied": {"tokens": 2, "from_draft": 2}, "changed": {"tokens": 4, "from_draft": 2},
                     "first_change": {"before": 1, "line": 4}}
    free, drafted = record("a", 2.0), record("b", 2.0, draft_only=True)
    free["copy_split"] = drafted["copy_split"] = split
    summary = copy_split_summary([free, drafted])["free_form_copy_split"]  # the drafted edit does not count
    assert summary["copied"] == {"tokens": 2, "from_draft_fraction": 1.0, "tokens_per_pass": None}
    assert summary["changed"] == {"tokens": 4, "from_draft_fraction": 0.5, "tokens_per_pass": 2.0}
    assert "changed lines 4 tokens, 50% from verified drafts (2.00 a pass)" in format_summary(
        summarize([free], CALIBRATION, 1.0, 1.0))


def test_the_copy_bound_costs_kept_lines_at_the_best_batch_and_changed_lines_a_token_a_pass():
    from bench.harness.measures import copy_bound, copy_split_summary

    # One token 24 ms, the best batch 4 ms a token: 30 kept tokens and 10 changed take 30 * 4 + 10 * 24 ms
    # at best, against 40 * 24 ms one token a pass.
    assert copy_bound(30, 10, CALIBRATION) == pytest.approx(960 / 360)
    assert copy_bound(0, 10, CALIBRATION) == 1.0 and copy_bound(10, 0, CALIBRATION) == 6.0
    assert copy_bound(0, 0, CALIBRATION) is None and copy_bound(30, 10, CALIBRATION[:1]) is None
    # A batch dearer by the token than one token (a GPU-less oddity) never makes the bound below 1.
    assert copy_bound(5, 5, [CALIBRATION[0], {**CALIBRATION[1], "ms_per_token": 30.0}]) == 1.0
    a, b = record("a", 2.0), record("b", 1.0)
    a["copy_split"] = {"copied": {"tokens": 30, "from_draft": 29}, "changed": {"tokens": 10, "from_draft": 0}}
    b["copy_split"] = {"copied": {"tokens": 0, "from_draft": 0}, "changed": {"tokens": 10, "from_draft": 0}}
    a["plain"]["generate_s"], a["ours"]["generate_s"] = 4.0, 2.0
    b["plain"]["generate_s"], b["ours"]["generate_s"] = 1.0, 1.0
    split = copy_split_summary([a, b], CALIBRATION)["free_form_copy_split"]
    assert split["bound_speedup"] == round(1200 / 600, 3)  # 30 kept and 20 changed tokens
    assert split["median_bound_speedup"] == round((960 / 360 + 1.0) / 2, 3)
    assert split["speedup_vs_plain"] == round(5.0 / 3.0, 3) and split["median_speedup_vs_plain"] == 1.5
    assert "bound_speedup" not in copy_split_summary([a, b])["free_form_copy_split"]  # no calibration
    assert "copy bound: at most 2.00x over plain decoding (median edit 1.83x)" in format_summary(
        summarize([a, b], CALIBRATION, 1.0, 1.0))


def test_the_first_change_is_the_first_line_the_diff_does_not_pair_or_where_it_drops_lines():
    from bench.harness.measures import copy_split

    def first(original: bytes, pieces: list[bytes]):
        return copy_split(original, pieces, [False] * len(pieces))["first_change"]

    original = b"a = 1\nb = 2\nc = 3\n"
    assert first(original, [b"a = 1\n", b"b = 2\n", b"c = 3\n"]) is None  # no change
    # A line inserted after two kept ones: two tokens before it, three on it.
    assert first(original, [b"a = 1", b"\n", b"b = 2\n", b"#", b" two", b"\n", b"c = 3\n"]) == {"before": 3, "line": 3}
    assert first(original, [b"x", b" = 0\n", b"a = 1\n", b"b = 2\n", b"c = 3\n"]) == {"before": 0, "line": 2}
    # A deleted line: the change stands where the output goes on, with no line of its own.
    assert first(original, [b"a = 1\n", b"c = 3\n"]) == {"before": 1, "line": 0}
    assert first(original, [b"a = 1\n", b"b = 2\n"]) == {"before": 2, "line": 0}  # the last line dropped


def test_the_benchmark_splits_an_indented_regions_answer_after_the_indentation_the_prompt_wrote(tmp_path):
    from bench.harness.runner import bench_task
    from lsp_server.config import Settings
    from lsp_server.engine.engine import Engine
    from tests.scripted import ScriptedModel

    source = "class C:\n    def g(self, y):\n        return y\n\n    def h(self):\n        return 1\n"
    (tmp_path / "m.py").write_text(source)
    (tmp_path / "task.toml").write_text('file = "m.py"\nkind = "edit"\ninstruction = "double it"\nlines = "2:3"\n'
                                        '[check]\nmust_contain = ["return 2 * y"]\n')
    bt = load_task(tmp_path)
    model = ScriptedModel({"    def g(self, y):\n        return y\n": "    def g(self, y):\n        return 2 * y\n"})
    model.info.chat_template = "{% for m in messages %}{{ m['content'] }}{% endfor %}"  # a chat model: the prompt writes "   "
    record, _ = bench_task(bt, Engine(Settings(), model=model), None, lambda message: None)
    assert record["correct"], record.get("why")
    # The first line, " def g(self, y):" after the written indentation, is copied (17 bytes, a token
    # each here); the second changed (21).
    assert record["copy_split"]["first_change"] == {"before": 17, "line": 21}
    assert record["copy_split"]["copied"]["tokens"] >= 17


def test_the_first_line_bound_verifies_the_tail_and_kept_tokens_at_the_best_batch_and_writes_the_rest():
    from bench.harness.measures import first_line_bound

    # 40 prompt tokens and 20 kept ones at 4 ms, then 5 of the line's 6 tokens at 24 ms: 0.36 s.
    assert first_line_bound(40, {"before": 20, "line": 6}, CALIBRATION) == pytest.approx(0.36)
    assert first_line_bound(40, {"before": 20, "line": 0}, CALIBRATION) == pytest.approx(0.24)  # a deletion
    assert first_line_bound(40, None, CALIBRATION) is None and first_line_bound(40, {"before": 0, "line": 1}, CALIBRATION[:1]) is None
    a, b = record("a", 2.0), record("b", 2.0)
    for r, line in ((a, 6), (b, 16)):
        r.update(opened_latency_s=2.0, opened_first_hunk_s=1.0, opened_first_line_s=0.5, opened_prefill_tokens=40,
                 copy_split={"copied": {"tokens": 20, "from_draft": 20}, "changed": {"tokens": line, "from_draft": 0},
                             "first_change": {"before": 20, "line": line}})
    s = summarize([a, b], CALIBRATION, 1.0, 1.0)
    assert s["median_opened_first_line_bound_s"] == s["median_opened_short_first_line_bound_s"] == 0.48  # (0.36 + 0.6) / 2
    text = format_summary(s)
    assert "first line shown 0.50 s; soonest possible here 0.48 s)" in text


def test_measure_edit_times_the_first_line_shown_apart_from_the_first_final_hunk():
    from bench.harness.timing import measure_edit
    from lsp_server.config import Settings
    from lsp_server.engine.engine import Engine
    from lsp_server.engine.tasks import Task, build_request
    from tests.scripted import ScriptedModel

    text = "".join(f"def f{i}(x):\n    return x + {i}\n\n\n" for i in range(6))
    request = build_request(text, Task("edit", "document f2 and return x + 3", (9, 10)), path="m.py")
    region = text[request.regions[0].start:request.regions[0].end]
    docstring = '    """Add two.\n\n    Args:\n        x: a number.\n\n    Returns:\n        x plus two.\n    """\n'
    one_line = region.replace("x + 2", "x + 3")
    for answer, earlier in [(region.replace("):\n", "):\n" + docstring, 1), True), (one_line, False)]:
        engine = Engine(Settings(), model=ScriptedModel({region: answer}))
        run = measure_edit(engine, request, track_hunks=True)
        assert run.output == answer and run.first_line_s is not None
        # New lines written before the re-join show first; a one-line change lands whole, as one hunk.
        assert (run.first_line_s < run.first_hunk_s) if earlier else (run.first_line_s == run.first_hunk_s)


def test_a_lint_task_whose_linter_is_missing_says_so_as_it_runs(tmp_path):
    """A fresh machine without eslint must not read as the model's failure: the note is printed."""
    from bench.harness.runner import bench_task
    from lsp_server.config import Settings
    from lsp_server.engine.engine import Engine
    from tests.scripted import ScriptedModel

    toml = ('file = "a.py"\nkind = "fix"\ncategory = "lint"\ninstruction = "fix"\n'
            'diagnostic = "a.py:1:8: F401 `os` imported but unused"\nlinter = ["no-such-linter-x", "{file}"]\n'
            'expect_source = true\n[[bug]]\nline = 1\nold = "import sys"\nnew = "import os\\nimport sys"\n')
    bt = load_task(make_task(tmp_path, "nolinter", toml, source="import sys\n\nprint(sys.argv)\n"))
    said: list[str] = []
    record, _ = bench_task(bt, Engine(Settings(), model=ScriptedModel({})), None, said.append)
    assert record["linter_fix"] == "no-such-linter-x is not installed: diagnostic only"
    assert said[0] == record["linter_fix"]
