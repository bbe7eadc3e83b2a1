"""Going back to a file: an agent's edits of three files in turn, each written back, with prompt states kept
(engine/states.py) and without, in one process, one arm after the other.

The model holds one prompt at a time; without kept states every edit of a file the model went away from
prefills its prompt again. With them, a prompt the next one leaves is kept and taken back, and an edit
prefills only its prompt past the first line the earlier edit changed.

    .venv/bin/python bench/prompt_states.py --n-threads 2 [--model qwen2.5-coder-1.5b]

One line an edit per arm (seconds for the whole edit, seconds and tokens of prefill), the totals, and
whether the files came out the same in both arms (they should: a restored prompt's logits are a
prefill's within the rollback bound, tests/model/test_model_kv_cache.py).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lsp_server import Engine, Settings, build_request
from lsp_server.engine.tasks import task_from

SOURCES = ROOT / "bench" / "sources"
# (file, instruction): three files in turn, as an agent working through a change goes back and forth.
EDITS = [
    ("leaderboard.py", "Add a docstring to spread."),
    ("ringbuf.c", "Add a comment above ring_peek saying what offset counts from."),
    ("cart.js", "Make shipping return 0 when subtotalAfterDiscount is 0."),
    ("leaderboard.py", "Add type hints to describe."),
    ("ringbuf.c", "In ring_write, return 0 at once when len is 0."),
    ("cart.js", "Add a JSDoc comment to roundCents."),
    ("leaderboard.py", "Make promote return an empty list when seats is 0."),
]


def run_arm(settings: Settings, states_mb: int) -> tuple[dict[str, str], list[tuple[str, float, float, int, int]]]:
    settings.model.prompt_states_mb = states_mb
    engine = Engine(settings)
    engine.load()
    texts = {name: (SOURCES / name).read_text(encoding="utf-8") for name, _ in EDITS}
    rows = []
    try:
        for name, instruction in EDITS:
            began = time.perf_counter()
            result = engine.edit(build_request(texts[name], task_from(instruction=instruction), path=name))
            texts[name] = result.text
            s = result.stats
            rows.append((name, time.perf_counter() - began, s.prefill_s, s.prefill_tokens, s.prompt_tokens))
    finally:
        engine.close()
    return texts, rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", help="a GGUF or a model name (default: the default pair)")
    ap.add_argument("--n-threads", type=int)
    ap.add_argument("--states-mb", type=int, default=256, help="memory for kept prompts in the arm that keeps them")
    args = ap.parse_args()
    arms = {}
    for label, mb in (("off", 0), ("on", args.states_mb)):
        settings = Settings()
        if args.model:
            settings.model.path, settings.freeform_model = args.model, None
        settings.model.n_threads = args.n_threads
        arms[label] = run_arm(settings, mb)
    print(f"{'file':16s} {'off: s':>8s} {'prefill':>8s} {'tokens':>11s}   {'on: s':>8s} {'prefill':>8s} {'tokens':>11s}")
    for (name, *off), (_, *on) in zip(arms["off"][1], arms["on"][1]):
        print(f"{name:16s} {off[0]:8.2f} {off[1]:8.2f} {off[2]:5d}/{off[3]:<5d}   {on[0]:8.2f} {on[1]:8.2f} {on[2]:5d}/{on[3]:<5d}")
    for label in ("off", "on"):
        rows = arms[label][1]
        print(f"{label}: {sum(r[1] for r in rows):.2f} s in all, {sum(r[2] for r in rows):.2f} s of prefill, "
              f"{sum(r[3] for r in rows)} of {sum(r[4] for r in rows)} prompt tokens prefilled")
    same = arms["off"][0] == arms["on"][0]
    print("the files came out the same in both arms" if same else
          "the files differ: " + ", ".join(n for n in arms["off"][0] if arms["off"][0][n] != arms["on"][0][n]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
