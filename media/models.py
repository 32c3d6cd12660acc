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
        return self.alt_text or self.description or self.title


class CustomRendition(AbstractRendition):
    image = models.ForeignKey(CustomImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)
