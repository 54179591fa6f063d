"""The campaign's official Word documents, contributed by the apps that own the records.

core knows no domain: an app registers a document maker in its AppConfig.ready()

    @document_kind(key="opinion", title="评议意见", per_department=True, order=10)
    def opinion(evaluated) -> OfficialDocument: ...

A per-department maker takes an evaluated department, a campaign-wide one takes the campaign.
A maker that cannot make its document from the records (no published score sheet yet)
raises DocumentUnavailable with a message for the reader; campaigns/documents.py names the
files, zips them and writes them out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .officialdocs import OfficialDocument

Maker = Callable[[Any], OfficialDocument]


class DocumentUnavailable(Exception):
    """The records do not (yet) hold what the document needs; the message says what."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class DocumentKind:
    key: str
    title: str
    per_department: bool
    order: int
    make: Maker


_KINDS: dict[str, DocumentKind] = {}


def document_kind(
    *, key: str, title: str, per_department: bool, order: int
) -> Callable[[Maker], Maker]:
    """Register `make(obj) -> OfficialDocument` as the document `key`."""

    def decorator(make: Maker) -> Maker:
        _KINDS[key] = DocumentKind(
            key=key, title=title, per_department=per_department, order=order, make=make
        )
        return make

    return decorator


def document_kinds() -> list[DocumentKind]:
    return sorted(_KINDS.values(), key=lambda kind: (kind.order, kind.key))


def document_kind_get(key: str) -> DocumentKind | None:
    return _KINDS.get(key)
