"""Where a diff edit's time goes, and the agents bench's edits before and after the cuts, side by side in one run.

Every edit of bench/agents/edits.jsonl goes through `apply` (lsp_server/apply.answer_request) once
per variant, the variants taking turns edit by edit on one loaded model, so a load that comes and
goes on a shared machine falls on all of them alike. Before each run the prompt's shared start (the
chat template's system turn and the opening sentence, the same for every file) is in the cache, as
it is for an agent's second and later edits.

Variants:
- before: the way a patch was verified until the cuts: two lines of code kept around each change,
  the long patch instruction, logits read at every position of a verification pass, and the
  prompt evaluated in a pass of its own;
- after: one line of margin (lsp_server/multifile.PATCH_MARGIN_LINES), the short instruction
  (PATCH_INSTRUCTION), logits only where a token is checked, and the prompt's tail evaluated in
  the first verification's pass (engine/speculative.py: a forced token needs no logits, and a
  tool's draft starts with a forced line, so the prompt's last row is not needed).
Both have the chat template compiled once and the deletion's forced words of the same commit
series (engine/prompts.py, engine/draftdiff.py), which cannot be switched off here.

Per variant: correct (the file is the expected one), median latency per kind, and where the time
goes (median prompt tokens evaluated, output tokens, prefill seconds, verification seconds, and the
rest: locating, tree-sitter's check of the result, reading and writing the file).

Run: .venv/bin/python bench/agents_latency.py [--model NAME] [--n-threads N]
(writes bench/results/agents_latency.json; about 5 minutes on one thread)
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.agents import agent_edits, agents_repo, answer_edit  # noqa: E402
from lsp_server import Engine, Settings, multifile  # noqa: E402
from lsp_server.engine import prompts  # noqa: E402

ROOT = Path(__file__).resolve().parent
LONG_INSTRUCTION = "Apply the change: the draft already carries it; keep everything else as it is."
VARIANTS = {
    "before": {"margin": 2, "instruction": LONG_INSTRUCTION, "logits_everywhere": True},
    "after": {"margin": multifile.PATCH_MARGIN_LINES, "instruction": multifile.PATCH_INSTRUCTION,
              "logits_everywhere": False},
}
GROUPS = {"diff": ("diff", "udiff"), "replace": ("replace", "blocks"), "sketch": ("sketch",)}


class Variant:
    """Sets one variant's knobs on the modules and the model (wrappers of Model.decode and Model.prefill)."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.model = engine.model
        self.decode = self.model.decode
        self.logits_everywhere = False
        self.prefilling = False

        def decode(tokens, logits_at):
            wanted = list(logits_at)
            if not self.logits_everywhere or self.prefilling or len(wanted) in (0, len(tokens)):
                return self.decode(tokens, wanted)
            rows = self.decode(tokens, range(len(tokens)))  # every row computed, as before
            return rows[wanted]

        self.model.decode = decode
        self.prefill = self.model.prefill

        def prefill(tokens, cancelled=None, then=(), then_logits=()):
            if not self.logits_everywhere:
                return self.prefill(tokens, cancelled, then, then_logits)
            self.prefilling = True  # the prompt in a pass of its own, logits at its last position only
            try:
                row = self.prefill(tokens, cancelled)
            finally:
                self.prefilling = False
            if not then:
                return row
            if then_logits and then_logits[0] < 0:  # the first verification checks then[0] with the prompt's row
                row = np.array(row)
                return np.concatenate([row[None, :], self.model.decode(then, then_logits[1:])])
            return self.model.decode(then, then_logits)

        self.model.prefill = prefill

    def use(self, knobs: dict) -> None:
        multifile.PATCH_MARGIN_LINES = knobs["margin"]
        multifile.PATCH_INSTRUCTION = knobs["instruction"]
        self.logits_everywhere = knobs["logits_everywhere"]
        # The shared start of every edit's prompt in the cache, as an agent's earlier edits leave it.
        parts = prompts.PromptParts("x.py", "python", "x = 1\n", None, None, knobs["instruction"], "```")
        text = self.engine.backend.render(parts).text
        start = text[:text.index("Original code:\n") + len("Original code:\n")]
        self.model.prefill(self.model.tokenize(start.encode(), add_bos=self.model.add_bos, special=True))


def run(args: argparse.Namespace) -> dict:
    settings = Settings()
    settings.model.path = args.model
    settings.model.n_threads = args.n_threads or None
    engine = Engine(settings)
    engine.load()
    variant = Variant(engine)
    edits = agent_edits()
    rows: dict[str, list[dict]] = {name: [] for name in VARIANTS}
    with agents_repo() as repo:
        for edit in edits:
            path = repo / edit["file"]
            pristine = path.read_text()
            for name, knobs in VARIANTS.items():
                variant.use(knobs)
                answer, latency = answer_edit(engine, edit, repo)
                stats = [f["stats"] for f in answer.get("files") or [answer] if f.get("stats")]
                prefill_s, generate_s = sum(s["prefill_s"] for s in stats), sum(s["generate_s"] for s in stats)
                rows[name].append({"id": edit["id"], "kind": edit["kind"], "correct": path.read_text() == edit["expected"],
                                   "latency_s": round(latency, 3), "prefill_tokens": sum(s["prefill_tokens"] for s in stats),
                                   "output_tokens": sum(s["output_tokens"] for s in stats), "prefill_s": round(prefill_s, 3),
                                   "generate_s": round(generate_s, 3), "rest_s": round(latency - prefill_s - generate_s, 4)})
                path.write_text(pristine)
            print(edit["id"], "  ".join(f"{n} {rows[n][-1]['latency_s']:.2f} s{'' if rows[n][-1]['correct'] else ' WRONG'}"
                                        for n in VARIANTS), file=sys.stderr, flush=True)
    return {"model": args.model or "default", "n_threads": args.n_threads or "all",
            "summary": {name: summarize(r) for name, r in rows.items()}, "edits": rows}


def summarize(rows: list[dict]) -> dict:
    def median(key: str, selected: list[dict] = rows) -> float:
        return round(statistics.median(r[key] for r in selected), 3)

    out = {"correct": f"{sum(r['correct'] for r in rows)}/{len(rows)}", "median_latency_s": median("latency_s")}
    for group, kinds in GROUPS.items():
        selected = [r for r in rows if r["kind"] in kinds]
        out[group] = {"correct": f"{sum(r['correct'] for r in selected)}/{len(selected)}",
                      "median_latency_s": median("latency_s", selected)}
    out.update({f"median_{key}": median(key) for key in ("prefill_tokens", "output_tokens", "prefill_s", "generate_s", "rest_s")})
    out["wrong"] = [r["id"] for r in rows if not r["correct"]]
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="a GGUF file or a model name (default: the default model)")
    parser.add_argument("--n-threads", type=int, default=0, help="0: all cores")
    parser.add_argument("--out", default=str(ROOT / "results" / "agents_latency.json"))
    args = parser.parse_args(argv)
    report = run(args)
    print(json.dumps({k: v for k, v in report.items() if k != "edits"}, indent=1))
    Path(args.out).write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
