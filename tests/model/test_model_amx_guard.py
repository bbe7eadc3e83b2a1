"""The default settings load and run the default model without the AMX crash of docs/measurements.md 1 (real model)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.model

ROOT = Path(__file__).resolve().parents[2]

# In a child process, so a segfault fails this test instead of killing pytest.
BATCH_WITH_ALL_LOGITS = """
import numpy as np
from lsp_server.config import ModelSettings
from lsp_server.engine.model import Model

settings = ModelSettings()
assert settings.use_extra_bufts is False
model = Model(settings)
tokens = model.tokenize(b"def area(self):\\n    return self.width * self.height\\n" * 8, add_bos=model.add_bos)[:64]
assert len(tokens) == 64, len(tokens)
logits = model.decode(tokens, logits_at=range(64))
assert logits.shape == (64, model.n_vocab), logits.shape
assert np.isfinite(logits).all()
print("decoded", len(tokens))
"""


def test_default_settings_decode_a_64_token_batch_without_crashing():
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run(
        [sys.executable, "-c", BATCH_WITH_ALL_LOGITS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"exit status {done.returncode} (negative: killed by that signal)\n{done.stderr[-3000:]}"
    assert "decoded 64" in done.stdout
