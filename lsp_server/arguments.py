"""The commands' one object argument, structured by the settings' converter (JsonRpcInvalidParams naming the bad field)."""

from __future__ import annotations

from dataclasses import dataclass

import cattrs
from cattrs.gen import make_dict_structure_fn, override
from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from . import commands
from .config import converter, why_not

# Python field -> the key the JSON argument uses for it.
JSON_KEYS = {"new_name": "newName", "fix_edits": "fixEdits", "new_text": "newText"}


@dataclass(frozen=True)
class FixEdit:
    """One edit of a tool's fix, as a linter's fix travels in a diagnostic's data: an LSP TextEdit."""

    range: types.Range
    new_text: str


@dataclass
class CommandArgument:
    """{uri, range?, position?, instruction?, message?, sketch?, newName?, fixEdits?}; other keys are ignored."""

    uri: str
    range: types.Range | None = None
    position: types.Position | None = None
    instruction: str | None = None
    message: str | None = None
    sketch: str | None = None
    new_name: str | None = None
    fix_edits: list[FixEdit] | None = None


for _cls in (FixEdit, CommandArgument):
    converter.register_structure_hook(_cls, make_dict_structure_fn(
        _cls, converter, **{name: override(rename=key) for name, key in JSON_KEYS.items() if name in _cls.__dataclass_fields__}))


def command_argument(command: str, args: tuple) -> CommandArgument:
    """The one object argument of a command, checked and with LSP types built; JsonRpcInvalidParams if wrong."""
    if len(args) != 1 or not isinstance(args[0], dict):
        raise JsonRpcInvalidParams(f"{command} takes one object argument")
    try:
        arg = converter.structure(args[0], CommandArgument)
    except (ValueError, TypeError, cattrs.BaseValidationError) as exc:
        raise JsonRpcInvalidParams(f"{command}: {why_not(exc, names=JSON_KEYS)}") from None
    if command == commands.RENAME:
        arg.position = arg.position or (arg.range.start if arg.range else None)
        if arg.position is None:
            raise JsonRpcInvalidParams("specedit.rename needs the position of the name (an LSP Position)")
    if command == commands.FIX and arg.range is None:
        raise JsonRpcInvalidParams("specedit.fix needs the diagnostic's range")
    if command == commands.APPLY_SKETCH and not arg.sketch:
        raise JsonRpcInvalidParams("specedit.applySketch needs the sketch text")
    if command == commands.EDIT and not (arg.instruction or "").strip():
        raise JsonRpcInvalidParams("specedit.edit needs an instruction (the editor prompts for it, or use a '# ai: ...' comment)")
    return arg


def lsp_range(rng: types.Range) -> dict:
    """A Range as the JSON a command argument carries."""
    return {"start": {"line": rng.start.line, "character": rng.start.character},
            "end": {"line": rng.end.line, "character": rng.end.character}}
