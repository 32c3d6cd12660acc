"""GET /feeds/<channel>/<file>: credentials, 401/404, conditional requests, gzip."""

import base64
import gzip

import pytest

from channels.feeds.models import FeedSettings
from channels.feeds.pipeline import build_feed
from tests.feeds.conftest import catalog_for

URL = "/feeds/google-us/products.xml"


@pytest.fixture
def served(google):
    catalog_for(google)
    build = build_feed(google, "google-xml")
    feed_settings = FeedSettings.objects.get(channel=google)
    token = feed_settings.set_token()
    feed_settings.set_basic("merchant-center", "s3cret-pass")
    feed_settings.save()
    with open(build.file_path, "rb") as handle:
        body = handle.read()
    return {"token": token, "body": body}


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def content(response) -> bytes:
    return b"".join(response.streaming_content)


def test_feed_is_served_with_a_token_in_the_query_or_a_header(client, served):
    by_query = client.get(URL, {"token": served["token"]})
    by_header = client.get(URL, HTTP_X_FEED_TOKEN=served["token"])
    by_bearer = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {served['token']}")

    for response in (by_query, by_header, by_bearer):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/xml; charset=utf-8"
        assert content(response) == served["body"]
        assert response["ETag"] and response["Last-Modified"]


def test_feed_is_served_with_http_basic(client, served):
    response = client.get(URL, HTTP_AUTHORIZATION=basic("merchant-center", "s3cret-pass"))

    assert response.status_code == 200 and content(response) == served["body"]


@pytest.mark.parametrize(
    "headers, query",
    [
        ({}, {}),
        ({}, {"token": "feed_wrong"}),
        ({"HTTP_AUTHORIZATION": basic("merchant-center", "wrong")}, {}),
        ({"HTTP_AUTHORIZATION": basic("someone-else", "s3cret-pass")}, {}),
        ({"HTTP_AUTHORIZATION": "Basic not-base64!"}, {}),
    ],
)
def test_wrong_or_missing_credentials_get_401_with_a_challenge(client, served, headers, query):
    response = client.get(URL, query, **headers)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('Basic realm="feeds:google-us"')
    assert served["body"] not in response.content


def test_a_channel_without_credentials_serves_nobody(client, google):
    catalog_for(google)
    build_feed(google, "google-xml")

    assert client.get(URL).status_code == 401


def test_a_format_the_channel_does_not_publish_is_404(client, served):
    for name in ("listings.json", "products.csv", "nothing.txt"):
        assert client.get(f"/feeds/google-us/{name}", {"token": served["token"]}).status_code == 404


def test_an_unknown_channel_is_401_not_a_hint(client, served):
    assert client.get("/feeds/nope/products.xml", {"token": served["token"]}).status_code == 401


def test_a_published_format_not_built_yet_is_404(client, served):
    assert client.get("/feeds/google-us/products.tsv", {"token": served["token"]}).status_code == 404


def test_etag_and_last_modified_give_304(client, served):
    first = client.get(URL, {"token": served["token"]})

    by_etag = client.get(URL, {"token": served["token"]}, HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = client.get(URL, {"token": served["token"]}, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    changed = client.get(URL, {"token": served["token"]}, HTTP_IF_NONE_MATCH='"something-else"')

    assert by_etag.status_code == 304 and by_etag["ETag"] == first["ETag"] and by_etag.content == b""
    assert by_date.status_code == 304
    assert changed.status_code == 200


def test_a_rebuild_changes_the_etag(client, served, google):
    first = client.get(URL, {"token": served["token"]})
    build_feed(google, "google-xml")

    again = client.get(URL, {"token": served["token"]}, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 200 and again["ETag"] != first["ETag"]


def test_gzip_when_the_client_accepts_it(client, served):
    response = client.get(URL, {"token": served["token"]}, HTTP_ACCEPT_ENCODING="br, gzip;q=0.8")
    plain = client.get(URL, {"token": served["token"]}, HTTP_ACCEPT_ENCODING="gzip;q=0")

    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert gzip.decompress(content(response)) == served["body"]
    assert response["ETag"] != plain["ETag"]
    assert not plain.has_header("Content-Encoding") and content(plain) == served["body"]


def test_only_get_and_head(client, served):
    assert client.post(URL, {"token": served["token"]}).status_code == 405
    assert client.head(URL, {"token": served["token"]}).status_code == 200
