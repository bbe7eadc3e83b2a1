"""The default settings load and run the default model without the AMX crash of docs/measurements.md 1 (real model);
repacked weights (use_extra_bufts) run on the Makefile's build and are refused, clearly, on a build that would crash."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lsp_server.cpu import amx_path_built

pytestmark = pytest.mark.model

ROOT = Path(__file__).resolve().parents[2]

# In a child process, so a segfault fails this test instead of killing pytest.
BATCH_WITH_ALL_LOGITS = """
import sys
import numpy as np
from lsp_server.config import ModelSettings
from lsp_server.engine.model import Model

settings = ModelSettings()
assert settings.use_extra_bufts is False
settings.use_extra_bufts = sys.argv[1] == "repacked"
model = Model(settings)
tokens = model.tokenize(b"def area(self):\\n    return self.width * self.height\\n" * 8, add_bos=model.add_bos)[:64]
assert len(tokens) == 64, len(tokens)
logits = model.decode(tokens, logits_at=range(64))
assert logits.shape == (64, model.n_vocab), logits.shape
assert np.isfinite(logits).all()
print("decoded", len(tokens), "argmax", logits.argmax(axis=1).tolist())
"""


def decode_in_a_child(layout: str) -> list[int]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run(
        [sys.executable, "-c", BATCH_WITH_ALL_LOGITS, layout], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"exit status {done.returncode} (negative: killed by that signal)\n{done.stderr[-3000:]}"
    assert "decoded 64" in done.stdout
    return json.loads(done.stdout.partition("argmax")[2])


def test_default_settings_decode_a_64_token_batch_without_crashing():
    decode_in_a_child("flat")


def test_repacked_weights_run_on_this_build_where_it_has_no_amx_path():
    import llama_cpp

    if amx_path_built(llama_cpp.llama_print_system_info()):
        pytest.skip("this llama-cpp-python has the AMX path and the CPU has AMX: refused, as the next test shows")
    flat, repacked = decode_in_a_child("flat"), decode_in_a_child("repacked")
    # The same model in another weight layout (13 MiB of the embedded model's weights are repacked):
    # the same predictions, but for a near tie or two.
    assert sum(a == b for a, b in zip(flat, repacked)) >= 60, (flat, repacked)


def test_repacked_weights_on_a_build_that_would_crash_are_refused_with_the_fix(monkeypatch):
    import llama_cpp

    from lsp_server import cpu
    from lsp_server.config import ModelSettings
    from lsp_server.engine.model import Model
    from lsp_server.errors import ModelError

    monkeypatch.setattr(llama_cpp, "llama_print_system_info", lambda: b"CPU : AVX512 = 1 | AMX_INT8 = 1 | REPACK = 1 |")
    monkeypatch.setattr(cpu, "cpu_flags", lambda cpuinfo=None: {"avx512f", "amx_tile", "amx_int8"})
    with pytest.raises(ModelError, match="useExtraBufts, --use-extra-bufts.*AMX.*crashes on the first decode.*turn the setting off.*lsp_server/cpu.py"):
        Model(ModelSettings(use_extra_bufts=True))
    Model(ModelSettings()).close()  # the default layout loads on such a build: nothing repacked, nothing refused
