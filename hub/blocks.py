"""StreamField blocks of the editorial pages; the API renders a product block as the channel's product."""

from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    caption = blocks.CharBlock(required=False, max_length=255)

    class Meta:
        icon = "image"


class ProductBlock(blocks.StructBlock):
    """A product card; each channel's API shows its own resolved product (or nothing, where not listed)."""

    product = SnippetChooserBlock("catalog.Product")
    caption = blocks.CharBlock(required=False, max_length=255)

    class Meta:
        icon = "pick"


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(max_length=255, form_classname="title")
    paragraph = blocks.RichTextBlock(features=["bold", "italic", "h3", "h4", "ol", "ul", "link"])
    image = ImageBlock()
    product = ProductBlock()
