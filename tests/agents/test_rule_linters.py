"""A fix request that names a linter's rule runs that linter for its fix, as the server does with a configured one."""

from __future__ import annotations

import queue
from pathlib import Path

import pytest

from lsp_server import linters
from lsp_server.engine.tasks import apply_replacements

UNUSED_OS = "queue.py:3:8: F401 [*] `os` imported but unused"


@pytest.fixture
def queue_module(tmp_path) -> Path:
    """The standard library's queue.py (326 lines) with an unused `import os` added as line 3: 327 lines."""
    lines = Path(queue.__file__).read_text().splitlines(keepends=True)
    target = tmp_path / "queue.py"
    target.write_text("".join(lines[:2] + ["import os\n"] + lines[2:]))
    return target


@pytest.mark.parametrize("language, message, rule", [
    ("python", UNUSED_OS, "F401"),
    ("python", "E711 Comparison to `None` should be `cond is None`", "E711"),
    ("python", "undefined name 'x'", None),
    ("javascript", "cart.js:26:7: 'abs' is never reassigned. Use 'const' instead. (prefer-const)", "prefer-const"),
    ("typescript", "  12:3  error  Expected '===' and instead saw '=='  eqeqeq", None),
    ("javascript", "  26:7  error  'abs' is never reassigned  prefer-const", "prefer-const"),
    ("rust", "warning: unneeded `return` statement", "all"),
    ("rust", "help: for further information visit ... #needless_return clippy::needless_return", "needless_return"),
    ("go", "x.go:3:2: \"os\" imported and not used", None),
])
def test_the_rule_a_message_names_for_each_languages_linter(language, message, rule):
    assert linters.named_rule(language, message) == rule


@pytest.mark.skipif(linters.find_linter("ruff") is None, reason="ruff is not installed")
def test_ruffs_fix_for_the_rule_the_message_names_is_found_on_its_line(queue_module):
    text = queue_module.read_text()
    assert text.count("\n") == 327
    fix = linters.fix_for_rule(str(queue_module), text, UNUSED_OS)
    assert fix is not None
    assert apply_replacements(text, fix) == text.replace("import os\n", "", 1)
    # The same rule on another line, or a rule the file does not break: no fix to offer.
    assert linters.fix_for_rule(str(queue_module), text, "queue.py:40:1: F401 `os` imported but unused") is None
    assert linters.fix_for_rule(str(queue_module), text, "queue.py:3:8: E711 comparison to None") is None
