"""An image read as a plain row: what reads use of an image, without building a model instance.

The plain-row loader (channels.bulk) reads each product's images in the same query as their links. A content
API page shows about twenty images, and a `CustomImage` instance costs Django's and Wagtail's `__init__` and
two model signals each: measured, about a tenth of a list request's CPU. Reads need only the columns (id,
size, alt text, file name, the focal point that rendition keys vary on); only making a missing rendition
needs the model, so `ImageRow` makes the instance then, once, from the same row.
"""

from functools import cache

from hub.prefetch import columns, instance_from
from media.models import CustomImage, default_alt_text


@cache
def _fields() -> tuple[str, ...]:
    return columns(CustomImage)  # the order the loader reads them in


class ImageRow:
    """A `CustomImage` row (its `columns()`); attribute access as on the model for the stored columns."""

    __slots__ = ("_values", "_instance")

    def __init__(self, values: tuple):
        self._values = dict(zip(_fields(), values, strict=True))
        self._instance = None

    def __getattr__(self, name: str):
        # Only the stored columns (no fallback to the model: a read that needs more should say so below).
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"ImageRow has no attribute {name!r}") from None

    @property
    def pk(self) -> int:
        return self._values["id"]

    @property
    def file_name(self) -> str:
        return self._values["file"]

    @property
    def default_alt_text(self) -> str:
        return default_alt_text(self)

    # ---- what making a rendition needs: the model instance, made once ---------------------------------

    def instance(self) -> CustomImage:
        if self._instance is None:
            self._instance = instance_from(CustomImage, tuple(self._values.values()))
        return self._instance

    def get_renditions(self, *specs: str):
        return self.instance().get_renditions(*specs)

    def open_file(self):
        return self.instance().open_file()

    def generate_rendition_instance(self, *args, **kwargs):
        return self.instance().generate_rendition_instance(*args, **kwargs)


def image_row(row: tuple, start: int = 0) -> ImageRow:
    """The image whose `columns(CustomImage)` begin at `row[start]`."""
    return ImageRow(row[start : start + len(_fields())])
