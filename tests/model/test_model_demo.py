"""`specedit demo` (`make run`): a real rename of the bundled sample on the default model, next to plain and guided decoding."""

from __future__ import annotations

import io

import pytest

from lsp_server.demo import run_demo

pytestmark = pytest.mark.model


def test_demo_renames_the_method_on_the_default_model_as_guided_decoding_does(settings, monkeypatch):
    monkeypatch.delenv("SPECEDIT_DEFAULT_MODEL", raising=False)  # `make run` runs on the real default
    out = io.StringIO()
    assert run_demo(settings, out=out) == 0
    text = out.getvalue()
    print(text)
    lines = text.splitlines()
    assert "+    def subtotal(self):" in lines
    assert "-        total = 0" not in lines  # the method's local variable keeps its name
    assert any(line.startswith("speculative edit") and line.endswith("  the rename") for line in lines), text
    # The same acceptance rule one token a pass: the speculative edit is exactly that output.
    assert "same output as guided decoding: True" in text
