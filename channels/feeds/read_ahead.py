"""Read a build's next chunk in a background thread while the build works on the current one.

A feed build alternates between waiting for a chunk's rows and turning them into lines. psycopg gives up the
GIL while PostgreSQL works, so a thread that reads chunk N+1 while the caller resolves, checks and writes
chunk N takes most of that waiting out of the build's time (`pipeline.reads_ahead` says where it is used: on
SQLite most of a read is Python, which cannot run beside the caller, and it measured slower). Only the reads
go to the thread: what the caller does with a chunk (resolving, the collector between chunks, renditions it
may write) stays on the caller's thread.
"""

import threading
from collections.abc import Callable, Generator, Iterator
from queue import SimpleQueue
from typing import TypeVar

from django.db import connections

T = TypeVar("T")

_NEXT, _STOP, _END = object(), object(), object()


def read_ahead(reads: Callable[[], Generator[T, None, None]], *, name: str = "feed-read-ahead") -> Iterator[T]:
    """The values of `reads()`, each read in a background thread while the caller works on the previous one.

    At most two values exist at once: the one the caller holds and the one being read (the thread reads the
    next only when the caller takes one). The thread uses its own database connection (Django's are per
    thread), so it sees only committed data: call this outside a transaction. The thread closes its
    connections when it ends, whether the reads ran out, failed or the caller stopped early (the generator
    closed: the read in progress is finished, then the thread ends); an error in the thread is raised again
    here, in the caller."""
    requests: SimpleQueue = SimpleQueue()
    results: SimpleQueue = SimpleQueue()

    def run() -> None:
        values = None
        try:
            values = reads()
            while requests.get() is _NEXT:
                results.put((next(values, _END), None))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, who raises it
            results.put((None, exc))
        finally:
            try:
                if values is not None:
                    values.close()
            finally:
                connections.close_all()  # this thread's connections only

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    try:
        requests.put(_NEXT)
        while True:
            value, error = results.get()
            if error is not None:
                raise error
            if value is _END:
                return
            requests.put(_NEXT)
            yield value
    finally:
        requests.put(_STOP)
        thread.join()
