"""The KV cache: rollback forgets rejected draft tokens, and a repeated prompt is served from the cache (real model)."""

from __future__ import annotations

import numpy as np
import pytest

from lsp_server.engine.tasks import Task, build_request

pytestmark = pytest.mark.model

# Longer than gemma-3's 512-token sliding attention window, so rollback is also checked in the
# sliding-window layers (the context keeps every position of them: swa_full).
PROMPT_TOKENS = 600
KEEP = 3  # draft tokens accepted before the rejected tail


def long_prompt(model, source) -> list[int]:
    text = "".join(source(name) for name in ("shapes.py", "cart.js", "stack.go", "temperature.rs"))
    tokens = model.tokenize(text.encode(), add_bos=model.add_bos)
    assert len(tokens) >= PROMPT_TOKENS
    return tokens[:PROMPT_TOKENS]


def test_rollback_leaves_no_trace_of_rejected_draft_tokens(engine, source):
    model = engine.model
    prompt = long_prompt(model, source)
    first = model.tokenize(b"\n")[0]
    draft = model.tokenize(b" a rejected tail the model must forget entirely")
    token = model.tokenize(b" accepted")[0]
    assert token != draft[KEEP]

    # Prefill, verify [first] + draft with logits at every position, keep KEEP draft tokens, decode on.
    model.reset()
    model.prefill(prompt)
    assert model.kv_tokens == prompt
    logits = model.decode([first, *draft], logits_at=range(len(draft) + 1))
    assert logits.shape == (len(draft) + 1, model.n_vocab)
    assert model.kv_tokens == [*prompt, first, *draft]
    model.truncate(len(prompt) + 1 + KEEP)
    assert model.kv_tokens == [*prompt, first, *draft[:KEEP]]
    after_rollback = model.decode([token], logits_at=[0])[0].copy()
    assert model.kv_tokens == [*prompt, first, *draft[:KEEP], token]

    # The same token from a cache that never held the rejected tail.
    model.reset()
    assert model.kv_tokens == []
    model.prefill(prompt)
    model.decode([first, *draft[:KEEP]], logits_at=[])
    fresh = model.decode([token], logits_at=[0])[0].copy()

    # Control: with the rejected tail still in the cache the logits are far off, so the
    # comparison above would catch a rollback that left it there.
    model.reset()
    model.prefill(prompt)
    model.decode([first, *draft], logits_at=[])
    stale = model.decode([token], logits_at=[0])[0].copy()

    diff = float(np.abs(after_rollback - fresh).max())
    print(f"max |logit difference| after rollback vs fresh: {diff:.2e}; "
          f"with the tail left in: {float(np.abs(stale - fresh).max()):.2f}")
    assert int(after_rollback.argmax()) == int(fresh.argmax())
    assert np.allclose(after_rollback, fresh, atol=1e-3), diff
    assert not np.allclose(stale, fresh, atol=0.5)


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

    # Another edit of the same file shares the file block at the start of the prompt.
    other = engine.edit(build_request(text, Task("edit", "shorten the docstring", (37, 41)), path="shapes.py"))
    print(f"prefill tokens: first {first.stats.prefill_tokens}, repeated {second.stats.prefill_tokens}, "
          f"other region {other.stats.prefill_tokens} of {other.stats.prompt_tokens}")
    assert other.stats.prefill_tokens < other.stats.prompt_tokens // 2


@pytest.mark.parametrize(
    "name, task",
    [
        pytest.param("basket.py", Task("rename", "", None, "total", "subtotal"), id="whole-file"),
        pytest.param(
            "shapes.py",
            Task("edit", "shorten the docstring", (37, 41)),
            id="region",
        ),
    ],
)
def test_an_edit_after_warm_up_prefills_only_what_follows_the_file(engine, source, name, task):
    text = source(name)
    engine.model.reset()
    warmed = engine.warm(text, path=name)
    assert warmed > 0
    result = engine.edit(build_request(text, task, path=name))
    stats = result.stats
    print(f"warmed {warmed} tokens; the edit then prefilled {stats.prefill_tokens} of {stats.prompt_tokens}")
    assert stats.prefill_tokens <= stats.prompt_tokens - warmed + 1


def test_a_rename_prompt_carries_only_the_lines_it_changes(engine, source):
    """Draft-led edits (rename, fix, sketch) show the model each cluster of changes with its margin, not the file."""
    text = source("shapes.py")
    request = build_request(text, Task("rename", "", None, "total_area", "sum_of_areas"), path="shapes.py")
    file_tokens = len(engine.model.tokenize(text.encode()))
    prepared = [engine.prepare(request, region) for region in request.regions]
    assert sum(len(p.prompt_tokens) for p in prepared) < file_tokens
    result = engine.edit(request)
    assert result.text == request.drafted_text
