"""Two ways to page an /api/v1/ list.

`Pagination` (page numbers, with a count) for the small lists: campaigns, batches, plans.

`KeysetPagination` for the lists that grow past 100,000 rows (hotline records, suggestions):
a cursor on (time, id), no COUNT(*) and no OFFSET. At 20 million hotline records the page
number listing took 22.6 s for page 1 and 25.3 s for page 10,000 (a full read and sort of the
table) plus 2.2 s for its COUNT(*); a keyset page is one backward index range scan that reads
page_size + 1 rows whatever the depth. The cursor holds the last row's (time, id), so rows
inserted meanwhile never shift a page (an OFFSET-based cursor, DRF's own, repeats rows when a
new row lands among rows with the same time)."""

from __future__ import annotations

import base64
import binascii
import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils.encoding import force_str
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class KeysetPagination(CursorPagination):
    """Newest first by `view.cursor_field` then id (`?ordering=<field>` for oldest first).

    The view's queryset needs an index on (cursor_field, id), and on (filter column,
    cursor_field, id) for each selective filter, so that a page is an index range scan.
    `?page=1` (what a client of the page-number version asks first) is served as the first
    page; a deeper `?page=` is refused with a 400 that says to follow `next`."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    cursor_query_param = "cursor"
    cursor_query_description = "翻页游标：取自上一次响应的 next 或 previous 链接，不要自己构造"
    page_size_query_description = "每页条数（最多 500）"
    invalid_cursor_message = "翻页游标无效：请使用上一次响应中的 next 或 previous 链接"

    def _field(self, view) -> str:
        return view.cursor_field

    def _descending(self, request, view) -> bool:
        field = self._field(view)
        ordering = request.query_params.get("ordering", "").strip()
        if ordering in ("", f"-{field}", f"-{field},-id"):
            return True
        if ordering in (field, f"{field},id"):
            return False
        raise ValidationError(
            {"ordering": [f"只能按 {field}（升序）或 -{field}（降序，默认）排序"]}
        )

    def paginate_queryset(self, queryset, request, view=None):
        page = request.query_params.get("page")
        if page not in (None, "", "1"):
            raise ValidationError(
                {
                    "page": [
                        "该列表按游标翻页，不再支持页码：请使用响应中的 next 链接"
                        "（见 /api/docs/ 与 docs/api.md）"
                    ]
                }
            )
        self.page_size = self.get_page_size(request)
        self.base_url = remove_query_param(request.build_absolute_uri(), "page")
        self.request = request
        field = self._field(view)
        self.field = field
        self.descending = self._descending(request, view)
        cursor = self._decode(request, queryset.model, field)
        backwards = bool(cursor and cursor["back"])
        # Walking backwards (the previous page) reverses the order, then the rows.
        newest_first = self.descending != backwards
        order = [f"-{field}", "-id"] if newest_first else [field, "id"]
        queryset = queryset.order_by(*order)
        if cursor is not None:
            value, pk = cursor["value"], cursor["id"]
            # (field, id) beyond the cursor, written so that PostgreSQL keeps `field <= value`
            # as the index condition (a row comparison would do too, but not on SQLite).
            if newest_first:
                beyond = Q(**{f"{field}__lte": value}) & (
                    Q(**{f"{field}__lt": value}) | Q(id__lt=pk)
                )
            else:
                beyond = Q(**{f"{field}__gte": value}) & (
                    Q(**{f"{field}__gt": value}) | Q(id__gt=pk)
                )
            queryset = queryset.filter(beyond)
        rows = list(queryset[: self.page_size + 1])
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if backwards:
            rows.reverse()
            self.has_next, self.has_previous = True, more
        else:
            self.has_next, self.has_previous = more, cursor is not None
        self.first = rows[0] if rows else None
        self.last = rows[-1] if rows else None
        self.rows = rows
        self.cursor = cursor
        return rows

    # --- cursors ------------------------------------------------------------------------------
    def _encode(self, row, *, back: bool) -> str:
        value = getattr(row, self.field)
        token = json.dumps(
            {"v": value.isoformat(), "i": row.pk, "b": int(back), "d": int(self.descending)},
            separators=(",", ":"),
        )
        encoded = base64.urlsafe_b64encode(token.encode()).decode().rstrip("=")
        return replace_query_param(self.base_url, self.cursor_query_param, encoded)

    def _decode(self, request, model, field) -> dict | None:
        encoded = request.query_params.get(self.cursor_query_param)
        if not encoded:
            return None
        try:
            padded = encoded + "=" * (-len(encoded) % 4)
            token = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
            value = model._meta.get_field(field).to_python(token["v"])
            pk = int(token["i"])
            back = bool(token["b"])
            descending = bool(token["d"])
        except (
            TypeError,
            ValueError,
            KeyError,
            UnicodeError,
            binascii.Error,
            DjangoValidationError,
        ) as exc:
            raise ValidationError({self.cursor_query_param: [self.invalid_cursor_message]}) from exc
        if value is None or descending != self.descending:
            # A cursor of the other order would skip or repeat rows.
            raise ValidationError({self.cursor_query_param: [self.invalid_cursor_message]})
        return {"value": value, "id": pk, "back": back}

    def get_next_link(self):
        if not self.has_next:
            return None
        if self.last is None:  # an empty page reached backwards: start again from the top
            return remove_query_param(self.base_url, self.cursor_query_param)
        return self._encode(self.last, back=False)

    def get_previous_link(self):
        if not self.has_previous:
            return None
        if self.first is None:  # nothing left past the cursor (rows deleted meanwhile)
            return None
        return self._encode(self.first, back=True)

    def get_paginated_response(self, data):
        return Response(
            {"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["required"] = ["next", "previous", "results"]
        return response

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        field = self._field(view)
        parameters.append(
            {
                "name": "ordering",
                "required": False,
                "in": "query",
                "description": force_str(f"排序：-{field}（最新在前，默认）或 {field}"),
                "schema": {"type": "string", "enum": [f"-{field}", field]},
            }
        )
        return parameters
