"""`specedit demo` (`make run`): a real rename of the bundled sample, next to plain decoding (real model)."""

from __future__ import annotations

import io

import pytest

from lsp_server.demo import run_demo

pytestmark = pytest.mark.model


def test_demo_renames_total_and_agrees_with_plain_decoding(settings):
    out = io.StringIO()
    assert run_demo(settings, out=out) == 0
    text = out.getvalue()
    print(text)
    assert "+    def subtotal(self):" in text.splitlines()
    assert "same output as plain decoding: True" in text
