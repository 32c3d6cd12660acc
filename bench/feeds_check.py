"""`bench/feeds.py --check`: whether a raw run wrote the export's document, item by item, then byte for byte."""

import csv
import filecmp
import json
from pathlib import Path

from feeds_common import CHANNELS, FEEDS_DIR, RAW_DIR


def export_files(fmt: str) -> list[Path]:
    """The export's document(s) of the bench channel, in order."""
    if fmt == "google-xml":
        return [FEEDS_DIR / CHANNELS[fmt] / "products.xml"]
    if fmt == "meta-csv":
        return [FEEDS_DIR / CHANNELS[fmt] / "products.csv"]
    return documents_in(FEEDS_DIR / CHANNELS[fmt] / "amazon-json")


def raw_files(fmt: str) -> list[Path]:
    if fmt == "amazon-json":
        return documents_in(RAW_DIR / fmt)
    return [RAW_DIR / fmt / ("products.xml" if fmt == "google-xml" else "products.csv")]


def documents_in(directory: Path) -> list[Path]:
    def number(path: Path) -> int:
        stem = path.stem.removeprefix("listings")
        return int(stem[1:]) if stem else 1

    return sorted(directory.glob("listings*.json"), key=number)


def parsed_items(fmt: str, files: list[Path]) -> tuple[object, list]:
    """(what comes before the items, the items): comparable values, not text."""
    if fmt == "google-xml":
        from lxml import etree

        channel = etree.parse(str(files[0])).getroot().find("channel")
        head = [(element.tag, element.text) for element in channel if element.tag != "item"]
        items = [[(element.tag, element.text) for element in item] for item in channel.iterfind("item")]
        return head, items
    if fmt == "meta-csv":
        with open(files[0], newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        return rows[:1], rows[1:]
    heads, items = [], []
    for path in files:
        document = json.loads(path.read_bytes())
        heads.append(document["header"])
        items += document["messages"]
    return heads, items


def check(fmt: str) -> str:
    """Whether the raw run wrote the export's document: items compared in order, then the bytes."""
    exported, raw = export_files(fmt), raw_files(fmt)
    if not exported or not raw:
        return f"missing documents (export: {len(exported)}, raw: {len(raw)})"
    export_head, export_items = parsed_items(fmt, exported)
    raw_head, raw_items = parsed_items(fmt, raw)
    problems = []
    if export_head != raw_head:
        problems.append(f"heads differ: export {export_head!r}, raw {raw_head!r}")
    if len(export_items) != len(raw_items):
        problems.append(f"{len(raw_items):,} raw items, {len(export_items):,} exported")
    for index, (ours, theirs) in enumerate(zip(raw_items, export_items, strict=False)):
        if ours != theirs:
            problems.append(f"first mismatching item #{index + 1}: {first_difference(fmt, theirs, ours)}")
            break
    if problems:
        return "MISMATCH: " + "; ".join(problems)
    names = [path.name for path in exported]
    if [path.name for path in raw] != names:
        return f"{len(raw_items):,} items match, but the documents differ: export {names}, raw {[p.name for p in raw]}"
    same_bytes = all(filecmp.cmp(a, b, shallow=False) for a, b in zip(exported, raw, strict=True))
    return f"{len(raw_items):,} items match" + (
        f", byte for byte ({', '.join(names)})" if same_bytes else " (the bytes differ)"
    )


def first_difference(fmt: str, exported, raw) -> str:
    """Where two items differ first: an element (Google, in order), a column (Meta) or an attribute (Amazon)."""
    if fmt == "meta-csv":
        exported, raw = list(enumerate(exported)), list(enumerate(raw))
    elif fmt == "amazon-json":
        exported = [*((k, v) for k, v in exported.items() if k != "attributes"), *exported["attributes"].items()]
        raw = [*((k, v) for k, v in raw.items() if k != "attributes"), *raw["attributes"].items()]
    for position, (theirs, ours) in enumerate(zip(exported, raw, strict=False)):
        if theirs != ours:
            return f"at {position + 1}, export {theirs!r}, raw {ours!r}"
    return f"export has {len(exported)} fields, raw {len(raw)}: {exported[len(raw) :]!r} / {raw[len(exported) :]!r}"
