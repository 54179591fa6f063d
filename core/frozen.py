"""Frozen rows (issue 13): what the public has seen is never changed in place.

Published score sheets and their rows, published selection-vote results, published plan
versions and published progress updates refuse change on every write path: the services
check first (with a message for the page), the admin is read-only, the API refuses, and as
the last line:

- `FrozenModel`, a small model mixin: `save()` of a stored row that is frozen, and
  `delete()` of one, raise ValidationError. It reads the *stored* row (one query), so the
  one legitimate transition, a draft becoming published, still saves. It guards the
  instance methods only: `QuerySet.update()`/`delete()` and raw SQL bypass it, which is why
  score sheets also have a PostgreSQL trigger (scoring/migrations/0002_frozen_sheets.py).

A campaign with a score sheet cannot be deleted (ScoreRow.evaluated is PROTECT, and the
trigger refuses deleting published rows): docs/operations.md says what to do instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    # Only ever mixed into a model: typed as one so mypy sees pk, _state, save() and
    # delete(). At runtime it stays a plain mixin (same MRO, no extra model class).
    from django.db.models import Model as _ModelBase
else:
    _ModelBase = object


class FrozenModel(_ModelBase):
    """Mix into a model; define `is_stored_frozen()` (is the row as stored frozen?)."""

    frozen_message = "已公开的内容不能修改或删除。"

    def is_stored_frozen(self) -> bool:  # pragma: no cover - every model defines it
        raise NotImplementedError

    def _refuse_if_frozen(self) -> None:
        if self.pk is not None and not self._state.adding and self.is_stored_frozen():
            raise ValidationError(self.frozen_message)

    def save(self, *args, **kwargs):
        self._refuse_if_frozen()
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_frozen()
        return super().delete(*args, **kwargs)
