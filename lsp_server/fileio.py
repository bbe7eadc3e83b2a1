"""Reading and writing the user's files safely: nothing written over a newer file, nothing lost on disk.

`write_file(path, new_text, expected_old_text)` is the one way specedit writes a user's file
(`specedit edit --write`, `specedit apply`):

- Symlinks are resolved: the link's target is written and the link stays a link.
- The new text goes to a temporary file `.NAME.XXXX.specedit` beside the target, written in
  full and fsynced, with the target's mode and (where permitted) owner and group.
- Under an advisory lock (`fcntl.flock` on the target, re-taken if the target was replaced
  meanwhile), the target is read again: if its bytes are not exactly `expected_old_text`
  (compared by SHA-256), nothing is written and `FileChanged` says "PATH changed while the
  edit ran; nothing written". Two specedit writers of one file therefore never both win.
- A file with one link is then replaced by `rename(2)` and its directory fsynced. A file with
  several hard links is rewritten in place (same inode, so every link sees the edit): space is
  reserved first, then the bytes are overwritten, truncated and fsynced; if that fails the old
  bytes are put back (and if even that fails, the message names the temporary file that holds
  the new text).
- Every failure is a `FileError` with a one-line message; the target is unchanged and no
  temporary file is left behind.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import difflib
import errno
import fcntl
import hashlib
import logging
import os
import sys
import tempfile
from pathlib import Path

log = logging.getLogger("specedit")


class FileError(Exception):
    """A user's file cannot be read or written; the message is one line for the user."""


class FileChanged(FileError):
    """The file no longer holds the text the edit was computed from; nothing was written."""


# -- reading -------------------------------------------------------------------------------


def read_source(path: str) -> str:
    """The file's text (UTF-8, newlines kept as they are); FileError if missing, unreadable or binary."""
    p = Path(path)
    if not p.exists():
        raise FileError(f"no such file: {path}")
    if not p.is_file():
        raise FileError(f"not a regular file: {path}")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise FileError(f"cannot read {path}: {exc.strerror}") from exc
    if b"\x00" in data:
        raise FileError(f"{path} looks binary (it contains NUL bytes); refusing to edit it")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileError(f"{path} is not UTF-8 text (byte {exc.start}); refusing to edit it") from exc


def read_sketch(source: str) -> str:
    """An edit sketch from a file, or from stdin when source is '-'."""
    if source == "-":
        return sys.stdin.read()
    return read_source(source)


def unified_diff(path: str, old: str, new: str) -> str:
    return "".join(
        difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{path}", f"b/{path}")
    )


# -- writing -------------------------------------------------------------------------------

_REASONS = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "read-only file system",
}


def _reason(exc: OSError) -> str:
    return _REASONS.get(exc.errno) or (exc.strerror or str(exc)).lower()


def _digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _write_all(fd: int, data: bytes, offset: int | None = None) -> None:
    view = memoryview(data)
    done = 0
    while done < len(view):
        if offset is None:
            n = os.write(fd, view[done:])
        else:
            n = os.pwrite(fd, view[done:], offset + done)
        if n <= 0:  # a full device may report a short write of 0 bytes instead of ENOSPC
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        done += n


def _read_all(fd: int) -> bytes:
    chunks = []
    offset = 0
    while True:
        chunk = os.pread(fd, 1 << 20, offset)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        offset += len(chunk)


def _fsync_directory(directory: str) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        log.warning("cannot open %s to fsync it: %s", directory, exc)
        return
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            log.warning("fsync of directory %s failed: %s", directory, exc)
    finally:
        os.close(fd)


_FALLOC_FL_KEEP_SIZE = 0x01
_libc = None


def _reserve(fd: int, length: int) -> None:
    """Allocate `length` bytes for fd without changing its size (Linux fallocate); ENOSPC raises."""
    global _libc
    if not sys.platform.startswith("linux"):
        return
    if _libc is None:
        try:
            _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            _libc.fallocate.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_longlong, ctypes.c_longlong]
        except (OSError, AttributeError):
            _libc = False
    if not _libc:
        return
    if _libc.fallocate(fd, _FALLOC_FL_KEEP_SIZE, 0, length) != 0:
        err = ctypes.get_errno()
        if err in (errno.ENOSPC, errno.EDQUOT):
            raise OSError(err, os.strerror(err))
        # EOPNOTSUPP, ENOSYS, EINVAL...: the file system cannot reserve; write without it.


class _Locked:
    """The target opened and flock'ed, re-opened until the lock is on the inode the path names."""

    def __init__(self, real: str, display: str, flags: int):
        self.fd = -1
        for _ in range(100):
            try:
                fd = os.open(real, flags)
            except FileNotFoundError as exc:
                raise FileChanged(f"{display} changed while the edit ran; nothing written") from exc
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                held, now = os.fstat(fd), os.stat(real)
            except FileNotFoundError as exc:
                os.close(fd)
                raise FileChanged(f"{display} changed while the edit ran; nothing written") from exc
            except BaseException:
                os.close(fd)
                raise
            if (held.st_dev, held.st_ino) == (now.st_dev, now.st_ino):
                self.fd = fd
                self.stat = held
                return
            os.close(fd)  # another writer replaced the file while we waited: lock the new one
        raise FileError(f"cannot lock {display}: it keeps being replaced; nothing written")

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)  # releases the flock
            self.fd = -1


def _keep_owner(fd: int, st: os.stat_result) -> None:
    if os.geteuid() != 0 and os.geteuid() != st.st_uid:
        return
    try:
        os.fchown(fd, st.st_uid, st.st_gid)
    except PermissionError:  # EPERM: e.g. a group the user is not in; the file keeps ours
        pass


def write_file(path: str, new_text: str, expected_old_text: str) -> None:
    """Write new_text to path if, just before the write, path still holds exactly expected_old_text.

    Raises FileChanged if it does not, FileError for any other failure; in every case of an
    exception the file is unchanged and no temporary file is left.
    """
    real = os.path.realpath(path)
    directory = os.path.dirname(real) or "."
    new = new_text.encode("utf-8")
    expected = _digest(expected_old_text.encode("utf-8"))
    nothing = "nothing written"
    try:
        st = os.stat(real)
    except FileNotFoundError as exc:
        raise FileChanged(f"{path} changed while the edit ran; {nothing}") from exc
    except OSError as exc:
        raise FileError(f"cannot write {path}: {_reason(exc)}; {nothing}") from exc
    if not (st.st_mode & 0o222):
        raise FileError(f"cannot write {path}: the file is read-only (mode {st.st_mode & 0o7777:o}); {nothing}")
    if not os.access(real, os.W_OK):
        try:
            readonly_fs = bool(os.statvfs(directory).f_flag & os.ST_RDONLY)
        except OSError:
            readonly_fs = False
        why = "read-only file system" if readonly_fs else "permission denied"
        raise FileError(f"cannot write {path}: {why}; {nothing}")
    in_place = st.st_nlink > 1

    # 1. The new text, in full and on disk, in a temporary file beside the target.
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(real)}.", suffix=".specedit", dir=directory)
    except OSError as exc:
        raise FileError(f"cannot write {path}: {_reason(exc)} (creating a temporary file in {directory}/); {nothing}") from exc
    keep_tmp = False
    try:
        try:
            _write_all(fd, new)
            os.fsync(fd)
            if not in_place:
                _keep_owner(fd, st)
                os.fchmod(fd, st.st_mode & 0o7777)
        except OSError as exc:
            raise FileError(f"cannot write {path}: {_reason(exc)}; {nothing}") from exc
        finally:
            os.close(fd)

        # 2. Under the lock: the check, then the rename (or the in-place rewrite).
        try:
            locked = _Locked(real, path, os.O_RDWR if in_place else os.O_RDONLY)
        except OSError as exc:
            raise FileError(f"cannot write {path}: {_reason(exc)}; {nothing}") from exc
        try:
            try:
                current = _read_all(locked.fd)
            except OSError as exc:
                raise FileError(f"cannot read {path} again before writing: {_reason(exc)}; {nothing}") from exc
            if _digest(current) != expected:
                raise FileChanged(f"{path} changed while the edit ran; {nothing}")
            if in_place and locked.stat.st_nlink > 1:
                try:
                    _rewrite_in_place(locked.fd, new, current, path, tmp)
                except FileError as exc:
                    keep_tmp = getattr(exc, "keep_temporary", False)  # it holds the only copy of the edit
                    raise
            else:
                if in_place:  # the other links went away meanwhile: a plain replace will do
                    _keep_owner_path(tmp, locked.stat)
                try:
                    os.replace(tmp, real)
                except OSError as exc:
                    raise FileError(f"cannot write {path}: {_reason(exc)}; {nothing}") from exc
                _fsync_directory(directory)
        finally:
            locked.close()
    finally:
        if not keep_tmp:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass  # renamed into place
            except OSError as exc:
                log.warning("cannot remove the temporary file %s: %s", tmp, exc)


def _keep_owner_path(tmp: str, st: os.stat_result) -> None:
    fd = os.open(tmp, os.O_RDONLY)
    try:
        _keep_owner(fd, st)
        os.fchmod(fd, st.st_mode & 0o7777)
    finally:
        os.close(fd)


def _rewrite_in_place(fd: int, new: bytes, old: bytes, path: str, tmp: str) -> None:
    """Overwrite a hard-linked file's inode with new; on failure put old back.

    If even that fails, the FileError has keep_temporary set: tmp (which holds new) is kept and named.
    """
    try:
        if len(new) > len(old):
            _reserve(fd, len(new))
    except OSError as exc:
        raise FileError(f"cannot write {path}: {_reason(exc)}; nothing written") from exc
    try:
        _write_all(fd, new, 0)
        os.ftruncate(fd, len(new))
        os.fsync(fd)
    except OSError as exc:
        reason = _reason(exc)
        try:
            _write_all(fd, old, 0)
            os.ftruncate(fd, len(old))
            os.fsync(fd)
        except OSError:
            damaged = FileError(f"cannot write {path}: {reason}; the file may be damaged: the edited text is in {tmp}")
            damaged.keep_temporary = True
            raise damaged from exc
        raise FileError(f"cannot write {path}: {reason}; the file is unchanged") from exc
