"""Frozen rows (issue 13): what the public has seen is never changed in place.

Published score sheets and their rows, published selection-vote results, published plan
versions and published progress updates refuse change on every write path: the services
check first (with a message for the page), the admin is read-only, the API refuses, and as
the last line:

- `FrozenModel`, a small model mixin: `save()` of a stored row that is frozen, and
  `delete()` of one, raise ValidationError. It reads the *stored* row (one query), so the
  one legitimate transition, a draft becoming published, still saves. It guards the
  instance methods only: `QuerySet.update()`/`delete()` and raw SQL bypass it, which is why
  every frozen table also has a PostgreSQL trigger (scoring/migrations/0002_frozen_sheets.py,
  campaigns/migrations/0004_frozen_vote_results.py,
  rectification/migrations/0004_frozen_versions_updates.py).
- `FrozenQuerySet`, the manager's queryset of vote results, plan versions and progress
  updates: `update()` and `delete()` refuse (ValidationError, one EXISTS query first) when
  any row they match is frozen, as the model's `frozen_q()` says. Updates of rows that are
  not frozen yet pass, so the legitimate bulk paths keep working: `bulk_update()` of an open
  session's candidates at the count, `core.audit.audited_update()` publishing closed
  sessions. Cascades of a deleted parent and `_raw_delete()` do not go through it; there the
  triggers hold (PostgreSQL).

A campaign with a score sheet cannot be deleted (ScoreRow.evaluated is PROTECT, and the
trigger refuses deleting published rows), and on PostgreSQL neither can a campaign, batch or
key issue whose vote results, plan versions or progress updates are published (the triggers
refuse the cascade): docs/operations.md says what to do instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

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

    @classmethod
    def frozen_q(cls) -> Q:  # pragma: no cover - models with a FrozenQuerySet define it
        """The stored rows that are frozen, as a filter (for FrozenQuerySet)."""
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


class FrozenQuerySet(QuerySet):
    """`update()`/`delete()` refuse when a matched row is frozen; the model (a FrozenModel)
    defines `frozen_q()`, the condition that makes a stored row frozen."""

    def _refuse_if_any_frozen(self) -> None:
        model = cast("type[FrozenModel]", self.model)
        if self.filter(model.frozen_q()).exists():
            raise ValidationError(model.frozen_message)

    def update(self, **kwargs):
        self._refuse_if_any_frozen()
        return super().update(**kwargs)

    update.alters_data = True  # type: ignore[attr-defined]

    def delete(self):
        self._refuse_if_any_frozen()
        return super().delete()

    delete.alters_data = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]
