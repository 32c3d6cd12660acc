"""Reading ahead: outside a transaction a build reads its next chunk in a thread (channels/feeds/read_ahead.py).

Ordinary tests run inside a transaction, where a build reads its chunks one by one on the test's connection
(a second connection would not see the test's data). These tests commit their data, so the thread runs for
real, on its own connection: the output must be the sequential path's to the byte, an error in the thread
must fail the build as any error does, and the thread's connection must be closed however the build ends.
"""

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction

from channels.feeds import pipeline
from channels.feeds.formats import FORMATS
from channels.feeds.pipeline import BuildReport, build_feed, iter_items
from tests.feeds.test_build import assert_failed_keeping_the_previous_file, bulk_catalog

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

THREAD = "feed-read-ahead"


@pytest.fixture(autouse=True)
def prefetch(settings):
    settings.FEEDS_PREFETCH = True  # by default only on PostgreSQL: see the last test


class Connections:
    """The database connections opened while it is active, with the threads that opened them, and every
    query run on those and on the test's own connection (CaptureQueriesContext sees the test's only)."""

    def __init__(self):
        self.opened: list[tuple[str, object]] = []
        self.queries: list[str] = []
        self.closed: set[int] = set()

    def count(self, execute, sql, params, many, context):
        self.queries.append(sql)
        return execute(sql, params, many, context)

    def made(self, wrapper) -> None:
        self.opened.append((threading.current_thread().name, wrapper))
        wrapper.execute_wrappers.append(self.count)  # before its first query, which connects it

    @property
    def readers(self) -> list:
        return [opened for name, opened in self.opened if name == THREAD]


@contextlib.contextmanager
def watched() -> Iterator[Connections]:
    watch = Connections()
    close = type(connections[DEFAULT_DB_ALIAS]).close

    def close_and_note(wrapper):
        watch.closed.add(id(wrapper))
        close(wrapper)

    def create_and_watch(alias):
        wrapper = create(alias)
        watch.made(wrapper)
        return wrapper

    create = connections.create_connection
    with pytest.MonkeyPatch.context() as patch, connection.execute_wrapper(watch.count):
        patch.setattr(type(connections[DEFAULT_DB_ALIAS]), "close", close_and_note)
        # A thread's connection is made on its first use of `connections[alias]`.
        patch.setattr(connections, "create_connection", create_and_watch)
        yield watch


def assert_reader_connections_closed(watch: Connections) -> None:
    assert watch.readers, "the build did not read ahead"
    assert not any(thread.name == THREAD for thread in threading.enumerate())
    for reader in watch.readers:
        assert id(reader) in watch.closed
        if connection.vendor != "sqlite":  # Django keeps SQLite's in-memory test database open on close()
            assert reader.connection is None


def outputs(channel, path: Path) -> dict[str, bytes]:
    """Every format built for the channel into a folder of `path`, each file (and gzip copy) by name."""
    for code in FORMATS:
        build_feed(channel, code, output=path / code / FORMATS[code].filename, chunk_size=7)
    return {f"{file.parent.name}/{file.name}": file.read_bytes() for file in sorted(path.glob("*/*"))}


def test_reading_ahead_writes_every_format_byte_for_byte_as_reading_in_turn(google, settings, tmp_path):
    bulk_catalog(google, products=40, variants=3)
    settings.FEEDS_PREFETCH = False
    in_turn = outputs(google, tmp_path / "in-turn")
    settings.FEEDS_PREFETCH = True

    with watched() as watch:
        ahead = outputs(google, tmp_path / "ahead")

    assert len(watch.readers) == len(FORMATS)  # one thread, with its connection, per build
    assert_reader_connections_closed(watch)
    assert len(in_turn) == 2 * len(FORMATS)  # a gzip copy beside each
    assert ahead == in_turn


def test_a_build_inside_a_transaction_reads_in_turn_on_its_own_connection(google):
    bulk_catalog(google, products=20, variants=1)

    with watched() as watch, transaction.atomic():
        build = build_feed(google, "google-xml", chunk_size=7)

    assert build.items_written == 20
    assert watch.readers == []


def test_an_error_while_reading_ahead_fails_the_build_and_keeps_the_previous_file(google, monkeypatch):
    bulk_catalog(google, products=20, variants=2)
    good = build_feed(google, "google-xml", chunk_size=7)
    before = Path(good.file_path).read_bytes()
    load_products = pipeline.load_products
    calls = []

    def fails_on_the_second_chunk(ids, **kwargs):
        calls.append(threading.current_thread().name)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return load_products(ids, **kwargs)

    monkeypatch.setattr(pipeline, "load_products", fails_on_the_second_chunk)

    with watched() as watch, pytest.raises(RuntimeError, match="the database went away"):
        build_feed(google, "google-xml", chunk_size=7)

    assert calls == [THREAD, THREAD]  # read in the thread; the third chunk was never read
    assert_failed_keeping_the_previous_file(google, "the database went away", before)
    assert_reader_connections_closed(watch)


def test_a_reader_stopped_early_ends_its_thread_and_closes_its_connection(google):
    bulk_catalog(google, products=20, variants=2)

    with watched() as watch:
        items = iter_items(google, BuildReport(), chunk_size=7)
        first = next(items)
        items.close()

    assert first.product.title == "Bulk 0"
    assert_reader_connections_closed(watch)


def queries_for(channel, chunk_size: int) -> tuple[int, int]:
    with watched() as watch:
        build = build_feed(channel, "google-xml", chunk_size=chunk_size)
    assert len(watch.readers) == 1
    return len(watch.queries), build.items_written


def test_reading_ahead_runs_the_same_queries_as_reading_in_turn_and_they_grow_with_chunks(google, settings):
    bulk_catalog(google, products=100, variants=10)
    build_feed(google, "google-xml")  # makes the shared image's rendition once
    one_chunk, small_items = queries_for(google, 2000)
    two_chunks, _ = queries_for(google, 60)  # 60 + 40 products
    per_chunk = two_chunks - one_chunk
    bulk_catalog(google, products=900, variants=10, start=100)

    big_one_chunk, big_items = queries_for(google, 2000)
    big_four_chunks, _ = queries_for(google, 300)  # 300 + 300 + 300 + 100 products
    settings.FEEDS_PREFETCH = False
    with watched() as watch:
        build_feed(google, "google-xml", chunk_size=300)
    in_turn = len(watch.queries)

    assert (small_items, big_items) == (1_000, 10_000)
    assert 0 < per_chunk <= 15
    assert big_one_chunk == one_chunk  # ten times the items in one chunk: the same queries
    assert big_four_chunks == one_chunk + 3 * per_chunk
    assert watch.readers == [] and in_turn == big_four_chunks


def test_by_default_a_build_reads_ahead_on_postgresql_only(google, settings):
    bulk_catalog(google, products=10, variants=1)
    del settings.FEEDS_PREFETCH

    with watched() as watch:
        build_feed(google, "google-xml", chunk_size=7)

    assert len(watch.readers) == (1 if connection.vendor == "postgresql" else 0)
