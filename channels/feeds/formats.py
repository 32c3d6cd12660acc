"""The feed formats: a code, the file it is served as, and which channel kinds publish it by default."""

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FeedFormat:
    code: str
    filename: str
    content_type: str
    label: str
    # A format whose documents have a size limit (Amazon: 25,000 messages) is published as a set of documents:
    # `listings.json`, `listings-2.json`, `listings-3.json` … built and swapped in together.
    multi_document: bool = False

    def document_name(self, number: int) -> str:
        """The file name of the set's `number`th document (1 is the format's own file name)."""
        if number == 1:
            return self.filename
        stem, dot, suffix = self.filename.rpartition(".")
        return f"{stem}-{number}{dot}{suffix}"

    def document_number(self, filename: str) -> int | None:
        """Which document of the set a file name names, or None (only `listings.json` for single files)."""
        if filename == self.filename:
            return 1
        if not self.multi_document:
            return None
        stem, dot, suffix = self.filename.rpartition(".")
        match = re.fullmatch(rf"{re.escape(stem)}-([1-9][0-9]*){re.escape(dot + suffix)}", filename)
        return int(match.group(1)) if match and int(match.group(1)) > 1 else None


GOOGLE_XML = FeedFormat("google-xml", "products.xml", "application/xml; charset=utf-8", "Google Merchant Center XML")
GOOGLE_TSV = FeedFormat(
    "google-tsv", "products.tsv", "text/tab-separated-values; charset=utf-8", "Google Merchant Center TSV"
)
META_CSV = FeedFormat("meta-csv", "products.csv", "text/csv; charset=utf-8", "Meta catalog CSV")
AMAZON_JSON = FeedFormat(
    "amazon-json", "listings.json", "application/json; charset=utf-8", "Amazon JSON_LISTINGS_FEED", multi_document=True
)
GENERIC_CSV = FeedFormat("csv", "products.csv", "text/csv; charset=utf-8", "Generic CSV")
GENERIC_JSONL = FeedFormat("jsonl", "products.jsonl", "application/jsonl; charset=utf-8", "Generic JSON Lines")

FORMATS: dict[str, FeedFormat] = {
    fmt.code: fmt for fmt in (GOOGLE_XML, GOOGLE_TSV, META_CSV, AMAZON_JSON, GENERIC_CSV, GENERIC_JSONL)
}

# What each channel kind publishes unless its feed settings list formats of their own.
# Formats of one channel must have distinct file names (products.csv is Meta's on a Meta channel).
DEFAULT_FORMATS: dict[str, tuple[str, ...]] = {
    "google": ("google-xml", "google-tsv"),
    "meta": ("meta-csv",),
    "amazon": ("amazon-json",),
    "marketplace": ("csv", "jsonl"),
    "storefront": ("csv", "jsonl"),
    "pos": ("csv", "jsonl"),
}


def get_format(code: str) -> FeedFormat:
    try:
        return FORMATS[code]
    except KeyError:
        raise ValueError(f"Unknown feed format “{code}” (known: {', '.join(FORMATS)}).") from None
