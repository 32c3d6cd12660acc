"""`csv_cell` writes cells exactly as the csv module's excel dialect does (the CSV feeds rely on it)."""

import csv
import io
import random

from channels.feeds.serializers.base import csv_cell

TRICKY = ["", " ", "plain", "a,b", 'say "hi"', '"', '""', "line\nbreak", "cr\rhere", "\r\n", "tab\there", "\x00nul"]
TRICKY += ["Grüße – 日本", " leading", "trailing ", "semi;colon", "'single'", 'a,"b"\nc', "\u2028", "\x85"]


def csv_writer_line(row: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, dialect="excel").writerow(row)
    return buffer.getvalue()


def test_csv_cell_rows_match_the_csv_module_for_tricky_values():
    for value in TRICKY:
        row = ["x", value, value]
        assert ",".join(map(csv_cell, row)) + "\r\n" == csv_writer_line(row)


def test_csv_cell_rows_match_the_csv_module_for_random_values():
    alphabet = list("ab ,;\"'\r\n\t\x00\x0bé日\u2028")
    generator = random.Random(4)
    for _ in range(5000):
        row = ["".join(generator.choices(alphabet, k=generator.randint(0, 6))) for _ in range(3)]
        assert ",".join(map(csv_cell, row)) + "\r\n" == csv_writer_line(row)
