"""The commands' one object argument, checked and with LSP types built (JsonRpcInvalidParams when it is wrong)."""

from __future__ import annotations

from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from . import commands

# String fields of command arguments.
STRINGS = ("instruction", "message", "sketch", "newName")


def _position(value: Any, name: str) -> types.Position:
    if not (isinstance(value, dict) and isinstance(value.get("line"), int) and isinstance(value.get("character"), int)):
        raise JsonRpcInvalidParams(f"{name} must be an LSP Position {{line, character}}")
    if value["line"] < 0 or value["character"] < 0:
        raise JsonRpcInvalidParams(f"{name} must not be negative")
    return types.Position(line=value["line"], character=value["character"])


def _range(value: Any, name: str = "range") -> types.Range:
    if not isinstance(value, dict):
        raise JsonRpcInvalidParams(f"{name} must be an LSP Range {{start, end}}")
    return types.Range(start=_position(value.get("start"), f"{name}.start"), end=_position(value.get("end"), f"{name}.end"))


def _fix_edits(value: Any) -> list[dict]:
    """A tool's fix: a list of {range, newText} (LSP TextEdits, as a linter's fix is sent in a diagnostic's data)."""
    if not isinstance(value, list):
        raise JsonRpcInvalidParams("fixEdits must be a list of LSP TextEdits")
    edits = []
    for item in value:
        if not (isinstance(item, dict) and isinstance(item.get("newText"), str)):
            raise JsonRpcInvalidParams("each of fixEdits must be {range, newText}")
        edits.append({"range": _range(item.get("range"), "fixEdits.range"), "newText": item["newText"]})
    return edits


def command_argument(command: str, args: tuple) -> dict:
    """The one object argument of a command, checked and with LSP types built; JsonRpcInvalidParams if wrong."""
    if len(args) != 1 or not isinstance(args[0], dict):
        raise JsonRpcInvalidParams(f"{command} takes one object argument")
    raw = args[0]
    arg: dict = {"uri": raw.get("uri")}
    if not isinstance(arg["uri"], str):
        raise JsonRpcInvalidParams(f"{command}: 'uri' must be a string")
    if raw.get("range") is not None:
        arg["range"] = _range(raw["range"])
    for key in STRINGS:
        if raw.get(key) is not None:
            if not isinstance(raw[key], str):
                raise JsonRpcInvalidParams(f"{command}: '{key}' must be a string")
            arg[key] = raw[key]
    if raw.get("fixEdits") is not None:
        arg["fixEdits"] = _fix_edits(raw["fixEdits"])
    if command == commands.RENAME:
        arg["position"] = _position(raw.get("position") or (raw.get("range") or {}).get("start"), "position")
    if command == commands.FIX and "range" not in arg:
        raise JsonRpcInvalidParams("specedit.fix needs the diagnostic's range")
    if command == commands.APPLY_SKETCH and not arg.get("sketch"):
        raise JsonRpcInvalidParams("specedit.applySketch needs the sketch text")
    if command == commands.EDIT and not (arg.get("instruction") or "").strip():
        raise JsonRpcInvalidParams("specedit.edit needs an instruction (the editor prompts for it, or use a '# ai: ...' comment)")
    return arg


def lsp_range(rng: types.Range) -> dict:
    """A Range as the JSON a command argument carries."""
    return {"start": {"line": rng.start.line, "character": rng.start.character},
            "end": {"line": rng.end.line, "character": rng.end.character}}
