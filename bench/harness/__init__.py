"""The benchmark harness behind `specedit bench` (a checkout's bench/ folder, not part of the installed library).

tasks    task.toml folders, sources stored once in bench/sources, injected bugs
checks   is a result right: expected text or [check] rules
lintfix  a lint task's draft: the fix its linter offers
baselines unguided plain and guided requests, the tool's draft judged alone
timing   timed edits (latency, first streamed hunk) and the decode-cost calibration
peer     llama-cpp-python's LlamaPromptLookupDecoding, the speed reference
measures pure arithmetic: divergence, ceiling, summary
report   the table, the summary text, the JSON document
runner   one task, the whole run
"""

from .runner import run_benchmark

__all__ = ["run_benchmark"]
