"""Nothing lost on disk: how specedit writes a user's file (lsp_server.fileio), on real files, with real processes.

A write happens only if the file still holds the text the edit was computed from; links are
written through; mode, owner and group are kept; and every fault (read-only file or directory,
read-only file system, full disk, permission denied) is one line, the original intact and no
`.NAME.XXXX.specedit` file left. Faults are real where this machine allows (tmpfs mounts,
`chattr +i`, a process running as nobody: needs root) and simulated at the OS boundary
otherwise, so each fault is tested everywhere.
"""

from __future__ import annotations

import errno
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from lsp_server import fileio
from lsp_server.fileio import FileChanged, FileError, write_file

ROOT = Path(__file__).resolve().parents[2]


def specedit_command() -> list[str]:
    """As tests/cli/conftest.py: the console script beside this Python, else the module."""
    script = Path(sys.executable).with_name("specedit")
    return [str(script)] if script.exists() else [sys.executable, "-m", "lsp_server.cli"]


OLD = "def total(prices):\n    return sum(prices)\n"
NEW = "def subtotal(prices):\n    return sum(prices)\n"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def leftovers(*folders: Path) -> list[str]:
    return [p.name for folder in folders for p in folder.iterdir() if p.name.endswith(".specedit")]


def changed_message(path) -> str:
    return f"{path} changed while the edit ran; nothing written"


def one_line(exc: BaseException) -> str:
    message = str(exc)
    assert "\n" not in message and message, message
    return message


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "basket.py"
    path.write_text(OLD)
    return path


# -- the plain write -----------------------------------------------------------------------


def test_write_replaces_the_file_by_a_rename_keeping_its_mode(source, tmp_path):
    source.chmod(0o640)
    inode = source.stat().st_ino
    write_file(str(source), NEW, OLD)
    assert source.read_text() == NEW
    assert stat.S_IMODE(source.stat().st_mode) == 0o640
    assert source.stat().st_ino != inode
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_the_temporary_file_and_then_the_directory_are_fsynced(source, tmp_path, monkeypatch):
    synced = []
    real_fsync = os.fsync

    def fsync(fd):
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    write_file(str(source), NEW, OLD)
    assert len(synced) == 2 and synced[0].endswith(".specedit") and synced[1] == str(tmp_path)


def test_newlines_and_non_ascii_are_written_byte_for_byte(tmp_path):
    path = tmp_path / "crlf.py"
    old = "\ufeffname = 'Jos\u00e9'\r\nx = 1\r\n"
    path.write_bytes(old.encode("utf-8"))
    write_file(str(path), old.replace("x", "y"), fileio.read_source(str(path)))
    assert path.read_bytes() == old.replace("x", "y").encode("utf-8")


# -- never over a newer file ---------------------------------------------------------------


def test_a_line_appended_by_another_program_during_the_edit_is_kept(source, tmp_path):
    subprocess.run(["sh", "-c", f"echo 'print(total([1]))' >> '{source}'"], check=True)
    with pytest.raises(FileChanged) as raised:
        write_file(str(source), NEW, OLD)
    assert one_line(raised.value) == changed_message(source)
    assert source.read_text() == OLD + "print(total([1]))\n"
    assert leftovers(tmp_path) == []


def test_the_check_is_on_the_content_not_the_modification_time(source, tmp_path):
    before = source.stat()
    source.write_text(OLD.replace("sum", "max"))  # same length
    os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert source.stat().st_mtime_ns == before.st_mtime_ns and source.stat().st_size == before.st_size
    with pytest.raises(FileChanged):
        write_file(str(source), NEW, OLD)
    assert source.read_text() == OLD.replace("sum", "max")
    assert leftovers(tmp_path) == []


def test_a_file_removed_during_the_edit_is_not_recreated(source, tmp_path):
    source.unlink()
    with pytest.raises(FileChanged) as raised:
        write_file(str(source), NEW, OLD)
    assert one_line(raised.value) == changed_message(source)
    assert not source.exists() and leftovers(tmp_path) == []


WRITER = """
import sys, time
from pathlib import Path
from lsp_server.fileio import FileChanged, write_file
path, me, go = sys.argv[1], sys.argv[2], Path(sys.argv[3])
while not go.exists():
    time.sleep(0.001)
try:
    write_file(path, f"v{me}\\n", "v0\\n")
    print("won")
except FileChanged as exc:
    print("conflict:", exc)
"""


def python_env() -> dict:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}


@pytest.mark.parametrize("round_", range(3))
def test_concurrent_specedit_writers_of_one_file_one_wins_the_others_report_the_conflict(tmp_path, round_):
    path = tmp_path / "shared.py"
    path.write_text("v0\n")
    go = tmp_path / "go"
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(i), str(go)], env=python_env(),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(1, 7)]
    time.sleep(1.0)  # every writer started and waiting
    go.touch()
    outputs = [w.communicate(timeout=60) for w in writers]
    assert all(w.returncode == 0 for w in writers), [err for _, err in outputs]
    winners = [i for i, (out, _) in enumerate(outputs, 1) if out.strip() == "won"]
    assert len(winners) == 1, outputs
    assert all(out.strip() == f"conflict: {changed_message(path)}" for i, (out, _) in enumerate(outputs, 1) if i not in winners)
    assert path.read_text() == f"v{winners[0]}\n"
    assert leftovers(tmp_path) == []


# -- links, owner and group ----------------------------------------------------------------


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    target = real / "f.js"
    target.write_text(OLD)
    link = tmp_path / "link.js"
    link.symlink_to(Path("real") / "f.js")  # relative, as `ln -s real/f.js link.js` makes it
    chain = tmp_path / "chain.js"
    chain.symlink_to("link.js")
    write_file(str(chain), NEW, OLD)
    assert link.is_symlink() and os.readlink(link) == os.path.join("real", "f.js")
    assert chain.is_symlink() and os.readlink(chain) == "link.js"
    assert target.read_text() == NEW and not target.is_symlink()
    assert leftovers(tmp_path, real) == []


def test_a_hard_linked_file_is_rewritten_in_place_so_every_link_sees_the_edit(source, tmp_path):
    other = tmp_path / "other_name.py"
    os.link(source, other)
    inode = source.stat().st_ino
    write_file(str(source), NEW, OLD)
    assert other.read_text() == NEW and source.read_text() == NEW
    assert source.stat().st_ino == inode == other.stat().st_ino and source.stat().st_nlink == 2
    assert leftovers(tmp_path) == []


def test_a_hard_linked_file_changed_during_the_edit_is_not_written(source, tmp_path):
    os.link(source, tmp_path / "other_name.py")
    with open(source, "a") as f:
        f.write("x = 1\n")
    with pytest.raises(FileChanged):
        write_file(str(source), NEW, OLD)
    assert source.read_text() == OLD + "x = 1\n" and leftovers(tmp_path) == []


@pytest.mark.skipif(not IS_ROOT, reason="changing a file's owner needs root")
def test_owner_group_and_mode_are_kept(source):
    os.chown(source, 65534, 65534)
    source.chmod(0o664)
    write_file(str(source), NEW, OLD)
    st = source.stat()
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (65534, 65534, 0o664)


def test_a_group_that_cannot_be_kept_is_not_an_error(source, monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: source.stat().st_uid)

    def deny(*args):
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "fchown", deny)
    write_file(str(source), NEW, OLD)
    assert source.read_text() == NEW


# -- faults: one line, the original intact, no temporary file left -------------------------


def assert_refused(path: Path, folder: Path, exc: BaseException, *words: str, original: str = OLD) -> None:
    message = one_line(exc)
    assert str(path) in message
    for word in words:
        assert word in message, message
    assert path.read_text() == original
    assert leftovers(folder) == []


def test_read_only_file(source, tmp_path):
    source.chmod(0o444)
    with pytest.raises(FileError) as raised:
        write_file(str(source), NEW, OLD)
    assert_refused(source, tmp_path, raised.value, "read-only")
    assert stat.S_IMODE(source.stat().st_mode) == 0o444


def as_nobody() -> list[str]:
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


@pytest.mark.skipif(not IS_ROOT or shutil.which("setpriv") is None, reason="runs a process as nobody: needs root and setpriv")
def test_read_only_directory_for_a_real_unprivileged_process():
    folder = Path(tempfile.mkdtemp(prefix="specedit-rodir-"))
    try:
        folder.chmod(0o755)
        path = folder / "basket.py"
        path.write_text(OLD)
        path.chmod(0o666)  # the file is writable by nobody, the directory is not
        script = ("import sys\nfrom lsp_server.fileio import FileError, write_file\n"
                  "try:\n    write_file(sys.argv[1], sys.argv[2], sys.argv[3])\nexcept FileError as exc:\n"
                  "    print(exc)\n    sys.exit(3)\n")
        done = subprocess.run([*as_nobody(), sys.executable, "-c", script, str(path), NEW, OLD], env=python_env(),
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 3, done.stderr
        assert done.stdout.count("\n") == 1 and "permission denied" in done.stdout and "temporary file" in done.stdout
        assert path.read_text() == OLD and leftovers(folder) == []
    finally:
        shutil.rmtree(folder)


def test_read_only_directory_simulated(source, tmp_path, monkeypatch):
    def deny(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(fileio.tempfile, "mkstemp", deny)
    with pytest.raises(FileError) as raised:
        write_file(str(source), NEW, OLD)
    assert_refused(source, tmp_path, raised.value, "permission denied", "temporary file")


@pytest.fixture
def tmpfs(tmp_path):
    """A 64 KiB tmpfs mounted in tmp_path (root only; skipped where mounting is not allowed)."""
    mount = tmp_path / "tmpfs"
    mount.mkdir()
    if not IS_ROOT or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
                                     capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_disk_full_on_a_real_tiny_tmpfs(tmpfs):
    path = tmpfs / "basket.py"
    path.write_text(OLD)
    with pytest.raises(FileError) as raised:
        write_file(str(path), OLD + "# padding\n" * 20_000, OLD)  # ~200 KB on a 64 KiB file system
    assert_refused(path, tmpfs, raised.value, "no space left")


def test_disk_full_on_a_real_tiny_tmpfs_for_a_hard_linked_file(tmpfs):
    path = tmpfs / "basket.py"
    path.write_text(OLD)
    os.link(path, tmpfs / "other.py")
    (tmpfs / "filler").write_bytes(b"x" * 32_768)
    with pytest.raises(FileError) as raised:
        write_file(str(path), OLD + "# padding\n" * 2_000, OLD)  # ~20 KB: the temporary file fits, the copy does not
    assert_refused(path, tmpfs, raised.value, "no space left")
    assert (tmpfs / "other.py").read_text() == OLD


def test_read_only_file_system_on_a_real_mount(tmpfs):
    path = tmpfs / "basket.py"
    path.write_text(OLD)
    if subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], capture_output=True).returncode != 0:
        pytest.skip("cannot remount read-only")
    with pytest.raises(FileError) as raised:
        write_file(str(path), NEW, OLD)
    assert_refused(path, tmpfs, raised.value, "read-only file system")


@pytest.mark.parametrize("call", ["write", "fsync"])
def test_disk_full_simulated(source, tmp_path, monkeypatch, call):
    real = getattr(os, call)

    def full(fd, *args):
        if fd > 2 and os.path.basename(os.readlink(f"/proc/self/fd/{fd}")).endswith(".specedit"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd, *args)

    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc")
    monkeypatch.setattr(os, call, full)
    with pytest.raises(FileError) as raised:
        write_file(str(source), NEW, OLD)
    assert_refused(source, tmp_path, raised.value, "no space left")


def test_disk_full_in_the_middle_of_rewriting_a_hard_linked_file_puts_the_old_text_back(source, tmp_path, monkeypatch):
    os.link(source, tmp_path / "other.py")
    real_pwrite = os.pwrite

    def half_then_full(fd, data, offset):
        if offset == 0 and len(data) == len(NEW.encode()) + 200:
            real_pwrite(fd, bytes(data[:10]), 0)  # a partial write, then the device is full
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_pwrite(fd, data, offset)

    monkeypatch.setattr(os, "pwrite", half_then_full)
    with pytest.raises(FileError) as raised:
        write_file(str(source), NEW + "#" * 199 + "\n", OLD)
    assert_refused(source, tmp_path, raised.value, "no space left", "unchanged")


def test_a_hard_linked_file_that_cannot_be_restored_keeps_the_edit_in_the_named_temporary_file(source, tmp_path, monkeypatch):
    os.link(source, tmp_path / "other.py")

    def broken(fd, data, offset):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "pwrite", broken)  # neither the new text nor the old one can be written back
    with pytest.raises(FileError) as raised:
        write_file(str(source), NEW, OLD)
    message = one_line(raised.value)
    kept = leftovers(tmp_path)
    assert len(kept) == 1 and kept[0] in message and "may be damaged" in message
    assert (tmp_path / kept[0]).read_text() == NEW
    (tmp_path / kept[0]).unlink()


@pytest.fixture
def immutable(source):
    if not IS_ROOT or shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(source)],
                                                                     capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here")
    try:
        yield source
    finally:
        subprocess.run(["chattr", "-i", str(source)], check=False)


def test_permission_denied_on_a_real_immutable_file(immutable, tmp_path):
    with pytest.raises(FileError) as raised:
        write_file(str(immutable), NEW, OLD)
    assert_refused(immutable, tmp_path, raised.value, "permission denied")


@pytest.mark.parametrize("errno_", [errno.EACCES, errno.EPERM])
def test_permission_denied_at_the_rename_simulated(source, tmp_path, monkeypatch, errno_):
    def deny(*args, **kwargs):
        raise PermissionError(errno_, os.strerror(errno_))

    monkeypatch.setattr(os, "replace", deny)
    with pytest.raises(FileError) as raised:
        write_file(str(source), NEW, OLD)
    assert_refused(source, tmp_path, raised.value, "permission denied")


# -- the writers: `specedit apply` (a stub model) and `specedit edit --write` (the real one) ---


class AppendingEngine:
    """An engine whose 'model' renames total, while another program appends a line to the file."""

    def edit(self, request):
        path = Path(self.path)
        text = path.read_text()
        with open(path, "a") as f:
            f.write("print('appended meanwhile')\n")
        return SimpleNamespace(text=text.replace("total", "subtotal"), problems=[], stats_json=lambda: {})


def test_apply_answers_the_conflict_and_writes_nothing(tmp_path):
    from lsp_server.apply import run_batch

    path = tmp_path / "basket.py"
    shutil.copyfile(ROOT / "tests" / "data" / "cli" / "basket.py", path)
    original = path.read_text()
    engine = AppendingEngine()
    engine.path = str(path)
    out = io.StringIO()
    status = run_batch(engine, io.StringIO(json.dumps({"file": str(path), "symbol": "total", "new_name": "subtotal"}) + "\n"), out)
    answer = json.loads(out.getvalue())
    assert status == 1
    assert answer["ok"] is False and answer["error"] == changed_message(path)
    assert path.read_text() == original + "print('appended meanwhile')\n"
    assert leftovers(tmp_path) == []


def wait_for_model_loading(proc: subprocess.Popen, timeout: float = 120) -> None:
    """The edit has read the file once llama.cpp maps the GGUF (the file is read before the model loads)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if ".gguf" in Path(f"/proc/{proc.pid}/maps").read_text():
                return
        except OSError:
            pass
        time.sleep(0.005)
    pytest.fail("the edit never loaded the model")


def start_edit(project: Path, *args: str) -> subprocess.Popen:
    argv = [*specedit_command(), "edit", *args, "--n-threads", os.environ.get("SPECEDIT_TEST_THREADS", "1"),
            "--no-prompt-cache"]
    return subprocess.Popen(argv, cwd=project, env=python_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.model
@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="watches /proc/PID/maps")
def test_edit_write_does_not_lose_a_line_appended_during_the_edit(project, copy_in):
    path = copy_in("basket.py")
    original = path.read_text()
    proc = start_edit(project, "basket.py", "--symbol", "total", "--new-name", "subtotal", "--write")
    wait_for_model_loading(proc)
    with open(path, "a") as f:
        f.write("print(describe([1.0, 2.0]))\n")
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 1, err
    assert err == f"specedit: {changed_message('basket.py')}\n"
    assert path.read_text() == original + "print(describe([1.0, 2.0]))\n"
    assert leftovers(project) == []


@pytest.mark.model
def test_edit_write_through_a_symlink_keeps_the_link(specedit, project, copy_in):
    real = project / "real"
    real.mkdir()
    copy_in("basket.py").rename(real / "basket.py")
    (project / "link.py").symlink_to(Path("real") / "basket.py")
    done = specedit("edit", "link.py", "--symbol", "total", "--new-name", "subtotal", "--write")
    assert done.returncode == 0, done.stderr
    assert (project / "link.py").is_symlink() and os.readlink(project / "link.py") == os.path.join("real", "basket.py")
    assert "def subtotal(prices):" in (real / "basket.py").read_text()
    assert leftovers(project, real) == []


@pytest.mark.model
def test_edit_write_to_a_read_only_file_is_one_line_exit_2_and_nothing_left(specedit, project, copy_in):
    path = copy_in("basket.py")
    original = path.read_text()
    path.chmod(0o444)
    done = specedit("edit", "basket.py", "--symbol", "total", "--new-name", "subtotal", "--write")
    assert done.returncode == 2, done.stderr
    assert done.stderr == "specedit: cannot write basket.py: the file is read-only (mode 444); nothing written\n"
    assert path.read_text() == original and leftovers(project) == []
