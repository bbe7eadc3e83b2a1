"""Resumable HTTP downloads with progress reporting.

Used by the model manager to fetch large artifacts. Partial files are kept
next to the destination with a ``.part`` suffix so that an interrupted
download can continue where it stopped.
"""

import os
import shutil
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Optional

CHUNK_SIZE = 1 << 16
USER_AGENT = "artifact-downloader/1.4"
PART_SUFFIX = ".part"

ProgressCallback = Callable[[int, Optional[int]], None]


class DownloadError(Exception):
    """Raised when a download cannot be completed."""


@dataclass
class DownloadResult:
    path: Path
    size: int
    resumed: bool
    from_cache: bool = False


def _part_path(dest: Path) -> Path:
    return dest.with_name(dest.name + PART_SUFFIX)


def _request(url: str, offset: int, headers: Optional[Dict[str, str]]) -> urllib.request.Request:
    req = urllib.request.Request(url)
    req.add_header("User-Agent", USER_AGENT)
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    if offset:
        req.add_header("Range", f"bytes={offset}-")
    return req


def _total_size(response, offset: int) -> Optional[int]:
    length = response.headers.get("Content-Length")
    if length is None:
        return None
    return int(length) + offset


class Downloader:
    def __init__(self, cache_dir: Optional[Path] = None, timeout: float = 60.0) -> None:
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self.timeout = timeout

    def cached(self, name: str) -> Optional[Path]:
        if self.cache_dir is None:
            return None
        candidate = self.cache_dir / name
        return candidate if candidate.is_file() else None

    def download(
        self,
        url: str,
        dest: Path,
        progress: Optional[ProgressCallback] = None,
        headers: Optional[Dict[str, str]] = None,
    ) -> DownloadResult:
        dest = Path(dest)
        hit = self.cached(dest.name)
        if hit is not None:
            shutil.copyfile(hit, dest)
            return DownloadResult(dest, dest.stat().st_size, resumed=False, from_cache=True)

        part = _part_path(dest)
        offset = part.stat().st_size if part.exists() else 0
        req = _request(url, offset, headers)
        try:
            response = urllib.request.urlopen(req, timeout=self.timeout)
        except OSError as exc:
            raise DownloadError(f"cannot fetch {url}: {exc}") from exc

        with response:
            status = getattr(response, "status", 200)
            if offset and status != 206:
                offset = 0
                part.unlink(missing_ok=True)
            total = _total_size(response, offset)
            mode = "ab" if offset else "wb"
            done = offset
            with part.open(mode) as fh:
                while True:
                    chunk = response.read(CHUNK_SIZE)
                    if not chunk:
                        break
                    fh.write(chunk)
                    done += len(chunk)
                    if progress is not None:
                        progress(done, total)

        if total is not None and done != total:
            raise DownloadError(f"incomplete download of {url}: {done} of {total} bytes")
        os.replace(part, dest)
        if self.cache_dir is not None:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(dest, self.cache_dir / dest.name)
        return DownloadResult(dest, done, resumed=offset > 0)

    def download_to_temp(self, url: str, suffix: str = "") -> DownloadResult:
        fd, name = tempfile.mkstemp(suffix=suffix)
        os.close(fd)
        return self.download(url, Path(name))


def print_progress(done: int, total: Optional[int]) -> None:
    if total:
        pct = done * 100 // total
        print(f"\r{done:>12} / {total} bytes ({pct:3d}%)", end="", flush=True)
    else:
        print(f"\r{done:>12} bytes", end="", flush=True)
