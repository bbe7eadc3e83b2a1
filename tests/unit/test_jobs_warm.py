"""The server's warm-up gives way: an edit submitted while a warm-up prefills stops it at its next chunk,
and so does a newer warm-up (a fake engine on the model thread, an in-memory editor; no model)."""

from __future__ import annotations

import asyncio
import threading

from lsprotocol import types

from lsp_server import commands
from lsp_server.arguments import CommandArgument
from lsp_server.errors import Cancelled, EditError
from lsp_server.jobs import Jobs
from tests.unit.test_applying import URI, Editor

TEXT = "".join(f"def f{i}(x):\n    return x * {i}\n\n\n" for i in range(400))  # a large file
CURSOR = types.Range(types.Position(801, 4), types.Position(801, 4))  # in f200's body


class WarmingEngine:
    """Its warm-up prefills until told to stop (a long prefill); its edit records that it ran."""

    loaded = True
    local = object()  # a local model: warm-ups find their region

    def __init__(self) -> None:
        self.warming = threading.Event()
        self.events: list[str] = []

    def load(self) -> None:
        pass

    def warm(self, text, path, language_id, region, cancelled, lines=True) -> int:
        self.events.append(f"warm {region}")
        self.warming.set()
        if not _until(cancelled):
            self.events.append("warm finished")
            return 1
        self.events.append("warm stopped")
        raise Cancelled()

    def edit(self, request, on_progress, cancelled):
        self.events.append("edit")
        raise EditError("the fake engine makes no edit")


def _until(condition, limit_s: float = 60.0) -> bool:
    """Whether condition() came true within limit_s (a safety net: a broken stop fails, it does not hang)."""
    stop = threading.Event()
    for _ in range(int(limit_s / 0.01)):
        if condition():
            return True
        stop.wait(0.01)
    return False


async def test_an_edit_submitted_during_a_warm_up_stops_it_and_runs():
    engine = WarmingEngine()
    jobs = Jobs(Editor(TEXT), engine)
    warm = asyncio.create_task(jobs.warm(URI, CURSOR))
    await asyncio.to_thread(engine.warming.wait, 60)
    jobs.submit(commands.EDIT, CommandArgument(uri=URI, range=CURSOR, instruction="add a docstring"))
    await asyncio.wait_for(warm, 60)
    while not jobs.jobs or jobs.busy():
        await asyncio.sleep(0.01)
    statement = (TEXT.index("    return x * 200"), TEXT.index("def f201") - 2)
    assert engine.events[0] == f"warm {statement}"  # what an edit at the cursor would rewrite
    assert engine.events[1:] == ["warm stopped", "edit"]


async def test_a_newer_warm_up_stops_the_running_one():
    engine = WarmingEngine()
    jobs = Jobs(Editor(TEXT), engine)
    first = asyncio.create_task(jobs.warm(URI, CURSOR))
    await asyncio.to_thread(engine.warming.wait, 60)
    engine.warming.clear()
    second = asyncio.create_task(jobs.warm(URI, types.Range(types.Position(5, 0), types.Position(5, 0))))
    await asyncio.wait_for(first, 60)
    assert engine.events[1] == "warm stopped"
    await asyncio.to_thread(engine.warming.wait, 60)  # the newer one runs, until a job stops it too
    jobs.warm_generation += 1
    await asyncio.wait_for(second, 60)
    assert engine.events[3:] == ["warm stopped"]


async def test_turning_warm_up_off_stops_the_running_one():
    from lsp_server.server import SpecEditServer

    server = SpecEditServer()
    engine = WarmingEngine()
    server.jobs = Jobs(Editor(TEXT), engine)
    warm = asyncio.create_task(server.jobs.warm(URI, CURSOR))
    await asyncio.to_thread(engine.warming.wait, 60)
    server.apply_settings({"warmUp": False})
    await asyncio.wait_for(warm, 60)
    assert engine.events[1:] == ["warm stopped"]
    assert server.settings.warm_up is False


async def test_a_warm_up_overtaken_before_it_starts_does_nothing_and_says_nothing():
    class Logging(Editor):
        def __init__(self, text):
            super().__init__(text)
            self.logs: list[str] = []

        def log_text(self, message, kind=None):
            self.logs.append(message)

    engine = WarmingEngine()
    editor = Logging(TEXT)
    jobs = Jobs(editor, engine)
    hold = threading.Event()
    jobs.worker.submit(hold.wait, 60)  # the model thread is busy
    warm = asyncio.create_task(jobs.warm(URI, CURSOR))
    await asyncio.sleep(0.05)
    jobs.warm_generation += 1  # a job came in before the warm-up's turn
    hold.set()
    await asyncio.wait_for(warm, 60)
    assert engine.events == [] and editor.logs == []
