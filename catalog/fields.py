"""A JSON field for attribute values that merchandisers edit as plain `name: value` lines."""

from django import forms
from django.db import models


class AttributeValuesFormField(forms.CharField):
    """Shows `{"size": "M", "color": "Red"}` as the lines `size: M` / `color: Red`, and parses them back."""

    widget = forms.Textarea(attrs={"rows": 4, "placeholder": "color: Red\nsize: M"})

    def prepare_value(self, value):
        if isinstance(value, dict):
            return "\n".join(f"{key}: {_display(val)}" for key, val in value.items())
        return value or ""

    def to_python(self, value):
        if isinstance(value, dict):
            return value
        values: dict[str, str] = {}
        for number, line in enumerate((value or "").splitlines(), start=1):
            if not line.strip():
                continue
            key, sep, raw = line.partition(":")
            if not sep or not key.strip():
                raise forms.ValidationError(f"Line {number}: write it as “name: value”.", code="attribute_line")
            key = key.strip()
            if key in values:
                raise forms.ValidationError(f"Line {number}: “{key}” is given twice.", code="attribute_twice")
            values[key] = raw.strip()
        return values


def _display(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


class AttributeValuesField(models.JSONField):
    """Attribute or option values keyed by attribute code; checked against the product type on clean()."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", dict)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return AttributeValuesFormField(
            required=not self.blank, label=self.verbose_name.capitalize(), help_text=self.help_text
        )
