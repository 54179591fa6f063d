"""The audit trail (django-auditlog): what it records, and entries for bulk writes.

Who changed what, when, before/after, from which address. Each app registers its own models
in its AppConfig.ready() through `audit_register`, so a model added later is registered beside
it. Secret ballots are never audited: an entry "member X saved ballot Y at 10:02" would undo
the secrecy the ballot models are built for; sessions, results and voids are audited instead.
Hotline records are not registered (no per-row history: it would slow an import of a million
rows); hotline batches and their reports have their own job rows.

Bulk writes.

QuerySet.update(), bulk_update() and bulk_create() send no signals, so django-auditlog never
sees them. Services that change audited rows (registered through audit_register) in bulk go
through these instead: the entries a save() would write (before/after as auditlog diffs them, actor,
address, correlation id), with one SELECT, one write and one INSERT of entries per chunk of
rows rather than queries per row."""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterator, Sequence
from typing import Any

from auditlog.cid import get_cid
from auditlog.context import auditlog_value, set_actor
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model, QuerySet
from django.db.models.signals import pre_save
from django.utils.encoding import smart_str

CHUNK = 2000


def audit_register(model: type[Model], **options) -> None:
    """Record every save and delete of `model` (options as auditlog.register takes them).

    Reverse relations (a plan's measures, an update's attachments) are left out: auditlog
    would otherwise record "attachments: None → rectification.Attachment.None" on every
    create, under the relation's English name. Entries written before keep them, shown under
    the related model's Chinese name."""
    if not auditlog.contains(model):
        reverse = [
            f
            for f in model._meta.get_fields()
            if f.auto_created and not f.concrete and not f.many_to_many and f.related_model
        ]
        options["exclude_fields"] = [
            *options.get("exclude_fields", []),
            *(f.name for f in reverse),
        ]
        options["mapping_fields"] = {
            "id": "编号",  # Django's automatic key is "ID", which auditlog's pages print "Id"
            **{f.name: str(f.related_model._meta.verbose_name) for f in reverse},  # type: ignore[union-attr]
            **options.get("mapping_fields", {}),
        }
        auditlog.register(model, **options)


def _context() -> dict:
    """auditlog's context (actor, address) while it is in force: inside AuditlogMiddleware's
    request or a set_actor block. auditlog never resets its context variable, so what a
    finished request or task left behind in this thread is ignored: its signal receiver is
    gone, and taking its actor would name the wrong person."""
    try:
        context = auditlog_value.get()
    except LookupError:
        return {}
    duid = context.get("signal_duid")
    if duid is None or not any(key[0] == duid for key, *_ in pre_save.receivers):
        return {}
    return context


def _entries(pairs, *, action: int, actor, fields=None) -> list[LogEntry]:
    """LogEntry rows for (old, new) instance pairs that differ (old None: created)."""
    context = _context()
    actor = actor if actor is not None else context.get("actor")
    actor = actor if getattr(actor, "is_authenticated", False) else None
    cid = get_cid()
    entries = []
    for old, new in pairs:
        changes = model_instance_diff(
            old,
            new,
            fields_to_check=fields,
            use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES,
        )
        if not changes:
            continue
        pk = new.pk
        entries.append(
            LogEntry(
                content_type=ContentType.objects.get_for_model(new),
                object_pk=str(pk),
                object_id=pk if isinstance(pk, int) else None,
                object_repr=smart_str(new),
                action=action,
                changes=changes,
                actor=actor,
                actor_email=getattr(actor, "email", None) if actor else None,
                remote_addr=context.get("remote_addr"),
                remote_port=context.get("remote_port"),
                cid=cid,
            )
        )
    return entries


@transaction.atomic
def audited_update(queryset: QuerySet, *, actor, **values) -> int:
    """`queryset.update(**values)` with an audit entry per changed row. Values must be
    plain values or model instances (an F() expression has no 'after' to record). Call it
    within the service's transaction: the rows are locked while read, so 'before' is true."""
    model = queryset.model
    if not auditlog.contains(model):
        return queryset.update(**values)
    fields = [model._meta.get_field(name).name for name in values]
    pks = list(queryset.order_by().values_list("pk", flat=True))
    updated = 0
    for start in range(0, len(pks), CHUNK):
        chunk = pks[start : start + CHUNK]
        olds = list(model.objects.select_for_update().filter(pk__in=chunk))
        updated += model.objects.filter(pk__in=chunk).update(**values)
        pairs = []
        for old in olds:
            new = copy.copy(old)
            for name, value in values.items():
                field = model._meta.get_field(name)
                if field.is_relation and isinstance(value, Model):
                    value = value.pk
                setattr(new, field.attname, value)
            pairs.append((old, new))
        LogEntry.objects.bulk_create(
            _entries(pairs, action=LogEntry.Action.UPDATE, actor=actor, fields=fields)
        )
    return updated


@transaction.atomic
def audited_bulk_update(objs: Sequence[Model], fields: list[str], *, actor) -> int:
    """`Model.objects.bulk_update(objs, fields)` with an audit entry per changed row."""
    if not objs:
        return 0
    # Any concrete model: django-stubs gives the abstract base Model no manager.
    model: Any = type(objs[0])
    if not auditlog.contains(model):
        return model.objects.bulk_update(objs, fields)
    updated = 0
    for start in range(0, len(objs), CHUNK):
        chunk = objs[start : start + CHUNK]
        olds = model.objects.select_for_update().in_bulk([o.pk for o in chunk])
        updated += model.objects.bulk_update(chunk, fields)
        pairs = [(olds[o.pk], o) for o in chunk if o.pk in olds]
        LogEntry.objects.bulk_create(
            _entries(pairs, action=LogEntry.Action.UPDATE, actor=actor, fields=fields)
        )
    return updated


@transaction.atomic
def audited_bulk_create(objs, *, actor) -> list[Model]:
    """`Model.objects.bulk_create(objs)` with a 'created' audit entry per row (the
    database must return the new primary keys: PostgreSQL and SQLite do)."""
    objs = list(objs)
    if not objs:
        return objs
    model = type(objs[0])
    created = model.objects.bulk_create(objs, batch_size=CHUNK)
    if auditlog.contains(model):
        pairs = [(None, obj) for obj in created]
        entries = _entries(pairs, action=LogEntry.Action.CREATE, actor=actor)
        LogEntry.objects.bulk_create(entries, batch_size=CHUNK)
    return created


def _entry(
    *,
    target: Model,
    actor,
    action: int,
    changes: dict[str, list[str]],
    additional_data: dict[str, Any] | None = None,
) -> LogEntry:
    """One LogEntry on `target` written by hand, with the request's address and correlation
    id as auditlog's own entries carry them."""
    context = _context()
    actor = actor if getattr(actor, "is_authenticated", False) else None
    pk = target.pk
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(target),
        object_pk=str(pk),
        object_id=pk if isinstance(pk, int) else None,
        object_repr=smart_str(target)[:200],
        action=action,
        changes=changes,
        additional_data=additional_data,
        actor=actor,
        actor_email=getattr(actor, "email", None) if actor else None,
        remote_addr=context.get("remote_addr"),
        remote_port=context.get("remote_port"),
        cid=get_cid(),
    )


def audit_access(*, actor, target: Model, what: str, details: dict[str, Any]) -> LogEntry:
    """An "accessed" entry (auditlog's ACCESS action) for a read that must leave a trace,
    such as an export holding personal data: who, when, from where, on `target` (the
    campaign), `what` was read and `details` (how many rows, the stated reason). The admin's
    audit pages show the details as changes from "" to the value (auditlog renders only
    [before, after] pairs); `additional_data` keeps them as given."""
    return _entry(
        target=target,
        actor=actor,
        action=LogEntry.Action.ACCESS,
        changes={"读取": ["", what], **{key: ["", str(value)] for key, value in details.items()}},
        additional_data={"读取": what, **details},
    )


def audit_event(*, target: Model, actor, changes: dict[str, tuple[str, str]]) -> LogEntry:
    """An 'update' entry for an act that changes no audited field by itself, such as a
    password reset: the entry names the act in plain words (never a hash or a password)."""
    return _entry(
        target=target,
        actor=actor,
        action=LogEntry.Action.UPDATE,
        changes={name: list(pair) for name, pair in changes.items()},
    )


# A context no receiver answers to: auditlog's receivers compare their id with this one's.
_NO_CONTEXT: dict = {"signal_duid": None}


@contextlib.contextmanager
def audit_as(actor, remote_addr=None, remote_port=None) -> Iterator[None]:
    """auditlog's set_actor, undone on the way out. set_actor sets its context variable and
    never resets it: a block nested in another (the API's inside AuditlogMiddleware's) left
    its own context behind, so the outer block disconnected the wrong receiver and its own
    stayed connected for the life of the process (one more receiver on every model save per
    API request); a finished block's actor looked "set" to the next one."""
    token = auditlog_value.set(_NO_CONTEXT)
    try:
        with set_actor(actor, remote_addr, remote_port):
            yield
    finally:
        auditlog_value.reset(token)


@contextlib.contextmanager
def audit_actor(actor) -> Iterator[None]:
    """Entries written inside name `actor` when no request did (a command, a test, a worker's
    task); inside a request AuditlogMiddleware has set the actor and the address already,
    and they are kept."""
    if _context().get("actor") is not None or not getattr(actor, "is_authenticated", False):
        yield
        return
    with audit_as(actor):
        yield


def audit_context_clear() -> None:
    """Start a worker's task with no actor: whatever an earlier task or request in this
    thread left in auditlog's context variable is not this task's (pingyi/celery.py)."""
    auditlog_value.set(_NO_CONTEXT)
