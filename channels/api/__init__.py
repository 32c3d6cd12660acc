"""The content API for storefronts, apps and POS: /api/v1/ (see channels/api/api.py)."""
