# ... existing code ...
import hashlib
import os
# ... existing code ...
def _total_size(response, offset: int) -> Optional[int]:
    length = response.headers.get("Content-Length")
    if length is None:
        return None
    return int(length) + offset


def sha256_of(path: Path) -> str:
    """Return the hex SHA-256 digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK_SIZE), b""):
            digest.update(chunk)
    return digest.hexdigest()


class Downloader:
# ... existing code ...
    def download_to_temp(
        self, url: str, suffix: str = "", expected_sha256: Optional[str] = None
    ) -> DownloadResult:
        fd, name = tempfile.mkstemp(suffix=suffix)
        os.close(fd)
        result = self.download(url, Path(name))
        if expected_sha256 is not None and sha256_of(result.path) != expected_sha256.lower():
            result.path.unlink(missing_ok=True)
            raise DownloadError(f"checksum mismatch for {url}")
        return result
# ... existing code ...
