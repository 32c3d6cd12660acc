"""Renditions that already exist, found in bulk: the one place that matches them as Wagtail does.

Wagtail's `get_rendition()` looks one image up at a time (and may run several queries). The content API and
the feeds need renditions for many images at once, so they ask here: one query for every image and spec,
each row matched on the spec and the image's focal-point key, as Wagtail would match it. The statement is
compiled once (`hub.statements`): a content API page asks on every request.
"""

from collections.abc import Iterable, Mapping
from functools import lru_cache

from wagtail.images.models import Filter

from hub.statements import Ids, Texts, rows_for
from media.models import CustomRendition


@lru_cache(maxsize=64)
def rendition_filter(spec: str) -> Filter:
    """One parsed Filter per spec for the life of the process (Wagtail parses the spec on every call)."""
    return Filter(spec=spec)


def existing_renditions(images: Mapping[int, object], specs: Iterable[str]) -> dict[int, dict[str, tuple]]:
    """For images (CustomImage by id): spec → (file name, width, height) of each rendition already made.

    An image or spec without a valid rendition is absent. One query whatever the number of images and specs.
    """
    specs = tuple(specs)
    found: dict[int, dict[str, tuple]] = {pk: {} for pk in images}
    if not images or not specs:
        return found
    keys = {(pk, spec): rendition_filter(spec).get_cache_key(image) for pk, image in images.items() for spec in specs}
    rows = rows_for(("existing_renditions",), _renditions_of, Ids(images), Texts(specs))
    for image_id, spec, focal_point_key, name, width, height in rows:
        if keys.get((image_id, spec)) == focal_point_key:
            found[image_id][spec] = (name, width, height)
    return found


def _renditions_of(image_ids: list[int], specs: list[str]):
    return CustomRendition.objects.filter(image_id__in_ids=image_ids, filter_spec__in_texts=specs).values_list(
        "image_id", "filter_spec", "focal_point_key", "file", "width", "height"
    )
