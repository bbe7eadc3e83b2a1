"""specedit: a local AI-edit language server built on speculative edits with llama.cpp.

The Python API for tools and agents: load the model once, edit many files.

    from lsp_server import Engine, Settings, Task, build_request
    engine = Engine(Settings())
    result = engine.edit(build_request(text, Task(instruction="add type hints"), path="x.py"))
    result.text, result.changed, result.stats_json()
    sketched = engine.edit(build_request(text, Task("sketch", sketch=agent_sketch), path="x.py"))
    merge_sketch(text, agent_sketch)  # the deterministic merge alone (the draft the model verifies)

Names are imported on first use, so importing a pure module (lsp_server.textedits, lsp_server.coords)
loads neither llama.cpp nor tree-sitter.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name -> the module that defines it
_API = {
    "Engine": ".engine.engine",
    "EditResult": ".engine.engine",
    "EditRequest": ".engine.request",
    "Region": ".engine.request",
    "Task": ".engine.tasks",
    "build_request": ".engine.tasks",
    "merge_sketch": ".engine.sketch",
    "Settings": ".config",
    "ModelSettings": ".config",
    "EditError": ".errors",
    "ModelError": ".errors",
    "Cancelled": ".errors",
}

__all__ = sorted(_API) + ["__version__"]


def __getattr__(name: str):
    if name not in _API:
        raise AttributeError(f"module 'lsp_server' has no attribute {name!r}")
    value = getattr(importlib.import_module(_API[name], __name__), name)
    globals()[name] = value
    return value
