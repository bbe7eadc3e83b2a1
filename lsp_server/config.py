"""Settings dataclasses, their defaults, and the one converter from client JSON (settings and command arguments)."""

from __future__ import annotations

import dataclasses
import os
import re
import typing
from dataclasses import dataclass, field
from typing import Any, Literal, NewType

import cattrs
from cattrs.errors import IterableValidationError, IterableValidationNote
from lsprotocol import types
from lsprotocol.converters import get_converter

# The automatic context size stops here: enough for a 2,000-line file's edit, and its KV cache
# stays small (300 MB for the embedded model, about 2 GB for a 7B model with grouped-query attention).
DEFAULT_MAX_CTX = 16384

# Value types with a rule beyond their Python type; the converter below checks them.
Count = NewType("Count", int)  # a whole number >= 0
Ratio = NewType("Ratio", float)  # a number from 0 to 1
Phrase = NewType("Phrase", str)  # text that is not blank
Argv = NewType("Argv", list)  # a command line: a non-empty list of strings


@dataclass
class ModelSettings:
    """How to load the llama.cpp model."""

    path: str | None = None  # GGUF file; None means the embedded default model
    hf_repo: str | None = None  # opt-in download: "owner/repo:file.gguf" (needs network)
    # Context size in tokens; 0: the model's own (training) context, at most DEFAULT_MAX_CTX.
    n_ctx: Count = 0
    n_threads: Count | None = None  # None: all cores
    n_gpu_layers: Count = 0
    # llama.cpp's "extra buffer types": weights repacked for the CPU at load. On the 1.5B they make
    # one-token passes cheaper and long ones and prefill dearer (docs/measurements.md 2): faster edits
    # of open documents, slower cold ones, 0.6 GB more memory; off by default. A build with llama.cpp's
    # AMX path crashes with them on an AMX CPU: the model refuses to load so (docs/measurements.md 1).
    use_extra_bufts: bool = False
    # Prompts the model moved away from, kept in memory to be taken back where a later prompt begins the
    # same way (another file's edit in between: engine/states.py); MiB, 0: none.
    prompt_states_mb: Count = 256
    prompt_cache_dir: str | None = None  # where the last prompt is kept for the next process (the command line)


@dataclass
class DraftSettings:
    """Speculation: how much of the original to verify per forward pass."""

    min: Count = 4
    start: Count = 64  # the first chunk; it doubles while whole chunks are accepted, up to max
    max: Count = 256  # batches this long cost the least per token on CPUs (bench: calibration)
    speculate: bool = True  # False runs the plain baseline (one token per decode)
    syntax_aligned: bool = True
    # Where the model writes its change, draft what followed its last tokens earlier in the prompt or
    # answer (engine/lookup.py); verified greedily, so it changes speed, never the output.
    lookup: bool = True
    # Where a free-form edit copies the original, a token that is the original's text with other spacing
    # inside a line counts as the original's (engine/respace.py): the answer gets such lines back as they
    # were anyway (engine/spacing.py), unless the request is about layout.
    respace: bool = True
    # "greedy": accept a draft token only where it is the model's argmax (lossless).
    # "typical": also accept where the draft token's probability is at least
    # typical_ratio times the top token's (lossy; follows good drafts).
    # "auto": typical for drafts that already carry the change (rename, fix), else greedy.
    acceptance: Literal["auto", "greedy", "typical"] = "auto"
    typical_ratio: Ratio = 0.01


@dataclass
class Settings:
    """Everything a user can set: CLI flags, initializationOptions, didChangeConfiguration."""

    model: ModelSettings = field(default_factory=ModelSettings)
    # The model for free-form edits (no tool-made draft), a name or a GGUF path; None: the default
    # pairing (models.freeform_model), "same": model's. Loaded with model's other settings.
    freeform_model: str | None = None
    draft: DraftSettings = field(default_factory=DraftSettings)
    # "lines": final hunks while the model runs, and new lines as they are written, shown ahead of the
    # lines they replace until the model re-joins the original; "final": final hunks only; "off": one edit.
    streaming: Literal["lines", "final", "off"] = "lines"
    # Offer the finished edit for review instead of streaming it (VS Code: refactor preview; the
    # Neovim plugin: a diff with accept/reject). Clients that can show neither keep streaming.
    review: bool = False
    # Prefill the prompt of the likely next free-form edit between jobs (on open, after changes, at
    # code action requests): an edit then pays only for its change request. False: no CPU is spent
    # before a command; each edit prefills its whole prompt.
    warm_up: bool = True
    # Output tokens an edit may produce; 0: what the region needs (its length, half again, and 128 more).
    max_new_tokens: Count = 0
    linters: dict[str, Argv] = field(default_factory=dict)  # languageId -> argv
    # Edit sketches: phrases that stand for unchanged code ("... keep ..."); empty: the common forms
    sketch_markers: list[Phrase] = field(default_factory=list)
    # Where the model runs: "local" (llama.cpp in this process) or "openai" (an OpenAI-compatible
    # server: llama.cpp's llama-server, vLLM, Ollama, OpenAI; see engine/remote.py).
    engine: Literal["local", "openai"] = "local"
    engine_url: str | None = None  # the server's API base, e.g. http://127.0.0.1:8080/v1
    engine_model: str | None = None  # the model name the server knows; None: the first of its GET /models
    engine_api_key_env: str = "OPENAI_API_KEY"  # the environment variable holding the API key (never a file)
    engine_api: Literal["chat", "completion"] = "chat"  # "chat": instruct models; "completion": base models


# Flat camelCase keys the editors send -> (section, field) in Settings.
_CLIENT_KEYS = {
    "modelPath": ("model", "path"),
    "freeformModel": (None, "freeform_model"),
    "hfRepo": ("model", "hf_repo"),
    "nCtx": ("model", "n_ctx"),
    "nThreads": ("model", "n_threads"),
    "nGpuLayers": ("model", "n_gpu_layers"),
    "useExtraBufts": ("model", "use_extra_bufts"),
    "draftMin": ("draft", "min"),
    "draftMax": ("draft", "max"),
    "acceptance": ("draft", "acceptance"),
    "typicalRatio": ("draft", "typical_ratio"),
    "streaming": (None, "streaming"),
    "review": (None, "review"),
    "warmUp": (None, "warm_up"),
    "maxNewTokens": (None, "max_new_tokens"),
    "linters": (None, "linters"),
    "sketchMarkers": (None, "sketch_markers"),
    "engine": (None, "engine"),
    "engineUrl": (None, "engine_url"),
    "engineModel": (None, "engine_model"),
    "engineApiKeyEnv": (None, "engine_api_key_env"),
    "engineApi": (None, "engine_api"),
}


# -- the converter ----------------------------------------------------------------------------
# lsprotocol's converter (LSP types such as Range structure as pygls does), made strict: JSON
# values are never coerced ("3" is not a number, true is not 1, a string is not a list).


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _expect(ok: bool, what: str, value: Any) -> None:
    if not ok:
        raise ValueError(f"expected {what}, got {_show(value)}")


def _integer(value: Any, _=None) -> int:
    _expect(isinstance(value, int) and not isinstance(value, bool), "a whole number", value)
    return value


def _number(value: Any, _=None) -> float:
    _expect(isinstance(value, (int, float)) and not isinstance(value, bool), "a number", value)
    return float(value)


def _boolean(value: Any, _=None) -> bool:
    _expect(isinstance(value, bool), "true or false", value)
    return value


def _string(value: Any, _=None) -> str:
    _expect(isinstance(value, str), "a string", value)
    return value


def _count(value: Any, _=None) -> int:
    _expect(_integer(value) >= 0, "a whole number >= 0", value)
    return value


def _ratio(value: Any, _=None) -> float:
    _expect(0 <= _number(value) <= 1, "a number from 0 to 1", value)
    return float(value)


def _phrase(value: Any, _=None) -> str:
    _expect(_string(value).strip() != "", "text that is not blank", value)
    return value


def _argv(value: Any, _=None) -> list[str]:
    _expect(isinstance(value, list) and bool(value) and all(isinstance(a, str) for a in value),
            "a command line (a non-empty list of strings)", value)
    return value


def _list_of(cl):
    (item,) = typing.get_args(cl) or (Any,)

    def structure(value: Any, _) -> list:
        _expect(isinstance(value, list), "a list", value)
        return list(_each(cl, [(i, v, item) for i, v in enumerate(value)]).values())
    return structure


def _dict_of(cl):
    key, item = typing.get_args(cl) or (Any, Any)

    def structure(value: Any, _) -> dict:
        _expect(isinstance(value, dict), "an object", value)
        return _each(cl, [(converter.structure(k, key), v, item) for k, v in value.items()])
    return structure


def _each(cl: Any, items: list[tuple[Any, Any, Any]]) -> dict:
    """Structure (key, value, type) items; every failure is reported, each with its key in the path."""
    done, errors = {}, []
    for key, value, item in items:
        try:
            done[key] = converter.structure(value, item)
        except (ValueError, TypeError, cattrs.BaseValidationError) as exc:
            exc.__notes__ = [*getattr(exc, "__notes__", []), IterableValidationNote(f"@ {key!r}", key, item)]
            errors.append(exc)
    if errors:
        raise IterableValidationError(f"While structuring {cl!r}", errors, cl)
    return done


def _one_of(cl):
    choices = typing.get_args(cl)

    def structure(value: Any, _) -> Any:
        _expect(value in choices and type(value) is type(choices[0]), "one of " + ", ".join(map(repr, choices)), value)
        return value
    return structure


def _objects_only(cl: type) -> None:
    """Make the converter refuse anything but a JSON object for cl (its own hook would fail obscurely)."""
    inner = converter.get_structure_hook(cl)

    def structure(value: Any, _) -> Any:
        _expect(isinstance(value, dict), f"an object ({cl.__name__})", value)
        return inner(value, cl)
    converter.register_structure_hook(cl, structure)


converter = get_converter()
for _type, _hook in ((int, _integer), (float, _number), (bool, _boolean), (str, _string), (Count, _count),
                     (Ratio, _ratio), (Phrase, _phrase), (Argv, _argv)):
    converter.register_structure_hook(_type, _hook)
converter.register_structure_hook_factory(lambda t: typing.get_origin(t) is list, _list_of)
converter.register_structure_hook_factory(lambda t: typing.get_origin(t) is dict, _dict_of)
converter.register_structure_hook_factory(lambda t: typing.get_origin(t) is Literal, _one_of)
for _type in (types.Position, types.Range):
    _objects_only(_type)


def why_not(exc: Exception, root: str = "", names: dict[str, str] | None = None) -> str:
    """What the converter found wrong, in words: "path: reason" for each bad field below root (names: field -> JSON key)."""
    if not isinstance(exc, cattrs.BaseValidationError):
        return f"{root}: {exc}" if root else str(exc)

    def describe(error: BaseException, _type) -> str:
        return str(error) if isinstance(error, ValueError) and str(error) else cattrs.v.format_exception(error, _type)

    found = []
    for line in cattrs.transform_error(exc, path=root, format_exception=describe):
        reason, _, path = line.rpartition(" @ ")
        path = re.sub(r"\w+", lambda m: (names or {}).get(m.group(), m.group()), path.strip("."))
        found.append(f"{path}: {reason}" if path else reason)
    return "; ".join(found)


# -- settings from the client -----------------------------------------------------------------


def settings_from_client(options: Any, base: Settings | None = None) -> tuple[Settings, list[str]]:
    """Apply client options (camelCase keys) over base; return settings and one message per bad option.

    Bad or unknown options keep their previous value, so a typo never stops the server.
    """
    settings = dataclasses.replace(base) if base else Settings()
    settings.model = dataclasses.replace(settings.model)
    settings.draft = dataclasses.replace(settings.draft)
    problems: list[str] = []
    if options is None:
        return settings, problems
    if not isinstance(options, dict):
        return settings, [f"settings must be an object, got {type(options).__name__}; using defaults"]
    for key, value in options.items():
        if key not in _CLIENT_KEYS:
            problems.append(f"unknown setting {key!r} ignored")
            continue
        section_name, name = _CLIENT_KEYS[key]
        section = getattr(settings, section_name) if section_name else settings
        try:
            setattr(section, name, converter.structure(value, typing.get_type_hints(type(section))[name]))
        except (ValueError, TypeError, cattrs.BaseValidationError) as exc:
            problems.append(f"setting {why_not(exc, root=key)}; keeping {getattr(section, name)!r}")
    if settings.draft.min < 1 or settings.draft.max < settings.draft.min:
        problems.append("draftMin must be >= 1 and <= draftMax; using defaults")
        settings.draft.min, settings.draft.max = DraftSettings.min, DraftSettings.max
    return settings, problems


def default_threads() -> int:
    """Threads for llama.cpp: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS
        return max(1, os.cpu_count() or 1)

