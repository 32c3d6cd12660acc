"""Write a file so that readers see either the previous complete file or the new complete one, never a part.

The new content goes to a temporary file in the same directory (same filesystem, so the rename is
atomic), is flushed and fsynced, and only then renamed over the old file. A gzip copy is written
alongside in the same pass, for clients that accept gzip.

A set of documents (Amazon's listings.json, listings-2.json …) goes to a new hidden directory, and a
symbolic link named after the format is swapped to it in one rename: a reader sees the previous set or
the new one, and a fetch that already opened a file of the previous set reads it to the end.
"""

import contextlib
import gzip
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from isal import igzip, isal_zlib

# The gzip copy is served as `Content-Encoding: gzip` (RFC 1952) to marketplaces that accept it; any level is
# the same format to them, only the size differs. Level 1 compresses 2–2.5 times as fast as zlib's default 6
# (measured: 141 against 57 MB/s on mixed-language text, 485 against 240 MB/s on the bench's feeds) for a
# file a third larger, and a feed is built after every publish but fetched a few times a day.
# settings.FEEDS_GZIP_LEVEL overrides it (None: no gzip copy).
DEFAULT_GZIP_LEVEL = 1
# Levels 1–3 are compressed with ISA-L (the `isal` package: Intel's gzip-compatible deflate): at level 1 it
# measured 1,780 MB/s on a Meta feed against zlib's 365, for a smaller file (8.4% of the CSV against 8.8%);
# zlib's compression was about 5% of a Meta build's time. Higher levels (a smaller file wanted) and 0 (stored,
# not compressed) use zlib.
ISAL_MAX_LEVEL = isal_zlib.ISAL_BEST_COMPRESSION


def gzip_writer(fileobj: BinaryIO, level: int) -> gzip.GzipFile | igzip.GzipFile:
    """A gzip stream of `level` into `fileobj`, without a name or timestamp in its header (the same bytes for
    the same feed)."""
    opener = igzip.GzipFile if 1 <= level <= ISAL_MAX_LEVEL else gzip.GzipFile
    return opener(filename="", mode="wb", fileobj=fileobj, compresslevel=level, mtime=0)


class _Tee:
    """A binary sink writing to the plain file and, optionally, through gzip into a second file."""

    def __init__(self, plain: BinaryIO, compressed: gzip.GzipFile | igzip.GzipFile | None):
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
def atomic_output(path: Path | str, *, gzip_level: int | None = DEFAULT_GZIP_LEVEL) -> Iterator[_Tee]:
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
            compressed = gzip_writer(raw_gz, gzip_level)
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


class _Document:
    """One document of a set: the plain file and its gzip copy, written in one pass."""

    def __init__(self, path: Path, gzip_level: int | None):
        self.path = path
        self.plain = open(path, "wb", buffering=1024 * 1024)  # noqa: SIM115 (closed by finish/discard)
        self.raw_gz = None
        self.compressed = None
        if gzip_level is not None:
            self.raw_gz = open(gzip_path(path), "wb", buffering=1024 * 1024)  # noqa: SIM115
            self.compressed = gzip_writer(self.raw_gz, gzip_level)
        self.sink = _Tee(self.plain, self.compressed)

    def finish(self) -> None:
        if self.compressed is not None:
            self.compressed.close()
            self.raw_gz.flush()
            os.fsync(self.raw_gz.fileno())
            self.raw_gz.close()
            os.chmod(gzip_path(self.path), 0o644)
        self.plain.flush()
        os.fsync(self.plain.fileno())
        self.plain.close()
        os.chmod(self.path, 0o644)

    def discard(self) -> None:
        for handle in (self.compressed, self.raw_gz, self.plain):
            if handle is not None:
                with contextlib.suppress(Exception):
                    handle.close()


class DocumentSet:
    """Hands out the documents of a set one after the other; `documents` describes the finished ones."""

    def __init__(self, directory: Path, name: Callable[[int], str], gzip_level: int | None):
        self.directory = directory
        self._name = name
        self._gzip_level = gzip_level
        self._open: _Document | None = None
        self.documents: list[dict] = []  # {"name", "size", plus what the serializer notes}

    def next_document(self, **facts) -> _Tee:
        """Finish the open document (recording `facts` about it, e.g. its message count) and open the next."""
        self.close_document(**facts)
        name = self._name(len(self.documents) + 1)
        self._open = _Document(self.directory / name, self._gzip_level)
        return self._open.sink

    def close_document(self, **facts) -> None:
        if self._open is None:
            return
        document, self._open = self._open, None
        document.finish()
        self.documents.append({"name": document.path.name, "size": document.path.stat().st_size, **facts})

    def discard(self) -> None:
        if self._open is not None:
            self._open.discard()
            self._open = None


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.is_dir():
        shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def atomic_document_set(
    link: Path | str, name: Callable[[int], str], *, gzip_level: int | None = DEFAULT_GZIP_LEVEL
) -> Iterator[DocumentSet]:
    """Yield a DocumentSet; on a clean exit the symbolic link `link` points at the new set, in one rename.

    On an exception the new directory is removed and `link` still points at the previous set.
    """
    link = Path(link)
    link.parent.mkdir(parents=True, exist_ok=True)
    directory = Path(tempfile.mkdtemp(prefix=f".{link.name}.", dir=link.parent))
    documents = DocumentSet(directory, name, gzip_level)
    try:
        yield documents
        documents.close_document()
        os.chmod(directory, 0o755)  # noqa: S103 (served: readable by the web process, like the 0o644 files)
        _fsync_dir(directory)
        previous = link.parent / os.readlink(link) if link.is_symlink() else None
        if link.exists() and not link.is_symlink():
            _remove(link)  # not ours to keep: the name belongs to the set
        temporary_link = link.parent / f".{link.name}.{secrets.token_hex(6)}.link"
        os.symlink(directory.name, temporary_link)
        os.replace(temporary_link, link)
        _fsync_dir(link.parent)
    except BaseException:
        documents.discard()
        shutil.rmtree(directory, ignore_errors=True)
        raise
    if previous is not None and previous.resolve() != directory.resolve():
        shutil.rmtree(previous, ignore_errors=True)  # open readers keep their files until they close them


@contextlib.contextmanager
def document_files(
    first: Path | str, name: Callable[[int], str], *, gzip_level: int | None = DEFAULT_GZIP_LEVEL
) -> Iterator[DocumentSet]:
    """A set written as plain files beside `first` (export_feed --output): each file replaced atomically,
    documents of a previous, longer set removed."""
    first = Path(first)
    with atomic_document_set(first.parent / f".{first.name}.set", name, gzip_level=gzip_level) as documents:
        yield documents
    link = first.parent / f".{first.name}.set"
    target = link.parent / os.readlink(link)
    try:
        names = [document["name"] for document in documents.documents]
        for document_name in names:
            for suffix in ("", ".gz"):
                source = target / f"{document_name}{suffix}"
                if source.exists():
                    os.replace(source, first.parent / f"{document_name}{suffix}")
                elif suffix:
                    (first.parent / f"{document_name}{suffix}").unlink(missing_ok=True)
        number = len(names) + 1
        while (stale := first.parent / name(number)).exists():
            stale.unlink()
            gzip_path(stale).unlink(missing_ok=True)
            number += 1
    finally:
        link.unlink(missing_ok=True)
        shutil.rmtree(target, ignore_errors=True)
