"""specedit: a local AI-edit language server built on speculative edits with llama.cpp.

The Python API for tools and agents: load the model once, edit many files.

    from lsp_server import Engine, EditRequest, Settings, Task, build_request
    engine = Engine(Settings())
    result = engine.edit(build_request(text, Task(instruction="add type hints"), path="x.py"))
    result.text, result.stats_json()
    sketched = engine.edit(build_request(text, Task("sketch", sketch=agent_sketch), path="x.py"))
    merge_sketch(text, agent_sketch)  # the deterministic merge alone (the draft the model verifies)
"""

__version__ = "0.1.0"

from .config import ModelSettings, Settings  # noqa: E402
from .engine.edit import EditError, EditRequest, EditResult, Engine  # noqa: E402
from .engine.model import Cancelled, ModelError  # noqa: E402
from .engine.sketch import merge_sketch  # noqa: E402
from .engine.tasks import Task, build_request  # noqa: E402

__all__ = ["Cancelled", "EditError", "EditRequest", "EditResult", "Engine", "ModelError", "ModelSettings", "Settings", "Task",
           "build_request", "merge_sketch", "__version__"]
