"""What changed between two saved versions of an article, field by field, for the admin's history."""

import difflib
from dataclasses import dataclass

from django.db import models


@dataclass
class Change:
    label: str
    lines: list[tuple[str, str]]  # (kind, text): kind is "same", "added" or "removed"


def _as_text(field: models.Field, value) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple | set):
        return "\n".join(sorted(str(item) for item in value))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def field_changes(model, older: dict, newer: dict) -> list[Change]:
    """Every editable field whose value differs, as a line diff (long text) or a before/after pair."""
    changes = []
    for field in model._meta.get_fields():
        if not getattr(field, "editable", False) or field.name not in older and field.name not in newer:
            continue
        key = field.attname if field.name not in newer else field.name
        before, after = _as_text(field, older.get(key)), _as_text(field, newer.get(key))
        if before == after:
            continue
        lines = []
        for line in difflib.ndiff(before.splitlines(), after.splitlines()):
            kind = {"+ ": "added", "- ": "removed", "  ": "same"}.get(line[:2])
            if kind:
                lines.append((kind, line[2:]))
        changes.append(Change(str(field.verbose_name), lines))
    return changes
