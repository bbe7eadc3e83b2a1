"""Settings from the client and command arguments through the one converter: good values land, bad ones are named."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from lsp_server import commands
from lsp_server.arguments import FixEdit, command_argument
from lsp_server.config import _CLIENT_KEYS, DraftSettings, Settings, settings_from_client


def pos(line: int, character: int) -> dict:
    return {"line": line, "character": character}


def rng(start: tuple[int, int], end: tuple[int, int]) -> dict:
    return {"start": pos(*start), "end": pos(*end)}


def test_every_client_key_structures_its_own_default_back():
    defaults = Settings()
    options = {}
    for key, (section, name) in _CLIENT_KEYS.items():
        options[key] = getattr(getattr(defaults, section) if section else defaults, name)
    settings, problems = settings_from_client(options)
    assert problems == []
    assert settings == defaults


def test_good_values_land_in_their_sections():
    settings, problems = settings_from_client({
        "nCtx": 4096, "nThreads": None, "typicalRatio": 1, "acceptance": "greedy", "streaming": "off",
        "linters": {"python": ["ruff", "check", "-"]}, "sketchMarkers": ["... keep ..."], "engine": "openai",
        "engineUrl": "http://127.0.0.1:8080/v1", "review": True, "modelPath": "/m.gguf", "warmUp": False})
    assert problems == []
    assert (settings.model.n_ctx, settings.model.n_threads, settings.model.path) == (4096, None, "/m.gguf")
    assert (settings.draft.typical_ratio, settings.draft.acceptance) == (1.0, "greedy")
    assert settings.linters == {"python": ["ruff", "check", "-"]} and settings.sketch_markers == ["... keep ..."]
    assert (settings.streaming, settings.engine, settings.review) == ("off", "openai", True)
    assert settings.warm_up is False


@pytest.mark.parametrize("options, problem", [
    ({"nCtx": "4096"}, "setting nCtx: expected a whole number, got '4096'; keeping 0"),
    ({"nCtx": -1}, "setting nCtx: expected a whole number >= 0, got -1; keeping 0"),
    ({"nGpuLayers": True}, "setting nGpuLayers: expected a whole number, got True; keeping 0"),
    ({"typicalRatio": 1.5}, "setting typicalRatio: expected a number from 0 to 1, got 1.5; keeping 0.01"),
    ({"review": "yes"}, "setting review: expected true or false, got 'yes'; keeping False"),
    ({"warmUp": "off"}, "setting warmUp: expected true or false, got 'off'; keeping True"),
    ({"useExtraBufts": 1}, "setting useExtraBufts: expected true or false, got 1; keeping False"),
    ({"streaming": "fast"}, "setting streaming: expected one of 'lines', 'final', 'off', got 'fast'; keeping 'lines'"),
    ({"acceptance": None}, "setting acceptance: expected one of 'auto', 'greedy', 'typical', got None; keeping 'auto'"),
    ({"modelPath": 3}, "setting modelPath: expected a string, got 3; keeping None"),
    ({"linters": ["ruff"]}, "setting linters: expected an object, got ['ruff']; keeping {}"),
    ({"linters": {"python": "ruff"}},
     "setting linters['python']: expected a command line (a non-empty list of strings), got 'ruff'; keeping {}"),
    ({"sketchMarkers": ["keep", " "]}, "setting sketchMarkers[1]: expected text that is not blank, got ' '; keeping []"),
    ({"sketchMarkers": "keep"}, "setting sketchMarkers: expected a list, got 'keep'; keeping []"),
    ({"colour": "red"}, "unknown setting 'colour' ignored"),
])
def test_a_bad_value_is_named_and_the_old_one_kept(options, problem):
    settings, problems = settings_from_client(options)
    assert problems == [problem]
    assert settings == Settings()


def test_bad_options_do_not_stop_the_good_ones_beside_them():
    settings, problems = settings_from_client({"nCtx": "big", "draftMax": 128, "engine": "cloud", "streaming": "off"})
    assert [p.split(":")[0] for p in problems] == ["setting nCtx", "setting engine"]
    assert (settings.model.n_ctx, settings.draft.max, settings.engine, settings.streaming) == (0, 128, "local", "off")


def test_draft_sizes_that_contradict_each_other_fall_back_to_the_defaults():
    settings, problems = settings_from_client({"draftMin": 64, "draftMax": 8})
    assert problems == ["draftMin must be >= 1 and <= draftMax; using defaults"]
    assert (settings.draft.min, settings.draft.max) == (DraftSettings.min, DraftSettings.max)


def test_settings_that_are_not_an_object_keep_the_defaults():
    assert settings_from_client(["nCtx", 1]) == (Settings(), ["settings must be an object, got list; using defaults"])
    assert settings_from_client(None) == (Settings(), [])


def test_a_command_argument_is_structured_into_lsp_types():
    arg = command_argument(commands.FIX, ({"uri": "file:///a.py", "range": rng((1, 2), (1, 5)), "message": "E1",
                                           "fixEdits": [{"range": rng((1, 2), (1, 5)), "newText": "x"}], "other": 1},))
    assert arg.uri == "file:///a.py" and arg.message == "E1"
    assert arg.range == types.Range(types.Position(1, 2), types.Position(1, 5))
    assert arg.fix_edits == [FixEdit(types.Range(types.Position(1, 2), types.Position(1, 5)), "x")]


def test_a_rename_takes_its_position_from_the_range_when_it_has_no_position():
    arg = command_argument(commands.RENAME, ({"uri": "u", "range": rng((3, 4), (3, 4)), "newName": "b"},))
    assert arg.position == types.Position(3, 4) and arg.new_name == "b"


@pytest.mark.parametrize("command, argument, message", [
    (commands.EDIT, ["u"], "specedit.edit takes one object argument"),
    (commands.EDIT, {}, "specedit.edit: uri: required field missing"),
    (commands.EDIT, {"uri": 1, "instruction": "x"}, "specedit.edit: uri: expected a string, got 1"),
    (commands.EDIT, {"uri": "u", "instruction": "x", "range": "all"}, "specedit.edit: range: expected an object (Range), got 'all'"),
    (commands.EDIT, {"uri": "u", "instruction": "x", "range": rng((0, 0), (0, 0.5))},
     "specedit.edit: range.end.character: expected a whole number, got 0.5"),
    (commands.EDIT, {"uri": "u", "instruction": "x", "range": rng((0, 0), (-1, 0))},
     "specedit.edit: range.end: Position.line should be in range [0:2147483647], but was -1."),
    (commands.RENAME, {"uri": "u", "position": pos(0, 0), "newName": 3}, "specedit.rename: newName: expected a string, got 3"),
    (commands.FIX, {"uri": "u", "range": rng((0, 0), (0, 1)), "message": "E", "fixEdits": [{"range": rng((0, 0), (0, 1))}]},
     "specedit.fix: fixEdits[0].newText: required field missing"),
    (commands.RENAME, {"uri": "u"}, "specedit.rename needs the position of the name"),
    (commands.FIX, {"uri": "u", "message": "E"}, "specedit.fix needs the diagnostic's range"),
    (commands.APPLY_SKETCH, {"uri": "u"}, "specedit.applySketch needs the sketch text"),
    (commands.EDIT, {"uri": "u", "instruction": "  "}, "specedit.edit needs an instruction"),
])
def test_a_bad_command_argument_names_the_field(command, argument, message):
    args = tuple(argument) if isinstance(argument, list) else (argument,)
    with pytest.raises(JsonRpcInvalidParams) as info:
        command_argument(command, args)
    assert message in str(info.value)
