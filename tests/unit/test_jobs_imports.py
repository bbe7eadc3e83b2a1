"""An edit whose new code needs an import lands whole through the server's jobs: the region streamed,
the import added at the file's top, undo taking both back (a real Engine on a scripted model, an
in-memory editor; no llama.cpp)."""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types

from lsp_server import commands
from lsp_server.arguments import CommandArgument
from lsp_server.config import Settings
from lsp_server.engine.engine import Engine
from lsp_server.jobs import Jobs
from tests.scripted import ScriptedModel
from tests.unit.test_applying import URI, Editor

TEXT = ('"""Orders."""\nimport os\n\n\ndef ship(order, where=None):\n    print("shipping", order)\n'
        '    return os.path.join(where or ".", order)\n\n\ndef other():\n    return 1\n')
FUNCTION = TEXT[TEXT.index("def ship"):TEXT.index("\n\n\ndef other") + 1]
ANSWER = FUNCTION.replace("def ship(order, where=None):", "def ship(order: str, where: str = None) -> str:") \
                 .replace('print("shipping", order)', 'logging.info("shipping %s", order)')
EDITED = ('"""Orders."""\nimport os\nimport logging\nfrom typing import Optional\n\n\n'
          'def ship(order: str, where: Optional[str] = None) -> str:\n    logging.info("shipping %s", order)\n'
          '    return os.path.join(where or ".", order)\n\n\ndef other():\n    return 1\n')
CURSOR = types.Range(types.Position(4, 0), types.Position(7, 0))  # ship, selected


class Recording(Editor):
    def __init__(self, text: str):
        super().__init__(text)
        self.messages: list[str] = []

    def tell(self, message, kind=None):
        self.messages.append(message)


async def _run(jobs: Jobs, command: str, argument: CommandArgument) -> None:
    jobs.submit(command, argument)
    for _ in range(6000):
        await asyncio.sleep(0.01)
        if not jobs.busy():
            return
    raise AssertionError("the edit did not finish")


@pytest.mark.parametrize("mode", ["lines", "off", "review"])
async def test_an_import_the_new_code_needs_lands_at_the_top_once_and_undo_takes_it_back(mode):
    editor = Recording(TEXT)
    editor.settings.streaming = "lines" if mode == "review" else mode
    editor.settings.review = mode == "review"  # the editor's preview, accepted
    jobs = Jobs(editor, Engine(Settings(), model=ScriptedModel({FUNCTION: ANSWER})))
    await _run(jobs, commands.EDIT, CommandArgument(uri=URI, range=CURSOR, instruction="Add type hints; log, not print."))
    assert editor.document(URI).text == EDITED, editor.messages
    await jobs.applier.undo(URI)
    assert editor.document(URI).text == TEXT


async def test_typing_above_the_region_during_the_edit_leaves_the_import_out_and_says_so():
    from lsp_server.streaming import EditStream, StaleDocument

    start = TEXT.index("def ship")
    stream = EditStream(TEXT, (start, len(TEXT)))
    stream.rebase(TEXT.replace("import os\n", "import os  # paths\n"))  # typed above while the model ran
    with pytest.raises(StaleDocument, match="changed above the region"):
        stream.finish(EDITED[EDITED.index('"""Orders."""\n') + len('"""Orders."""\n'):],
                      above=start - len('"""Orders."""\n'))


GO = 'package p\n\nimport (\n\t"fmt"\n\t"os"\n)\n\nfunc f() {\n\tfmt.Println(os.Args)\n}\n\nfunc g() int {\n\treturn 1\n}\n'
GO_FUNCTION = 'func f() {\n\tfmt.Println(os.Args)\n}\n'
GO_EDITED = GO.replace('\t"fmt"\n', '\t"log"\n').replace("fmt.Println", "log.Println")


@pytest.mark.parametrize("mode", ["lines", "off", "review"])
async def test_a_go_import_swapped_above_the_region_lands_and_undo_takes_it_back(mode):
    editor = Recording(GO)
    editor.settings.streaming = "lines" if mode == "review" else mode
    editor.settings.review = mode == "review"
    jobs = Jobs(editor, Engine(Settings(), model=ScriptedModel({GO_FUNCTION: GO_FUNCTION.replace("fmt.", "log.")})))
    uri = URI  # the test editor's one document, now a Go file (its languageId says so)
    editor.documents.open(types.TextDocumentItem(uri=uri, language_id="go", version=1, text=GO))
    selection = types.Range(types.Position(7, 0), types.Position(10, 0))
    await _run(jobs, commands.EDIT, CommandArgument(uri=uri, range=selection, instruction="Log with the log package."))
    assert editor.document(uri).text == GO_EDITED, editor.messages
    await jobs.applier.undo(uri)
    assert editor.document(uri).text == GO


STORE = ("class Store:\n    def add(self):\n        return 0\n\n    def save(self):\n        pass\n\n"
         "    def report(self):\n        return 1\n")
SAVE = "    def save(self):\n        pass\n"


@pytest.mark.parametrize("mode", ["lines", "off", "review"])
async def test_a_removed_method_takes_one_of_the_blank_lines_around_it_and_undo_puts_both_back(mode):
    editor = Recording(STORE)
    editor.settings.streaming = "lines" if mode == "review" else mode
    editor.settings.review = mode == "review"
    model = ScriptedModel({SAVE: "    def report(self):\n        return 1\n"})  # ran on into the next method: nothing
    model.info.chat_template = "{% for m in messages %}{{ m['content'] }}{% endfor %}"
    jobs = Jobs(editor, Engine(Settings(), model=model))
    selection = types.Range(types.Position(4, 0), types.Position(6, 0))
    await _run(jobs, commands.EDIT, CommandArgument(uri=URI, range=selection, instruction="Remove this method."))
    assert editor.document(URI).text == STORE.replace(SAVE + "\n", ""), editor.messages
    await jobs.applier.undo(URI)
    assert editor.document(URI).text == STORE


async def test_typing_in_the_blank_lines_below_a_removal_leaves_them_and_says_so():
    from lsp_server.streaming import EditStream, StaleDocument

    start = STORE.index(SAVE)
    stream = EditStream(STORE, (start, start + len(SAVE)))
    stream.rebase(STORE.replace(SAVE + "\n", SAVE + "    # later\n"))  # typed below while the model ran
    with pytest.raises(StaleDocument, match="changed below the region"):
        stream.finish("", below=1)
