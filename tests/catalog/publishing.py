"""Helpers of the publish-conflict tests (SKU and slug): live products, admin URLs, admin messages."""

from django.contrib.messages import get_messages
from django.urls import reverse
from wagtail.models import WorkflowState

from catalog.models import Product
from tests.factories import ProductFactory, VariantFactory


def live_product(title: str, sku: str, product_type) -> Product:
    """A published product with one variant, made as the demo loader makes it (save, then publish)."""
    product = ProductFactory(title=title, slug=title.lower().replace(" ", "-"), product_type=product_type)
    VariantFactory(product=product, sku=sku, options={"size": "M"})
    product.save_revision().publish()
    return Product.objects.get(pk=product.pk)


def edit_url(product: Product) -> str:
    return reverse("wagtailsnippets_catalog_product:edit", args=[product.pk])


def approve_url(product: Product) -> str:
    """The workflow approval of the product's task in progress."""
    state = WorkflowState.objects.for_instance(product).get()
    return reverse(
        "wagtailsnippets_catalog_product:workflow_action",
        args=[product.pk, "approve", state.current_task_state.pk],
    )


def messages_of(response) -> list[str]:
    return [str(message).strip() for message in get_messages(response.wsgi_request)]
