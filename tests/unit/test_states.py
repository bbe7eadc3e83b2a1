"""Kept prompt states: which one a prompt takes back, what goes when, what is not worth keeping."""

import os

from lsp_server.engine.states import MIN_TOKENS, PromptStates, common_prefix

A = list(range(1000))
B = [7] * 600


def test_common_prefix_counts_the_shared_start():
    assert common_prefix(A, A[:10] + [-1]) == 10
    assert common_prefix(A, A[:300]) == 300
    assert common_prefix([], A) == 0


def test_the_kept_prompt_sharing_most_is_taken_back_where_it_saves_enough():
    states = PromptStates(1 << 20)
    states.put(A[:800], b"a" * 100)
    states.put(B, b"b" * 100)
    assert states.best(A[:700] + [-5] * 50, have=0) == (tuple(A[:800]), 700)
    # the cache holds nearly as much already: not worth a restore
    assert states.best(A[:700] + [-5], have=700 - MIN_TOKENS + 1) is None
    assert states.best([1, 2, 3] * 200, have=0) is None  # nothing shared
    assert states.take(tuple(A[:800])) == b"a" * 100


def test_a_longer_prompt_replaces_the_kept_prompts_it_begins_with_and_the_oldest_goes_first():
    states = PromptStates(250)
    states.put(A[:300], b"x" * 100)
    states.put(A[:500], b"y" * 100)  # serves wherever A[:300] did
    assert list(states.entries) == [tuple(A[:500])]
    states.put(B, b"b" * 100)
    states.take(tuple(A[:500]))  # used: B is now the oldest
    states.put([9] * 400, b"z" * 100)
    assert list(states.entries) == [tuple(A[:500]), tuple([9] * 400)]
    states.put([8] * 300, b"w" * 300)  # larger than all the room there is: not kept
    assert tuple([8] * 300) not in states.entries


def test_short_prompts_and_prompts_the_next_one_keeps_are_not_worth_keeping():
    states = PromptStates(1 << 20)
    assert states.worth_keeping(A[:600], kept_after=100)
    assert not states.worth_keeping(A[:MIN_TOKENS - 1], kept_after=0)
    assert not states.worth_keeping(A[:600], kept_after=600 - MIN_TOKENS + 1)
    assert not PromptStates(0).worth_keeping(A[:600], kept_after=0)


def test_a_kept_state_on_disk_serves_a_later_process_and_a_changed_file_is_dropped(tmp_path):
    first = PromptStates(1 << 20, tmp_path)
    first.keep(A[:600], b"state of A" * 10)
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".kv", ".tokens"]
    later = PromptStates(1 << 20, tmp_path)  # another process
    assert later.best(A[:700], have=0) == (tuple(A[:600]), 600)
    assert later.take(tuple(A[:600])) == b"state of A" * 10
    later.keep(A[:800], b"state of more of A" * 10)  # goes on from A[:600]: that one's files go
    assert len(list(tmp_path.glob("*.kv"))) == 1
    (kv,) = tmp_path.glob("*.kv")
    kv.write_bytes(b"changed")
    third = PromptStates(1 << 20, tmp_path)
    assert third.best(A[:800], have=0) is not None and third.take(tuple(A[:800])) is None
    assert not list(tmp_path.iterdir()) and third.best(A[:800], have=0) is None


def test_the_oldest_states_leave_the_disk_past_its_room(tmp_path):
    states = PromptStates(1 << 20, tmp_path, disk_bytes=250)
    for age, (n, fill) in enumerate(((300, b"a"), (400, b"b"), (500, b"c"))):
        for f in tmp_path.iterdir():  # what is there is older (file times can tie within a clock tick)
            os.utime(f, (f.stat().st_mtime - 10, f.stat().st_mtime - 10))
        states.keep([n] * n, fill * 100)
    assert sorted(len(p.read_bytes()) for p in tmp_path.glob("*.kv")) == [100, 100]
    assert PromptStates(1 << 20, tmp_path).best([300] * 300, have=0) is None


def test_a_write_cut_short_keeps_nothing_on_disk_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    def full_disk(*_):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    states = PromptStates(1 << 20, tmp_path)
    states.keep(A[:600], b"state" * 20)
    assert list(tmp_path.iterdir()) == [] and tuple(A[:600]) in states.entries  # still kept in memory
