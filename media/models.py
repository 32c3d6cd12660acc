"""The hub's own image model: Wagtail's image plus the facts channels and storefronts need."""

from django.db import models
from wagtail.images.models import AbstractImage, AbstractRendition, Image


class CustomImage(AbstractImage):
    alt_text = models.CharField(
        max_length=255, blank=True, help_text="Describes the image for screen readers and marketplaces."
    )
    caption = models.CharField(max_length=255, blank=True)
    credit = models.CharField(max_length=255, blank=True, help_text="Photographer or agency.")
    rights = models.CharField(
        max_length=255, blank=True, help_text="Licence or usage rights, e.g. 'Own photo' or 'Licensed until 2027'."
    )

    # Our alt_text replaces Wagtail's generic "description" in the form, so editors see one alt field.
    admin_form_fields = ("title", "file", "alt_text", "caption", "credit", "rights") + tuple(
        name for name in Image.admin_form_fields if name not in ("title", "file", "description")
    )

    @property
    def default_alt_text(self) -> str:
        return default_alt_text(self)

    @property
    def file_name(self) -> str:
        return self.file.name


def default_alt_text(image) -> str:
    """The alt text to show when a use of the image gives none (a model instance or a `media.rows.ImageRow`)."""
    return image.alt_text or image.description or image.title


class CustomRendition(AbstractRendition):
    image = models.ForeignKey(CustomImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)
