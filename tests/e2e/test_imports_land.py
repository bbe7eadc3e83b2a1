"""A free-form edit whose new code needs an import, through the real server on the default model for
free-form edits' smaller sibling: the import lands at the file's top once, the lines above the region
stay as they were, and undo takes the whole edit back. In Go, a package the new code calls joins the
file's import group."""

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


GO = ('package config\n\nimport (\n\t"strconv"\n\t"strings"\n)\n\ntype Pair struct {\n\tKey   string\n\tValue int\n}\n\n'
      'func ParseLine(line string) Pair {\n\tparts := strings.SplitN(line, "=", 2)\n\tif len(parts) != 2 {\n'
      '\t\tpanic("bad line: " + line)\n\t}\n\tv, err := strconv.Atoi(strings.TrimSpace(parts[1]))\n\tif err != nil {\n'
      '\t\tpanic(err)\n\t}\n\treturn Pair{Key: strings.TrimSpace(parts[0]), Value: v}\n}\n')


@pytest.mark.parametrize("client", [{"modelPath": "qwen2.5-coder-0.5b", "freeformModel": "same"}], indirect=True)
async def test_a_go_package_the_new_code_calls_joins_the_import_group(client):
    uri = open_document(client, "parse.go", GO, language_id="go")
    selection = {"start": {"line": 12, "character": 0}, "end": {"line": 23, "character": 0}}
    instruction = "Return (Pair, error) instead of panicking; build the errors with fmt.Errorf."
    job = await wait_job(client, (await run_command(client, commands.EDIT, {"uri": uri, "range": selection,
                                                                            "instruction": instruction}))["job"])
    assert job["ok"], job
    text = client.editor.texts[uri]
    assert "fmt.Errorf(" in text and "panic(" not in text
    assert text.startswith('package config\n\nimport (\n\t"fmt"\n\t"strconv"\n\t"strings"\n)\n\ntype Pair struct {')
    assert text.count('"fmt"') == 1
    assert await run_command(client, commands.UNDO, {"uri": uri}) == {"undone": True}
    assert client.editor.texts[uri] == GO


UTIL = ('package util\n\nimport "strings"\n\n// Upper returns s in upper case.\nfunc Upper(s string) string {\n'
        '\treturn strings.ToUpper(s)\n}\n\n// legacyTrim trims spaces; nothing calls it.\nfunc legacyTrim(s string) string {\n'
        '\treturn strings.TrimSpace(s)\n}\n\n// Lower returns s in lower case.\nfunc Lower(s string) string {\n'
        '\treturn strings.ToLower(s)\n}\n')


@pytest.mark.parametrize("client", [{"modelPath": "qwen2.5-coder-0.5b", "freeformModel": "same"}], indirect=True)
@pytest.mark.parametrize("instruction, cursor", [("Remove this function.", {"line": 10, "character": 6}),
                                                 ("Remove legacyTrim, it is unused.", None)])
async def test_a_removed_function_goes_with_its_comment_and_one_blank_line_and_undo_puts_it_back(client, instruction, cursor):
    uri = open_document(client, "util.go", UTIL, language_id="go")
    argument = {"uri": uri, "instruction": instruction}
    if cursor is not None:
        argument["range"] = {"start": cursor, "end": cursor}
    job = await wait_job(client, (await run_command(client, commands.EDIT, argument))["job"])
    assert job["ok"], job
    removed = UTIL[UTIL.index("// legacyTrim"):UTIL.index("// Lower")]
    assert client.editor.texts[uri] == UTIL.replace(removed, "")
    assert await run_command(client, commands.UNDO, {"uri": uri}) == {"undone": True}
    assert client.editor.texts[uri] == UTIL
