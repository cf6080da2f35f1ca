"""Integers that no column can hold match nothing, in every lookup on an integer column or a relation.

An id past 64 bits typed into any form (a choice field's `pk__in`, an admin filter, a foreign key)
is then "not one of the available choices" on every database. Django already does this for `exact`
and the comparisons on integer fields; not for `in`, nor for any lookup through a relation, where
SQLite's driver refuses the number ("Python int too large to convert to SQLite INTEGER": a 500)
while PostgreSQL compares it as a numeric. Registered once, in `CoreConfig.ready()`.
"""

import copy

from django.core.exceptions import EmptyResultSet, FieldError, FullResultSet
from django.db.models import ForeignObject, IntegerField
from django.db.models.fields.related_lookups import (
    RelatedExact,
    RelatedGreaterThan,
    RelatedGreaterThanOrEqual,
    RelatedIn,
    RelatedLessThan,
    RelatedLessThanOrEqual,
)
from django.db.models.lookups import In


def column_range(lhs, connection) -> tuple[int | None, int | None] | None:
    """The smallest and largest integer the looked-up column holds; None when it is not an integer
    column (a relation is followed to the field it points at)."""
    field = getattr(lhs, "output_field", None)
    try:
        while field is not None and field.is_relation:
            field = field.target_field
    except (AttributeError, FieldError):  # a relation over several columns
        return None
    if not isinstance(field, IntegerField):
        return None
    try:
        return connection.ops.integer_field_range(field.get_internal_type())
    except KeyError:
        return None


def outside(value, bounds: tuple[int | None, int | None]) -> bool:
    low, high = bounds
    return isinstance(value, int) and ((low is not None and value < low) or (high is not None and value > high))


class OutOfRangeInMatchesNothing:
    """`in`: values the column cannot hold are left out of the list; none left, nothing matches."""

    def process_rhs(self, compiler, connection):
        bounds = column_range(self.lhs, connection)
        if bounds is not None and self.rhs_is_direct_value() and any(outside(v, bounds) for v in self.rhs):
            kept = copy.copy(self)  # compiling leaves the lookup as it was, for another database
            kept.rhs = [value for value in self.rhs if not outside(value, bounds)]
            return super(OutOfRangeInMatchesNothing, kept).process_rhs(compiler, connection)
        return super().process_rhs(compiler, connection)


class OutOfRangeComparison:
    """`exact`, `lt`, `gte`...: as Django's own `IntegerFieldOverflow`, for a relation's column."""

    underflow_exception = EmptyResultSet
    overflow_exception = EmptyResultSet

    def process_rhs(self, compiler, connection):
        bounds = column_range(self.lhs, connection)
        if bounds is not None and outside(self.rhs, bounds):
            low, _ = bounds
            raise self.underflow_exception if low is not None and self.rhs < low else self.overflow_exception
        return super().process_rhs(compiler, connection)


class IntegerFieldIn(OutOfRangeInMatchesNothing, In):
    pass


class RangedRelatedIn(OutOfRangeInMatchesNothing, RelatedIn):
    pass


class RangedRelatedExact(OutOfRangeComparison, RelatedExact):
    pass


class RangedRelatedLessThan(OutOfRangeComparison, RelatedLessThan):
    overflow_exception = FullResultSet


class RangedRelatedLessThanOrEqual(OutOfRangeComparison, RelatedLessThanOrEqual):
    overflow_exception = FullResultSet


class RangedRelatedGreaterThan(OutOfRangeComparison, RelatedGreaterThan):
    underflow_exception = FullResultSet


class RangedRelatedGreaterThanOrEqual(OutOfRangeComparison, RelatedGreaterThanOrEqual):
    underflow_exception = FullResultSet


def register() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
    for lookup in (RangedRelatedIn, RangedRelatedExact, RangedRelatedLessThan, RangedRelatedLessThanOrEqual,
                   RangedRelatedGreaterThan, RangedRelatedGreaterThanOrEqual):
        ForeignObject.register_lookup(lookup)


def row_id(text) -> int | None:
    """The row id a client typed (a URL segment, a form value), or None for anything no id column
    holds. `str.isdigit` is not enough: it accepts "²", which int() and so every integer field
    refuse with a ValueError (a 500); `isdecimal` is what int() reads, in any script."""
    text = str(text)
    if not text.isdecimal():
        return None
    number = int(text)
    return number if 0 < number < 2**63 else None
