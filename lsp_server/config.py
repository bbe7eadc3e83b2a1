"""Settings dataclasses, their defaults, and the one converter from client JSON."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from typing import Any


# The automatic context size stops here: enough for a 2,000-line file's edit, and its KV cache
# stays small (300 MB for the embedded model, about 2 GB for a 7B model with grouped-query attention).
DEFAULT_MAX_CTX = 16384


@dataclass
class ModelSettings:
    """How to load the llama.cpp model."""

    path: str | None = None  # GGUF file; None means the embedded default model
    hf_repo: str | None = None  # opt-in download: "owner/repo:file.gguf" (needs network)
    # Context size in tokens; 0: the model's own (training) context, at most DEFAULT_MAX_CTX.
    n_ctx: int = 0
    n_threads: int | None = None  # None: all cores
    n_gpu_layers: int = 0
    # llama.cpp's "extra buffer types" (the AMX repack path) segfault on this class of
    # CPU (docs/measurements.md 1); off by default, the speed is the same without them.
    use_extra_bufts: bool = False


@dataclass
class DraftSettings:
    """Speculation: how much of the original to verify per forward pass."""

    min: int = 4
    start: int = 64  # the first chunk; it doubles while whole chunks are accepted, up to max
    max: int = 256  # batches this long cost the least per token on CPUs (bench: calibration)
    speculate: bool = True  # False runs the plain baseline (one token per decode)
    syntax_aligned: bool = True
    # "greedy": accept a draft token only where it is the model's argmax (lossless).
    # "typical": also accept where the draft token's probability is at least
    # typical_ratio times the top token's (lossy; follows good drafts).
    # "auto": typical for drafts that already carry the change (rename, fix), else greedy.
    acceptance: str = "auto"
    typical_ratio: float = 0.01


@dataclass
class Settings:
    """Everything a user can set: CLI flags, initializationOptions, didChangeConfiguration."""

    model: ModelSettings = field(default_factory=ModelSettings)
    draft: DraftSettings = field(default_factory=DraftSettings)
    streaming: str = "lines"  # "lines" | "off"
    # Offer the finished edit for review instead of streaming it (VS Code: refactor preview; the
    # Neovim plugin: a diff with accept/reject). Clients that can show neither keep streaming.
    review: bool = False
    # Output tokens an edit may produce; 0: what the region needs (its length, half again, and 128 more).
    max_new_tokens: int = 0
    linters: dict[str, list[str]] = field(default_factory=dict)  # languageId -> argv
    # Edit sketches: phrases that stand for unchanged code ("... keep ..."); empty: the common forms
    sketch_markers: list[str] = field(default_factory=list)
    # Where the model runs: "local" (llama.cpp in this process) or "openai" (an OpenAI-compatible
    # server: llama.cpp's llama-server, vLLM, Ollama, OpenAI; see engine/remote.py).
    engine: str = "local"
    engine_url: str | None = None  # the server's API base, e.g. http://127.0.0.1:8080/v1
    engine_model: str | None = None  # the model name the server knows; None: the first of its GET /models
    engine_api_key_env: str = "OPENAI_API_KEY"  # the environment variable holding the API key (never a file)
    engine_api: str = "chat"  # "chat": instruct models (/chat/completions); "completion": base models (/completions)


# Flat camelCase keys the editors send -> (section, field) in Settings.
_CLIENT_KEYS = {
    "modelPath": ("model", "path"),
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
    "maxNewTokens": (None, "max_new_tokens"),
    "linters": (None, "linters"),
    "sketchMarkers": (None, "sketch_markers"),
    "engine": (None, "engine"),
    "engineUrl": (None, "engine_url"),
    "engineModel": (None, "engine_model"),
    "engineApiKeyEnv": (None, "engine_api_key_env"),
    "engineApi": (None, "engine_api"),
}

_CHOICES = {"streaming": ("lines", "off"), "acceptance": ("auto", "greedy", "typical"),
            "engine": ("local", "openai"), "engine_api": ("chat", "completion")}


def _valid(section: object, name: str, value: Any) -> bool:
    """Whether value fits the field's declared type (and choices)."""
    current = getattr(section, name)
    annotation = {f.name: f.type for f in dataclasses.fields(section)}[name]
    if value is None:
        return "None" in str(annotation)
    if name in _CHOICES:
        return value in _CHOICES[name]
    if name == "linters":
        return isinstance(value, dict) and all(
            isinstance(k, str) and isinstance(v, list) and v and all(isinstance(a, str) for a in v)
            for k, v in value.items()
        )
    if name == "sketch_markers":
        return isinstance(value, list) and all(isinstance(m, str) and m.strip() for m in value)
    if "bool" in str(annotation):
        return isinstance(value, bool)
    if "int" in str(annotation):
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    if "float" in str(annotation):
        return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1
    return isinstance(value, type(current)) or isinstance(value, str)


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
        if _valid(section, name, value):
            setattr(section, name, value)
        else:
            problems.append(f"bad value {value!r} for {key!r}; keeping {getattr(section, name)!r}")
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

