"""Models that remember some fields' values as last loaded or saved, so post_save receivers can tell what a
save changed (Django itself keeps no such record)."""

from typing import Any


class RemembersFields:
    """Mix into a model before its base; list the attribute names (attnames: `attribute_id`) in
    `remembered_fields`. A value is remembered when it was read from the database (a deferred field once it has
    been fetched) and again after each save of it, once the post_save receivers have asked."""

    remembered_fields: tuple[str, ...] = ()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._remember(None)
        return instance

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        self._remember(fields)  # only those read again: a change not saved yet stays a change

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._remember(kwargs.get("update_fields"))

    @property
    def is_remembered(self) -> bool:
        """False for an instance not read from the database (not saved yet, or made in memory)."""
        return "_remembered" in self.__dict__

    def remembered(self, name: str) -> Any:
        """The value as last loaded or saved (None if never)."""
        return self.__dict__.get("_remembered", {}).get(name)

    def changed_fields(self) -> set[str]:
        """The remembered fields whose value differs from the remembered one (all of them when not remembered)."""
        remembered = self.__dict__.get("_remembered")
        if remembered is None:
            return set(self.remembered_fields)
        return {name for name in self.remembered_fields if self.__dict__.get(name) != remembered.get(name)}

    def _remember(self, fields) -> None:
        remembered = self.__dict__.setdefault("_remembered", {})
        for name in self.remembered_fields:
            wanted = fields is None or name in fields or name.removesuffix("_id") in fields
            if wanted and name in self.__dict__:  # a deferred field not fetched yet is not known
                remembered[name] = self.__dict__[name]
