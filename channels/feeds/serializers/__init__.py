"""One serializer per feed format; all of them take FeedItems and write bytes to a sink."""

from channels.feeds.serializers.amazon import AmazonJsonSerializer
from channels.feeds.serializers.base import FeedContext, FeedItem, Serializer
from channels.feeds.serializers.generic import GenericCsvSerializer, JsonLinesSerializer
from channels.feeds.serializers.google import GoogleTsvSerializer, GoogleXmlSerializer
from channels.feeds.serializers.meta import MetaCsvSerializer

SERIALIZERS: dict[str, type] = {
    "google-xml": GoogleXmlSerializer,
    "google-tsv": GoogleTsvSerializer,
    "meta-csv": MetaCsvSerializer,
    "amazon-json": AmazonJsonSerializer,
    "csv": GenericCsvSerializer,
    "jsonl": JsonLinesSerializer,
}


def serializer_for(code: str) -> Serializer:
    return SERIALIZERS[code]()


__all__ = ["SERIALIZERS", "FeedContext", "FeedItem", "Serializer", "serializer_for"]
