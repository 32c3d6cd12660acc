"""Image uploads through the admin: limits from settings are clear form errors on the file, nothing is stored."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from media.models import CustomImage
from tests.factories import png_bytes

pytestmark = pytest.mark.django_db

ADD_URL = reverse("wagtailimages:add")


@pytest.fixture
def logged_in(client, merchandiser):
    client.force_login(merchandiser)
    return client


def upload(client, name: str, content: bytes, content_type: str = "image/png"):
    data = {
        "title": "Shirt front",
        "file": SimpleUploadedFile(name, content, content_type=content_type),
        "alt_text": "A white linen shirt",
        "caption": "",
        "credit": "Studio",
        "rights": "Own photo",
        "collection": "",
    }
    return client.post(ADD_URL, data)


def file_errors(response) -> list[str]:
    return response.context["form"].errors["file"]


def test_merchandiser_uploads_an_image_with_alt_text_and_rights(logged_in):
    response = upload(logged_in, "shirt.png", png_bytes(40, 30))

    assert response.status_code == 302
    image = CustomImage.objects.get()
    assert (image.width, image.height, image.alt_text, image.rights) == (40, 30, "A white linen shirt", "Own photo")


def test_oversized_upload_is_a_file_error(logged_in, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 1000
    content = png_bytes(200, 200, color="white") + b"\0" * 1000

    response = upload(logged_in, "big.png", content)

    assert response.status_code == 200
    size = filesizeformat(len(content))
    assert file_errors(response) == [f"This file is too big ({size}). Maximum filesize 1000\xa0bytes."]
    assert not CustomImage.objects.exists()


def test_too_many_pixels_is_a_file_error(logged_in, settings):
    settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS = 100 * 100

    response = upload(logged_in, "wide.png", png_bytes(200, 100))

    assert response.status_code == 200
    assert file_errors(response) == ["This file has too many pixels (20000). Maximum pixels 10000."]
    assert not CustomImage.objects.exists()


def test_non_image_upload_is_a_file_error(logged_in):
    response = upload(logged_in, "notes.txt", b"not an image", content_type="text/plain")

    assert response.status_code == 200
    assert file_errors(response) == [
        "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
    ]
    assert not CustomImage.objects.exists()


def test_text_file_named_like_an_image_is_a_file_error(logged_in):
    response = upload(logged_in, "fake.png", b"not an image at all")

    assert response.status_code == 200
    assert len(file_errors(response)) == 1
    assert "image" in file_errors(response)[0].lower()
    assert not CustomImage.objects.exists()
