"""A Paginator that never counts more than it can show.

Django's Paginator (and the admin's change list with it) runs SELECT COUNT(*) over the whole
filtered list on every page: 2.2 s at 20 million rows, for a number nobody pages through.
BoundedCountPaginator counts at most `limit + 1` rows (SELECT COUNT(*) FROM (… LIMIT n)), so a
page costs the same whatever the table's size; a list longer than that shows `limit + 1`
results and its pages up to there, and filters narrow the rest."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property


class BoundedCountPaginator(Paginator):
    limit = 10_000

    @cached_property
    def count(self) -> int:
        object_list = self.object_list
        if not isinstance(object_list, QuerySet):
            return len(object_list)
        return object_list.order_by()[: self.limit + 1].count()
