"""The SKUs of an Amazon build as a sorted file on disk, and the SKUs that left between two builds.

An Amazon build sends a DELETE for each SKU the previous build listed and this one does not. Holding both
builds' SKUs in Python sets grows with the catalog; two sorted files compared in one merge pass keep memory
flat. The SKUs of a build come in catalog order, so they are sorted in runs of at most `RUN_SIZE` (the only
SKUs held in memory), each run but the last written to its own file, and the runs merged (`heapq.merge`)
into the final file.

The file holds one SKU a line, in Python string order (code point order), without repeats. Rows saved before
`catalog.validators.validate_sku` may hold any character, so backslash, line feed and carriage return are
escaped on a line; the order is that of the SKUs themselves, not of their escaped lines.
"""

import heapq
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

RUN_SIZE = 50_000  # SKUs sorted in memory at a time (≈ 4 MB); a run beyond that goes to its own file
SKU_FILE = ".skus.txt"  # the name in a set's directory; no document name, so never served (FeedFormat.document_number)

_ESCAPE = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r"})
_ESCAPED = re.compile(r"\\(.)")
_UNESCAPE = {"\\": "\\", "n": "\n", "r": "\r"}


def _line(sku: str) -> str:
    if "\\" in sku or "\n" in sku or "\r" in sku:  # rare; str.translate costs a microsecond a SKU
        sku = sku.translate(_ESCAPE)
    return sku + "\n"


def _sku(line: str) -> str:
    line = line[:-1] if line.endswith("\n") else line
    return _ESCAPED.sub(lambda match: _UNESCAPE[match.group(1)], line) if "\\" in line else line


def _write(path: Path, skus: Iterable[str], *, durable: bool) -> int:
    """Write sorted SKUs to `path`, skipping repeats; `durable`: fsynced, for the file swapped in with the
    documents (a run is scratch, read back at once)."""
    count = 0
    last = None
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        for sku in skus:
            if sku != last:
                handle.write(_line(sku))
                count += 1
                last = sku
        if durable:
            handle.flush()
            os.fsync(handle.fileno())
    return count


def open_sku_file(path: Path | str) -> TextIO:
    # newline="\n": lines end at "\n" only, as written (a stray "\r" is escaped, never a line end).
    return open(path, encoding="utf-8", newline="\n")


def sorted_skus(handle: TextIO) -> Iterator[str]:
    """The SKUs of an open SKU file, in order. A file out of order is refused: a wrong order would make
    `leaving` report SKUs that are still listed, and Amazon would delete live listings."""
    last = None
    for line in handle:
        sku = _sku(line)
        if last is not None and sku <= last:
            raise ValueError(f"{handle.name} is not a sorted SKU file (“{sku}” after “{last}”).")
        last = sku
        yield sku


def read_skus(path: Path | str) -> Iterator[str]:
    with open_sku_file(path) as handle:
        yield from sorted_skus(handle)


class SortedSkuFile:
    """Collects SKUs in any order and writes them to `path` sorted, holding at most `run_size` in memory.

    Runs go to `path.run-N` files beside it and are removed by `finish`; on failure the caller removes the
    directory (the pipeline's document set does)."""

    def __init__(self, path: Path, *, run_size: int | None = None):
        self.path = Path(path)
        self.run_size = max(1, run_size or RUN_SIZE)
        self.runs: list[Path] = []
        self._pending: list[str] = []

    def add(self, sku: str) -> None:
        self._pending.append(sku)
        if len(self._pending) >= self.run_size:
            self._flush_run()

    def _flush_run(self) -> None:
        run = self.path.with_name(f"{self.path.name}.run-{len(self.runs) + 1}")
        _write(run, sorted(self._pending), durable=False)
        self.runs.append(run)
        self._pending = []

    def finish(self) -> int:
        """Merge the runs (and the SKUs still in memory) into `path`; return how many SKUs it holds."""
        self._pending.sort()
        runs = (read_skus(run) for run in self.runs)
        count = _write(self.path, heapq.merge(*runs, self._pending), durable=True)
        for run in self.runs:
            run.unlink()
        self.runs, self._pending = [], []
        return count


def leaving(previous: Iterable[str], current: Iterable[str]) -> Iterator[str]:
    """The SKUs of `previous` that `current` lacks, both sorted without repeats, in one pass over each."""
    others = iter(current)
    other = next(others, None)
    for sku in previous:
        while other is not None and other < sku:
            other = next(others, None)
        if other != sku:
            yield sku
