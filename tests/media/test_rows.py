"""Images read as rows (media.rows) answer as the model does, and make the model only to make a rendition;
local file URLs are remembered per name (media.file_urls) and follow a change of MEDIA_URL."""

import pytest
from django.test import override_settings

from hub.prefetch import columns
from media.file_urls import url_of
from media.models import CustomImage, CustomRendition
from media.renditions import existing_renditions
from media.rows import image_row
from tests.factories import ImageFactory

pytestmark = pytest.mark.django_db


def read_row(image: CustomImage):
    row = CustomImage.objects.filter(pk=image.pk).values_list(*columns(CustomImage)).get()
    return image_row(("link", 7, *row), start=2)  # as the loader reads it: after the link's own columns


def test_an_image_row_answers_the_reads_as_the_model_does():
    image = ImageFactory(alt_text="", description="", title="Linen shirt", focal_point_x=40, focal_point_y=30)
    image.refresh_from_db()
    row = read_row(image)

    assert row.pk == row.id == image.pk
    assert (row.width, row.height) == (image.width, image.height)
    assert row.file_name == image.file_name == image.file.name
    assert row.default_alt_text == image.default_alt_text == "Linen shirt"
    assert (row.focal_point_x, row.focal_point_y) == (40, 30)
    with pytest.raises(AttributeError):
        row.tags  # noqa: B018 - not a stored column: a read that needs it must say so in ImageRow


def test_an_image_row_makes_a_missing_rendition_through_the_model_once():
    image = ImageFactory()
    row = read_row(image)
    assert existing_renditions({row.pk: row}, ["fill-100x100"]) == {row.pk: {}}

    made = row.get_renditions("fill-100x100")["fill-100x100"]

    assert (made.width, made.height) == (100, 100)
    assert row.instance() is row.instance()  # made once
    assert CustomRendition.objects.filter(image_id=image.pk, filter_spec="fill-100x100").count() == 1
    found = existing_renditions({row.pk: row}, ["fill-100x100"])  # and found again for the row's focal point
    assert found[row.pk]["fill-100x100"] == (made.file.name, 100, 100)


def test_local_file_urls_are_remembered_and_follow_media_url():
    storage = CustomImage._meta.get_field("file").storage
    url = url_of(storage)
    assert url("original_images/a b.png") == storage.url("original_images/a b.png")
    with override_settings(MEDIA_URL="https://cdn.example.com/media/"):
        assert url_of(storage)("original_images/a b.png") == "https://cdn.example.com/media/original_images/a%20b.png"
    assert url_of(storage)("original_images/a b.png") == storage.url("original_images/a b.png")
