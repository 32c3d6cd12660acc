"""Write a file so that readers see either the previous complete file or the new complete one, never a part.

The new content goes to a temporary file in the same directory (same filesystem, so the rename is
atomic), is flushed and fsynced, and only then renamed over the old file. A gzip copy is written
alongside in the same pass, for clients that accept gzip.
"""

import contextlib
import gzip
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


class _Tee:
    """A binary sink writing to the plain file and, optionally, through gzip into a second file."""

    def __init__(self, plain: BinaryIO, compressed: gzip.GzipFile | None):
        self._plain = plain
        self._compressed = compressed
        self.bytes_written = 0

    def write(self, data: bytes) -> int:
        self._plain.write(data)
        if self._compressed is not None:
            self._compressed.write(data)
        self.bytes_written += len(data)
        return len(data)

    def flush(self) -> None:
        self._plain.flush()


def gzip_path(path: Path) -> Path:
    return path.with_name(path.name + ".gz")


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform lets a directory be opened
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_output(path: Path | str, *, gzip_level: int | None = 6) -> Iterator[_Tee]:
    """Yield a binary sink; on a clean exit the file (and its .gz) replace `path` atomically.

    On an exception the temporary files are removed and whatever was at `path` stays as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    gz_tmp: Path | None = None
    plain = os.fdopen(fd, "wb", buffering=1024 * 1024)
    raw_gz = None
    compressed = None
    try:
        if gzip_level is not None:
            gz_fd, gz_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".gz.tmp", dir=path.parent)
            gz_tmp = Path(gz_name)
            raw_gz = os.fdopen(gz_fd, "wb", buffering=1024 * 1024)
            compressed = gzip.GzipFile(filename="", mode="wb", fileobj=raw_gz, compresslevel=gzip_level, mtime=0)
        sink = _Tee(plain, compressed)
        yield sink
        if compressed is not None:
            compressed.close()
            raw_gz.flush()
            os.fsync(raw_gz.fileno())
            raw_gz.close()
        plain.flush()
        os.fsync(plain.fileno())
        plain.close()
        os.chmod(tmp, 0o644)
        if gz_tmp is not None:
            os.chmod(gz_tmp, 0o644)
            # The .gz first: a reader that sees the new plain file must not get the old gzip copy.
            os.replace(gz_tmp, gzip_path(path))
        else:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(gzip_path(path))
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except BaseException:
        for handle in (compressed, raw_gz, plain):
            if handle is not None:
                with contextlib.suppress(Exception):
                    handle.close()
        for leftover in (tmp, gz_tmp):
            if leftover is not None:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(leftover)
        raise
