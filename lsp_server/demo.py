"""`make run`: one real edit of the bundled sample with the embedded model, next to plain decoding."""

from __future__ import annotations

import sys
from pathlib import Path

from .config import Settings
from .engine.engine import Engine
from .engine.tasks import Task, build_request
from .fileio import unified_diff

SAMPLE = Path(__file__).resolve().parent / "samples" / "inventory.py"
INSTRUCTION = "rename total to subtotal"


def demo_task(text: str) -> Task:
    """The rename as "Rename with AI" makes it with the cursor on the method's name: the method and its
    calls are renamed, the method's local variable `total` stays."""
    return Task("rename", INSTRUCTION, symbol="total", new_name="subtotal", position=text.index("def total(") + len("def "))


def run_demo(settings: Settings, out=sys.stdout) -> int:
    text = SAMPLE.read_text(encoding="utf-8")
    engine = Engine(settings)
    print(f"specedit demo: {INSTRUCTION!r} (the method) on {SAMPLE.name} ({text.count(chr(10))} lines)", file=out)
    print("loading the model...", file=out, flush=True)
    engine.model  # load before timing
    task = demo_task(text)
    request = build_request(text, task, path=str(SAMPLE))
    plain_request = build_request(text, task, path=str(SAMPLE))
    plain_request.speculate = False
    results = {}
    for name, req in (("plain", plain_request), ("speculative", request)):
        engine.model.reset()  # both start from a cold cache
        results[name] = engine.edit(req)
    ours, plain = results["speculative"], results["plain"]
    print(unified_diff(SAMPLE.name, text, ours.text), file=out)
    for name, r in (("plain decoding", plain), ("speculative edit", ours)):
        s = r.stats
        print(f"{name:17s} {s.output_tokens:5d} tokens  {s.generate_s:6.2f} s  {s.tokens_per_s:7.1f} tok/s  "
              f"{s.passes:4d} forward passes", file=out)
    speedup = ours.stats.tokens_per_s / plain.stats.tokens_per_s if plain.stats.tokens_per_s else 0.0
    print(f"speedup {speedup:.1f}x; same output as plain decoding: {ours.text == plain.text}", file=out)
    print(f"model: {engine.model.info.description} ({'embedded default' if engine.model.info.embedded else engine.model.info.path})", file=out)
    return 0
