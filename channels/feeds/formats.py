"""The feed formats: a code, the file it is served as, and which channel kinds publish it by default."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FeedFormat:
    code: str
    filename: str
    content_type: str
    label: str


GOOGLE_XML = FeedFormat("google-xml", "products.xml", "application/xml; charset=utf-8", "Google Merchant Center XML")
GOOGLE_TSV = FeedFormat(
    "google-tsv", "products.tsv", "text/tab-separated-values; charset=utf-8", "Google Merchant Center TSV"
)
META_CSV = FeedFormat("meta-csv", "products.csv", "text/csv; charset=utf-8", "Meta catalog CSV")
AMAZON_JSON = FeedFormat("amazon-json", "listings.json", "application/json; charset=utf-8", "Amazon JSON_LISTINGS_FEED")
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
