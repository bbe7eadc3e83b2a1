"""The benchmark runner's pure parts: task folders, divergence and summary math, the table."""

from __future__ import annotations

from pathlib import Path

import pytest

from lsp_server.benchmark import (
    COLUMNS,
    TaskFileError,
    ceiling_from_calibration,
    default_tasks_dir,
    first_divergence,
    format_errors,
    format_summary,
    format_table,
    load_task,
    load_tasks,
    median,
    ratio,
    summarize,
)
from lsp_server.engine.tasks import build_request


def make_task(root: Path, name: str, toml: str, source: str = "x = 1\n", file: str = "a.py") -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / file).write_text(source)
    (folder / "task.toml").write_text(toml)
    return folder


GOOD = 'file = "a.py"\nkind = "edit"\ninstruction = "make x 2"\n'


def test_load_task_reads_every_key(tmp_path):
    folder = make_task(
        tmp_path, "r", 'file = "a.py"\nkind = "rename"\ninstruction = "rename x to y"\nlines = "1:1"\nsymbol = "x"\nnew_name = "y"\n'
    )
    bt = load_task(folder)
    assert bt.name == "r" and bt.path == folder / "a.py"
    assert (bt.task.kind, bt.task.lines, bt.task.symbol, bt.task.new_name) == ("rename", (1, 1), "x", "y")


@pytest.mark.parametrize(
    "toml, message",
    [
        ('kind = "edit"\ninstruction = "i"\n', "'file' is missing"),
        ('file = "a.py"\nkind = "edit"\n', "'instruction' is missing"),
        ('file = "a.py"\nkind = "refactor"\ninstruction = "i"\n', "kind 'refactor'"),
        (GOOD + 'colour = "red"\n', "unknown keys colour"),
        (GOOD + 'lines = "3-"\n', "bad line range"),
        (GOOD + "lines = 3\n", "'lines' must be a string"),
        ('file = "a.py"\nkind = "rename"\ninstruction = "i"\nsymbol = "x"\n', "needs 'symbol' and 'new_name'"),
        ('file = "a.py"\nkind = "fix"\ninstruction = "i"\n', "needs 'diagnostic'"),
        ('file = "b.py"\nkind = "edit"\ninstruction = "i"\n', "not in the task folder"),
        ("file = \n", "not valid TOML"),
    ],
)
def test_load_task_rejects_bad_task_files(tmp_path, toml, message):
    folder = make_task(tmp_path, "t", toml)
    with pytest.raises(TaskFileError, match=message):
        load_task(folder)


def test_load_tasks_sorts_filters_and_reports_problems(tmp_path):
    make_task(tmp_path, "b_good", GOOD)
    make_task(tmp_path, "a_good", GOOD)
    make_task(tmp_path, "c_bad", 'kind = "edit"\n')
    (tmp_path / "notes").mkdir()  # a folder without task.toml is not a task
    tasks, problems = load_tasks(tmp_path)
    assert [t.name for t in tasks] == ["a_good", "b_good"]
    assert [name for name, _ in problems] == ["c_bad"]

    tasks, problems = load_tasks(tmp_path, ["b_good", "nope"])
    assert [t.name for t in tasks] == ["b_good"]
    assert problems == [("nope", f"no task folder nope under {tmp_path}")]


def test_bundled_tasks_all_load_and_build_requests():
    tasks, problems = load_tasks(default_tasks_dir())
    assert problems == []
    assert len(tasks) >= 10
    for bt in tasks:
        text = bt.path.read_text(encoding="utf-8")
        request = build_request(text, bt.task, path=str(bt.path))
        assert request.instruction
        if bt.task.kind == "rename":
            assert request.draft is not None, f"{bt.name}: the rename draft changes nothing"


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
    {"batch": 1, "ms_per_token": 24.0},
    {"batch": 8, "ms_per_token": 6.0},
    {"batch": 64, "ms_per_token": 4.0},
    {"batch": 256, "ms_per_token": 4.8},
]


def test_ceiling_is_one_token_cost_over_best_batched_cost():
    assert ceiling_from_calibration(CALIBRATION) == 6.0
    assert ceiling_from_calibration(CALIBRATION[:1]) is None


def record(name, x_plain, identical=True, margin=None, warm=0.01, peer=None, errors=None, fixed=None):
    r = {
        "name": name, "language": "python", "kind": "edit", "file_lines": 40, "output_tokens": 300,
        "plain": {"tokens_per_s": 30.0}, "ours": {"tokens_per_s": 30.0 * x_plain, "passes": 20,
                                                  "accepted_tokens": 270, "drafted_tokens": 300},
        "speedup_vs_plain": x_plain, "identical_to_plain": identical,
        "first_divergence": None if identical else 44, "divergence_margin": margin, "warm_prefill_ratio": warm,
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
        record("a", 2.0, peer=40.0),
        record("b", 3.0, identical=False, margin=0.07, peer=45.0, warm=0.03),
        record("c", 4.0, identical=False, margin=0.2, warm=0.02),
        {"name": "d", "errors": {"request": "bad line range"}},
    ]
    s = summarize(records, CALIBRATION, peak_rss_ours_mb=700.0, peak_rss_mb=3500.0)
    assert s["tasks"] == 4 and s["tasks_failed"] == 1
    assert s["median_speedup_vs_plain"] == 3.0
    assert s["median_speedup_vs_peer"] == pytest.approx((60 / 40 + 90 / 45) / 2, abs=1e-3)
    assert s["ceiling_speedup"] == 6.0
    assert s["fraction_of_ceiling"] == 0.5
    assert s["identical_fraction"] == pytest.approx(1 / 3, abs=1e-3)
    assert s["max_divergence_margin"] == 0.2
    assert s["warm_prefill_ratio"] == 0.02
    assert (s["peak_rss_ours_mb"], s["peak_rss_mb"]) == (700.0, 3500.0)
    assert s["calibration"] == CALIBRATION
    assert "median_aligned_vs_fixed" not in s


def test_summary_compares_chunkings_only_when_measured():
    s = summarize([record("a", 2.0, fixed=50.0), record("b", 3.0, fixed=60.0)], CALIBRATION, 1.0, 1.0)
    assert s["median_aligned_vs_fixed"] == pytest.approx((60 / 50 + 90 / 60) / 2)


def test_summary_of_nothing_has_no_numbers():
    s = summarize([], CALIBRATION, 1.0, 1.0)
    assert s["median_speedup_vs_plain"] is None and s["fraction_of_ceiling"] is None
    assert s["identical_fraction"] is None and s["max_divergence_margin"] is None
    format_summary(s)  # renders with dashes, does not raise


def test_table_has_a_header_rule_and_one_row_per_task():
    records = [record("py_stats", 2.5, peer=40.0), record("go_router", 1.5, identical=False), {"name": "broken"}]
    lines = format_table(records).splitlines()
    assert [c.strip() for c in lines[0].strip("|").split("|")] == list(COLUMNS)
    assert set(lines[1]) <= set("|-:")
    assert len(lines) == 2 + len(records)
    assert all(len(line) == len(lines[0]) for line in lines)  # padded columns line up
    cells = [c.strip() for c in lines[2].strip("|").split("|")]
    assert cells == ["py_stats", "python", "edit", "40", "300", "30.0", "40.0", "75.0", "2.50", "1.88", "20", "90", "yes"]
    assert lines[3].rstrip(" |").endswith("no @44")
    assert [c.strip() for c in lines[4].strip("|").split("|")][1:] == ["-"] * (len(COLUMNS) - 1)


def test_errors_are_listed_under_the_table():
    text = format_errors([record("a", 2.0), record("b", 1.0, errors={"ours": "the model did not finish"})])
    assert text.strip().splitlines() == ["Errors:", "- b: ours: the model did not finish"]
    assert format_errors([record("a", 2.0)]) == ""
