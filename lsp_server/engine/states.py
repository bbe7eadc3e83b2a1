"""Prompt states kept (in memory; on disk for the command line): the KV cache of a prompt the model
moved away from, restored when a later prompt begins the same way (no llama.cpp here: token lists,
opaque bytes, files).

The model holds one sequence. An agent's batch that edits shlex.py, then client.go, then shlex.py
again, or an editor user who goes back to the file they edited before, prefilled the first file's
prompt from scratch the second time (6.5 s of a 9.8 s edit on the 1.5B). A prompt of at least
MIN_TOKENS that the next prompt leaves is kept (its prompt part, not the answer after it); a prompt that
shares MIN_TOKENS more with a kept one than with the cache as it stands gets it back, and prefills
only its own tail. Least recently used first out, within `max_bytes`.

With a `directory` (the command line: each `specedit edit` is a process of its own), the prompt a process
ends on is written there too (`keep`), and a later process takes it back the same way: an agent's second
edit of a file. Each state is two files named by the sha256 of its bytes, checked before a restore (a
file cut short or changed is dropped, never loaded); the oldest go past `disk_bytes`.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

# Fewer tokens than this are as cheap to prefill again as to keep (a state copies ~28 KB per token on the 1.5B).
MIN_TOKENS = 256


def common_prefix(a: Sequence[int] | np.ndarray, b: Sequence[int] | np.ndarray) -> int:
    """How many tokens two lists share from their starts."""
    n = min(len(a), len(b))
    if n == 0:
        return 0
    differ = np.flatnonzero(np.asarray(a[:n]) != np.asarray(b[:n]))
    return int(differ[0]) if len(differ) else n


class PromptStates:
    """Kept prompt states: tokens -> the bytes llama.cpp gave for the sequence holding exactly them."""

    def __init__(self, max_bytes: int, directory: Path | None = None, disk_bytes: int = 512 << 20):
        self.max_bytes, self.directory, self.disk_bytes = max_bytes, directory, disk_bytes
        self.entries: OrderedDict[tuple[int, ...], bytes] = OrderedDict()
        self.on_disk: dict[tuple[int, ...], Path] = {}  # states kept by earlier processes: read when taken
        if directory is not None and directory.is_dir():
            for tokens in sorted(directory.glob("*.tokens"), key=_mtime):
                try:
                    self.on_disk[tuple(int(t) for t in np.fromfile(tokens, dtype=np.int32))] = tokens.with_suffix(".kv")
                except (OSError, ValueError):
                    continue

    @property
    def size(self) -> int:
        return sum(len(blob) for blob in self.entries.values())

    def worth_keeping(self, tokens: Sequence[int], kept_after: int) -> bool:
        """Whether a prompt of `tokens`, of which the next prompt keeps `kept_after`, should be kept."""
        return self.max_bytes > 0 and len(tokens) >= MIN_TOKENS and kept_after + MIN_TOKENS <= len(tokens)

    def put(self, tokens: Sequence[int], blob: bytes) -> None:
        """Keep a state; one whose tokens begin this one's, or are all of them, goes (this one serves for it)."""
        key = tuple(tokens)
        if not blob or len(blob) > self.max_bytes:
            return
        for old in _served_by(self.entries, key):
            del self.entries[old]
        self.entries[key] = blob
        while self.size > self.max_bytes:
            self.entries.popitem(last=False)

    def best(self, tokens: Sequence[int], have: int) -> tuple[tuple[int, ...], int] | None:
        """The kept state that shares the most with `tokens`, and how many it shares, where that is
        MIN_TOKENS more than the `have` tokens the cache shares with them now; None where none does."""
        want = np.asarray(tokens)
        shared = {key: common_prefix(key, want) for key in {*self.entries, *self.on_disk}}
        key = max(shared, key=shared.get, default=None)
        return None if key is None or shared[key] < have + MIN_TOKENS else (key, shared[key])

    def take(self, key: tuple[int, ...]) -> bytes | None:
        """A kept state's bytes, to restore; it becomes the most recently used. None (and forgotten) where
        its file is gone or is not the bytes its name says."""
        if key in self.entries:
            self.entries.move_to_end(key)
            return self.entries[key]
        path = self.on_disk[key]
        try:
            blob = path.read_bytes()
        except OSError:
            del self.on_disk[key]
            return None
        if hashlib.sha256(blob).hexdigest()[:32] != path.stem:
            del self.on_disk[key]
            for f in (path, path.with_suffix(".tokens")):
                f.unlink(missing_ok=True)
            return None
        self.put(key, blob)
        return blob

    def forget(self, key: tuple[int, ...]) -> None:
        self.entries.pop(key, None)
        self.on_disk.pop(key, None)

    def keep(self, tokens: Sequence[int], blob: bytes) -> None:
        """put(), and where there is a directory write the state there for later processes (best effort:
        a full disk or a folder that cannot be written keeps nothing)."""
        self.put(tokens, blob)
        if self.directory is None or not blob or len(tokens) < MIN_TOKENS:
            return
        stem, tmp = hashlib.sha256(blob).hexdigest()[:32], None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            for suffix, data in ((".kv", blob), (".tokens", np.asarray(tokens, dtype=np.int32).tobytes())):
                fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                os.replace(tmp, self.directory / (stem + suffix))
                tmp = None
            for old in _served_by(self.on_disk, tuple(tokens)):  # the same prompt, or one it goes on from
                if (path := self.on_disk.pop(old)).stem != stem:
                    for f in (path, path.with_suffix(".tokens")):
                        f.unlink(missing_ok=True)
            self._prune()
        except OSError:
            if tmp is not None:  # a write cut short (a full disk) leaves nothing behind
                Path(tmp).unlink(missing_ok=True)

    def _prune(self) -> None:
        """The oldest states out of the directory until it holds at most disk_bytes."""
        files = sorted(self.directory.glob("*.kv"), key=_mtime)
        total = sum(_size(f) for f in files)
        for kv in files:
            if total <= self.disk_bytes:
                break
            total -= _size(kv)
            for f in (kv, kv.with_suffix(".tokens")):
                f.unlink(missing_ok=True)


def _served_by(keys, key: tuple[int, ...]) -> list[tuple[int, ...]]:
    """The kept prompts a state of `key` serves for: `key` itself and those it begins with."""
    return [k for k in keys if len(k) <= len(key) and key[:len(k)] == k]


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
