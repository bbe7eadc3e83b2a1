"""The KV cache: rollback forgets rejected draft tokens, and a repeated prompt is served from the cache (real model)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest

from lsp_server.config import DraftSettings
from lsp_server.engine import prompts
from lsp_server.engine.engine import WARM_CHUNK_TOKENS
from lsp_server.engine.tasks import Task, build_request
from lsp_server.errors import Cancelled

pytestmark = pytest.mark.model

# Longer than gemma-3's 512-token sliding attention window, so rollback is also checked in the
# sliding-window layers (the context keeps every position of them: swa_full).
PROMPT_TOKENS = 600
# Logits from caches filled in batches of different sizes differ by at most this much (max abs):
# 1.4 times the largest difference measured (1.76, docs/measurements.md 2).
ROLLBACK_BOUND = 2.5


def long_prompt(model, source) -> list[int]:
    text = "".join(source(name) for name in ("shapes.py", "cart.js", "stack.go", "temperature.rs"))
    tokens = model.tokenize(text.encode(), add_bos=model.add_bos)
    assert len(tokens) >= PROMPT_TOKENS
    return tokens[:PROMPT_TOKENS]


def decode_after(model, prompt: list[int], batch: list[int], keep: int, token: int) -> np.ndarray:
    """Logits for `token` after prefilling prompt, decoding `batch` in one pass and keeping its first `keep` tokens."""
    model.reset()
    model.prefill(prompt)
    model.decode(batch, logits_at=range(len(batch)))  # as verification does: logits at every position
    model.truncate(len(prompt) + keep)
    assert model.kv_tokens == [*prompt, *batch[:keep]]
    logits = model.decode([token], logits_at=[0])[0].copy()
    assert model.kv_tokens == [*prompt, *batch[:keep], token]
    return logits


def test_rollback_leaves_no_trace_of_rejected_draft_tokens(engine, source):
    """What holds on every CPU, and why.

    Exact: llama.cpp's CPU kernels are deterministic for a given build, thread count and batch
    shape, and causal attention makes a kept position's keys and values independent of the tokens
    after it in its batch. So a rollback that forgets the rejected tail entirely gives the very same
    logits, bit for bit, as a run whose tail held other tokens in a batch of the same size.

    Bounded: against a cache filled in a batch of another size the logits are not bit-identical:
    llama.cpp picks its matrix kernels by batch size and by the instruction sets of its build
    (here batches of 32 tokens and more take another path than smaller ones), so the kept
    positions' keys and values differ in their last bits, and the logits by up to 1.76
    (docs/measurements.md 2). Only ROLLBACK_BOUND is claimed there, and the same argmax where the
    top-2 margin exceeds twice the bound (no logit moves further than the bound): the next token
    here is "height" in `self.width * self.height`, a margin of about 6.
    """
    model = engine.model
    prompt = long_prompt(model, source)
    kept = model.tokenize(b"\n    return self.width * self")  # the accepted part of a verified chunk
    # A verification batch of DraftSettings.start tokens (the first chunk's size): what the engine decodes.
    size = DraftSettings.start - len(kept)
    rejected = model.tokenize(b" ** 2  # a rejected tail the model must forget entirely" * 8)[:size]
    other = model.tokenize(b" + 1  # quite another tail of the very same length, and more" * 8)[:size]
    assert len(rejected) == len(other) == size and other != rejected
    token = model.tokenize(b".")[0]  # the model's own token after the accepted part
    assert token != rejected[0]

    after_rollback = decode_after(model, prompt, [*kept, *rejected], len(kept), token)
    other_tail = decode_after(model, prompt, [*kept, *other], len(kept), token)
    assert np.array_equal(after_rollback, other_tail)

    # Control: with the rejected tail still in the cache the logits are far off, so the
    # comparisons here would catch a rollback that left it there.
    stale = decode_after(model, prompt, [*kept, *rejected], len(kept) + len(rejected), token)
    assert float(np.abs(stale - other_tail).max()) > 2 * ROLLBACK_BOUND

    # A cache that never held a tail: the kept tokens decoded in a batch of their own size.
    fresh = decode_after(model, prompt, kept, len(kept), token)
    diff = float(np.abs(after_rollback - fresh).max())
    top2 = np.sort(fresh)[-2:]
    margin = float(top2[1] - top2[0])
    print(f"max |logit difference| after rollback vs a fresh batch of another size: {diff:.3f} "
          f"(bound {ROLLBACK_BOUND}); with the tail left in: {float(np.abs(stale - fresh).max()):.2f}; "
          f"top-2 margin {margin:.2f}")
    assert diff <= ROLLBACK_BOUND
    assert margin > 2 * ROLLBACK_BOUND and model.piece(int(fresh.argmax())) == b"height"
    assert int(after_rollback.argmax()) == int(fresh.argmax())


def test_truncate_keeps_the_prefix_and_prefill_reuses_it(engine):
    model = engine.model
    model.reset()
    tokens = model.tokenize(b"def area(self):\n    return self.width * self.height\n", add_bos=model.add_bos)
    model.prefill(tokens)
    model.truncate(len(tokens) + 5)  # past the end: nothing to roll back
    assert model.kv_tokens == tokens
    model.truncate(4)
    assert model.kv_tokens == tokens[:4]
    assert model.common_prefix(tokens) == 4
    calls = model.decode_calls
    model.prefill(tokens)  # evaluates only the tail past the cached prefix, in one decode
    assert model.decode_calls == calls + 1
    assert model.kv_tokens == tokens


def test_repeating_an_edit_prefills_at_most_one_token(engine, source):
    text = source("shapes.py")
    request = build_request(text, Task("edit", "add a docstring to each method", (17, 26)), path="shapes.py")
    engine.model.reset()
    first = engine.edit(request)
    second = engine.edit(request)
    assert first.stats.prefill_tokens == first.stats.prompt_tokens
    assert second.stats.prompt_tokens == first.stats.prompt_tokens
    assert second.stats.prefill_tokens <= 1
    assert second.new_region == first.new_region

    # Another edit of the same file shares the file block at the start of the prompt: the cache already
    # holds more than half of its prompt. (What the base model answers there is not this test's: it
    # begins with the file's first line, and the engine stops and refuses it.)
    other = engine.prepare(build_request(text, Task("edit", "shorten the docstring", (37, 41)), path="shapes.py"))
    shared = engine.model.common_prefix(other.prompt_tokens)
    print(f"prefill tokens: first {first.stats.prefill_tokens}, repeated {second.stats.prefill_tokens}, "
          f"other region shares {shared} of {len(other.prompt_tokens)}")
    assert shared > len(other.prompt_tokens) // 2


@pytest.mark.parametrize(
    "name, task",
    [
        pytest.param("basket.py", Task("rename", "", None, "total", "subtotal"), id="whole-file"),
        pytest.param("shapes.py", Task("edit", "shorten the docstring", (37, 41)), id="region"),
    ],
)
def test_an_edit_after_warm_up_prefills_only_what_follows_the_file(engine, source, name, task):
    text = source(name)
    engine.model.reset()
    warmed = engine.warm(text, path=name)
    assert warmed > 0
    request = build_request(text, task, path=name)
    # What the edit will prefill: its prompt past what the cache holds (checked on the prompt, not by
    # running the edit: the base model cannot follow the free-form instruction, and where a near-tie
    # of its numerics turns, it may run on to the token budget).
    cached = engine.model.common_prefix(engine.prepare(request).prompt_tokens)
    assert cached >= warmed - 1
    if task.kind == "rename":  # and a draft-led edit, which the base model finishes, prefills just that
        stats = engine.edit(request).stats
        print(f"warmed {warmed} tokens; the edit then prefilled {stats.prefill_tokens} of {stats.prompt_tokens}")
        assert stats.prefill_tokens <= stats.prompt_tokens - warmed + 1


def test_a_small_files_prompt_warmed_at_a_region_leaves_an_edit_there_only_its_instruction(engine, source):
    """At a code action the server knows the region: its lines are warmed after the file, so the edit
    that follows prefills only its change request; an edit elsewhere still reuses the file."""
    text = source("shapes.py")
    assert prompts.context_window(text, 0, 0) == (0, len(text))  # shown whole
    request = build_request(text, Task("edit", "shorten the docstring", (37, 41)), path="shapes.py")
    region = request.regions[0]
    engine.model.reset()
    file_only = engine.warm(text, "shapes.py")
    engine.model.reset()
    warmed = engine.warm(text, "shapes.py", region=(region.start, region.end))
    assert warmed > file_only  # the file, then the region's lines
    assert engine.warm(text, "shapes.py", region=(region.start, region.end)) == 0

    elsewhere = build_request(text, Task("edit", "shorten the docstring", (17, 20)), path="shapes.py")
    assert engine.model.common_prefix(engine.prepare(elsewhere).prompt_tokens) >= file_only - 1

    result = engine.edit(request)
    stats = result.stats
    instruction = len(engine.model.tokenize(b"Change request: shorten the docstring\n"))
    print(f"warmed {warmed} tokens (the file alone: {file_only}); the edit then prefilled "
          f"{stats.prefill_tokens} of {stats.prompt_tokens}")
    assert stats.prefill_tokens <= stats.prompt_tokens - warmed + 1
    assert stats.prefill_tokens < 3 * instruction  # the change request and the answer's opening


def test_a_rename_prompt_carries_only_the_lines_it_changes(engine, source):
    """Draft-led edits (rename, fix, sketch) show the model each cluster of changes with its margin, not the file."""
    text = source("shapes.py")
    request = build_request(text, Task("rename", "", None, "total_area", "sum_of_areas"), path="shapes.py")
    file_tokens = len(engine.model.tokenize(text.encode()))
    prepared = [engine.prepare(request, region) for region in request.regions]
    assert sum(len(p.prompt_tokens) for p in prepared) < file_tokens
    result = engine.edit(request)
    assert result.text == request.drafted_text


def large_file() -> tuple[str, Task]:
    """The standard library's textwrap.py (about 20 KB: shown through a window) and an edit of one method."""
    text = Path(textwrap.__file__).read_text(encoding="utf-8")
    assert prompts.context_window(text, 0, 0) != (0, len(text))
    first = text[:text.index("    def _munge_whitespace")].count("\n") + 1
    return text, Task("edit", "add a comment saying what the method returns", (first, first + 14))


def test_a_large_files_prompt_is_warmed_at_a_region_and_an_edit_there_or_nearby_reuses_it(engine):
    text, task = large_file()
    request = build_request(text, task, path="textwrap.py")
    region = request.regions[0]
    engine.model.reset()
    warmed = engine.warm(text, "textwrap.py", region=(region.start, region.end))
    assert warmed > 0 and engine.warm(text, "textwrap.py", region=(region.start, region.end)) == 0
    assert engine.warm(text, "textwrap.py") == 0  # no region: a large file has no one prefix to warm

    # An edit of the first lines of that region: the same window, another 'code to change'.
    nearby = build_request(text, Task("edit", "rename text", (task.lines[0], task.lines[0] + 3)), path="textwrap.py")
    prompt = engine.prepare(nearby).prompt_tokens
    reused = engine.model.common_prefix(prompt)
    print(f"warmed {warmed} tokens; an edit of 4 of the lines would reuse {reused} of its {len(prompt)}")
    assert reused > len(prompt) // 2

    result = engine.edit(request)
    stats = result.stats
    print(f"the edit of the region then prefilled {stats.prefill_tokens} of {stats.prompt_tokens}")
    assert stats.prefill_tokens <= stats.prompt_tokens - warmed + 1


def test_a_warm_up_stops_between_chunks_and_what_it_prefilled_stays(engine):
    text, task = large_file()
    region = build_request(text, task, path="textwrap.py").regions[0]
    span = (region.start, region.end)
    engine.model.reset()
    whole = engine.warm(text, "textwrap.py", region=span)
    assert whole > 2 * WARM_CHUNK_TOKENS
    engine.model.reset()
    asked = []

    def cancelled() -> bool:  # a job comes in after two chunks
        asked.append(True)
        return len(asked) > 2

    with pytest.raises(Cancelled):
        engine.warm(text, "textwrap.py", region=span, cancelled=cancelled)
    assert len(engine.model.kv_tokens) == 2 * WARM_CHUNK_TOKENS
    assert engine.warm(text, "textwrap.py", region=span) == whole - 2 * WARM_CHUNK_TOKENS


def test_prefill_then_evaluates_the_next_tokens_in_the_prompts_pass(engine):
    model = engine.model
    prompt = model.tokenize(b"def area(self):\n    return self.width", add_bos=model.add_bos)
    then = model.tokenize(b" * self.height\n")
    model.reset()
    model.prefill(prompt)
    apart = np.array(model.decode(then, logits_at=[0, len(then) - 1]))
    model.reset()
    calls = model.decode_calls
    joined = np.array(model.prefill(prompt, then=then, then_logits=[0, len(then) - 1]))
    assert model.decode_calls == calls + 1  # one pass for the prompt and the tokens after it
    assert model.kv_tokens == [*prompt, *then]
    assert float(np.abs(joined - apart).max()) <= ROLLBACK_BOUND  # the same rows, up to batch-size rounding
    assert (joined.argmax(axis=1) == apart.argmax(axis=1)).all()


@pytest.mark.parametrize("prompt_batches", [1, 2])
def test_prefill_then_can_return_the_prompts_own_last_row_first(engine, prompt_batches):
    """then_logits -1 is the row that predicts then[0] (the speculative loop's opening pass checks a chunk's
    first token with it), whether `then` fits the prompt's last batch or goes in a pass of its own."""
    model = engine.model
    code = b"def area(self):\n    return self.width"
    prompt = model.tokenize(code, add_bos=model.add_bos)
    if prompt_batches == 2:  # a prompt whose last batch leaves no room for `then`
        filler = model.tokenize(b"# x\n" * 400)
        prompt = [*prompt[:1], *filler[: model.n_batch - len(prompt) - 2], *prompt[1:]]
        assert model.n_batch - 8 < len(prompt) <= model.n_batch
    then = model.tokenize(b" * self.height\n")
    model.reset()
    alone = np.array(model.prefill(prompt))
    apart = np.array(model.decode(then, logits_at=[0, len(then) - 1]))
    model.reset()
    calls = model.decode_calls
    joined = np.array(model.prefill(prompt, then=then, then_logits=[-1, 0, len(then) - 1]))
    assert model.decode_calls == calls + prompt_batches
    assert model.kv_tokens == [*prompt, *then] and joined.shape == (3, model.n_vocab)
    expected = np.concatenate([alone[None, :], apart])
    assert float(np.abs(joined - expected).max()) <= ROLLBACK_BOUND
    assert (joined.argmax(axis=1) == expected.argmax(axis=1)).all()


def test_a_prompt_left_for_another_is_taken_back_not_prefilled_again(engine, source):
    """An edit of another file in between (engine/states.py): the first prompt's state is kept and
    restored, one token evaluated, and its logits are those of a prefill within ROLLBACK_BOUND."""
    model = engine.model
    model.reset()
    first = long_prompt(model, source)
    other = model.tokenize(source("cart.js").encode() * 3, add_bos=model.add_bos)[:400]
    cold = model.prefill(first).copy()
    model.prefill(other)
    assert tuple(first) in model.states.entries and model.common_prefix(first) == len(first)
    calls = model.decode_calls
    back = model.prefill(first).copy()
    assert model.decode_calls == calls + 1 and model.kv_tokens == first
    assert tuple(other) in model.states.entries  # the prompt it left in turn
    assert float(np.abs(back - cold).max()) <= ROLLBACK_BOUND and int(back.argmax()) == int(cold.argmax())
    # Going on from it decodes as from a cache that was never away.
    model.decode(model.tokenize(b"\n"), logits_at=[0])
    assert model.kv_tokens[:len(first)] == first
    model.reset()
    assert not model.states.entries and model.common_prefix(first) == 0
