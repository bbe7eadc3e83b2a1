"""`make run`: one real edit of the bundled sample with the default model, next to plain and guided decoding."""

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
    runs = {}
    # Plain decoding is the model alone (no draft, one token a pass); guided decoding follows the
    # tool's draft one token a pass; the speculative edit follows it many tokens a pass.
    for name, speculate, guided in (("plain decoding", False, False), ("guided decoding", False, True),
                                    ("speculative edit", True, True)):
        request = build_request(text, task, path=str(SAMPLE))
        request.speculate, request.guided = speculate, guided
        engine.model.reset()  # each starts from a cold cache
        runs[name] = engine.edit(request)
    drafted = build_request(text, task, path=str(SAMPLE)).drafted_text
    ours = runs["speculative edit"]
    print(unified_diff(SAMPLE.name, text, ours.text), file=out)
    for name, r in runs.items():
        s = r.stats
        print(f"{name:17s} {s.prefill_s + s.generate_s:6.2f} s  {s.output_tokens:5d} tokens  {s.passes:4d} forward passes  "
              f"{'the rename' if r.text == drafted else 'not the rename'}", file=out)
    plain_s = sum((runs["plain decoding"].stats.prefill_s, runs["plain decoding"].stats.generate_s))
    ours_s = ours.stats.prefill_s + ours.stats.generate_s
    print(f"speedup over plain decoding {plain_s / ours_s if ours_s else 0.0:.1f}x; "
          f"same output as guided decoding: {ours.text == runs['guided decoding'].text}", file=out)
    print(f"model: {engine.model.info.description} ({engine.model.info.path})", file=out)
    return 0
