"""Demo data: the curated catalog `make run` shows, and synthetic products for scale tests."""

from .loader import load_catalog_demo
from .synthetic import load_synthetic_products

__all__ = ["load_catalog_demo", "load_synthetic_products"]
