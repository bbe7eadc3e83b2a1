"""A free-form edit whose new code needs an import, through the real server on the default model for
free-form edits' smaller sibling: the import lands at the file's top once, the lines above the region
stay as they were, and undo takes the whole edit back."""

from __future__ import annotations

import pytest

from lsp_server import commands
from tests.e2e.conftest import open_document, run_command, wait_job

TEXT = ('"""Shipping orders."""\nimport os\n\n\ndef ship(order, where):\n    print("shipping", order)\n'
        '    return os.path.join(where, order)\n\n\ndef count(orders):\n    return len(orders)\n')


@pytest.mark.parametrize("client", [{"modelPath": "qwen2.5-coder-0.5b", "freeformModel": "same"}], indirect=True)
async def test_the_import_new_code_needs_lands_once_at_the_top_and_undo_takes_it_back(client):
    uri = open_document(client, "ship.py", TEXT)
    selection = {"start": {"line": 4, "character": 0}, "end": {"line": 7, "character": 0}}
    started = await run_command(client, commands.EDIT, {"uri": uri, "range": selection,
                                                        "instruction": "Use logging.info instead of print."})
    job = await wait_job(client, started["job"])
    assert job["ok"], job
    text = client.editor.texts[uri]
    assert "logging.info(" in text and "print(" not in text
    head, _, rest = text.partition("def ship(")
    # Written by the model above its function or added by the engine, the import joins the file's own.
    assert head == '"""Shipping orders."""\nimport os\nimport logging\n\n\n' and "def ship" not in rest
    assert rest.endswith("\n\n\ndef count(orders):\n    return len(orders)\n")
    assert await run_command(client, commands.UNDO, {"uri": uri}) == {"undone": True}
    assert client.editor.texts[uri] == TEXT
