"""New files for agents' patches: created only where no file is, never over one (fileio.write_file rewrites existing files)."""

from __future__ import annotations

import os
import tempfile

from .fileio import FileChanged, FileError


def create_file(path: str, text: str) -> None:
    """Create `path` holding `text`, with its folders; FileChanged if a file appeared there meanwhile.

    The text is written and fsynced to a temporary file beside it, then hard-linked to the name:
    link(2) fails if the name exists, so a file someone else created is never replaced.
    """
    folder = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".specedit", dir=folder)
    except OSError as exc:
        raise FileError(f"cannot create {path}: {exc.strerror}; nothing written") from exc
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(text.encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes it 0600; a source file is readable by all, as editors make them
        os.link(tmp, path)
    except FileExistsError as exc:
        raise FileChanged(f"{path} appeared while the edit ran; nothing written") from exc
    except OSError as exc:
        raise FileError(f"cannot create {path}: {exc.strerror}; nothing written") from exc
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def remove_created(path: str, text: str) -> None:
    """Undo create_file: remove `path` only if it still holds exactly `text`; FileChanged otherwise."""
    try:
        with open(path, "rb") as f:
            current = f.read()
    except FileNotFoundError:
        return
    if current != text.encode("utf-8"):
        raise FileChanged(f"{path} changed after it was created; left as it is")
    os.unlink(path)

