from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField

from channels.models.listing import DESCRIPTION_FEATURES


class ProductTranslation(models.Model):
    """A product's texts in one locale; the resolver prefers them to the base texts for that locale."""

    product = ParentalKey("catalog.Product", on_delete=models.CASCADE, related_name="translations")
    locale = models.CharField(max_length=10, help_text="BCP 47, e.g. de-DE (or de for every German locale).")
    title = models.CharField(max_length=255, blank=True)
    summary = models.TextField(blank=True, max_length=500)
    description = RichTextField(blank=True, features=DESCRIPTION_FEATURES)

    panels = [FieldPanel("locale"), FieldPanel("title"), FieldPanel("summary"), FieldPanel("description")]

    class Meta:
        constraints = [models.UniqueConstraint(fields=["product", "locale"], name="unique_translation_locale")]

    def __str__(self) -> str:
        return f"{self.product} ({self.locale})"
