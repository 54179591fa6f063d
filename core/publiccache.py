"""A shared cache of anonymous public pages, invalidated by publication generations.

Every campaign has a *generation*: a counter in the cache that every act changing what its
public pages show bumps (a post_save/post_delete signal of a registered model, or an
explicit `bump()` from a service that writes in bulk). A page entry (one per URL) carries
the generations it was rendered under; a bump makes it stale, so the next request renders
afresh: no TTL to wait for. The generations and the entry come in one cache round trip.
Site-wide pages (the home page) use the global generation, which every campaign's bump also
moves; `bump_all()` moves an epoch every stamp carries (changes not tied to one campaign: a
department renamed, hotline figures).

Only anonymous GET/HEAD requests without pending messages are served from or stored in the
cache; a response is stored only when it is a plain 200 that sets no cookie, used no CSRF
token and showed no messages, so a page with a form or per-visitor content never enters it.
Signed-in visitors always get a fresh render marked `Cache-Control: private, no-cache`.

Generations start at the current time in microseconds, so a generation lost with an evicted
or flushed key never comes back to a value older page entries were stored under.

Domain-free: apps declare their public models with `register()` in their `apps.py`."""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import time
from collections.abc import Callable, Iterable
from email.utils import formatdate
from typing import Any, Protocol, cast

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models import ForeignKey, Model
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags, parse_http_date_safe

logger = logging.getLogger(__name__)

ALIAS = "public"
ALL = "*"  # the global generation (site-wide pages)
EPOCH = "epoch"  # moved by bump_all(): part of every key
PAGE_TIMEOUT = 24 * 60 * 60  # entries of URLs nobody asks for any more age out
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")
PUBLIC_CACHE_CONTROL = {"public": True, "max_age": 0, "must_revalidate": True}

CampaignsOf = Callable[[Model], Iterable[str | None] | str | None]
_registry: dict[type[Model], CampaignsOf] = {}


def enabled() -> bool:
    return getattr(settings, "PUBLIC_CACHE_ENABLED", True)


def _cache():
    return caches[ALIAS]


def _gen_key(name: str) -> str:
    return f"gen:{name}"


# ------------------------------------------------------------------------ generations
def generations(campaign: str | None = None, *, also: str | None = None):
    """(epoch, generation) of a campaign (by slug), or of the site-wide pages (None). With
    `also`, that key is read in the same round trip and returned third."""
    names = [EPOCH, campaign or ALL]
    cache = _cache()
    found = cache.get_many([_gen_key(n) for n in names] + ([also] if also else []))
    values: list = []
    for name in names:
        value = found.get(_gen_key(name))
        if value is None:
            cache.add(_gen_key(name), _start(), timeout=None)
            value = cache.get(_gen_key(name)) or 0
        values.append(int(value))
    if also:
        return values[0], values[1], found.get(also)
    return values[0], values[1]


def _start() -> int:
    # Microseconds: a bump is a cache round trip (tens of µs at least), so a counter that
    # restarts from the clock is past every value it reached before it was lost.
    return time.time_ns() // 1000


def _incr(name: str) -> None:
    cache = _cache()
    key = _gen_key(name)
    try:
        cache.incr(key)
    except ValueError:  # missing: start past every value it could have had
        if not cache.add(key, _start(), timeout=None):
            cache.incr(key)


def _bump_now(names: Iterable[str]) -> None:
    try:
        for name in names:
            _incr(name)
    except Exception:  # the cache server is down: the write must still go through
        logger.exception("public cache: could not bump %s", sorted(names))


def _schedule(names: set[str]) -> None:
    """Bump now (a reader that renders before the commit stamps its entry with the old
    generation or this one) and again on commit (an entry rendered from uncommitted reads
    in between is stale from then on)."""
    if not names or not enabled():
        return
    _bump_now(names)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _bump_now(names))


def bump(*campaigns: str | None) -> None:
    """Public content of these campaigns (slugs) changed; site-wide pages change with them."""
    names = {c for c in campaigns if c}
    if names:
        _schedule(names | {ALL})


def bump_all() -> None:
    """Something every public page may show changed (hotline figures, department names)."""
    _schedule({EPOCH})


# ------------------------------------------------------------------------ registry
def register(model: type[Model], *, campaigns: CampaignsOf | None = None) -> None:
    """Declare `model` public content: saving or deleting an instance bumps the generation
    of the campaign(s) `campaigns(instance)` returns (slugs), or every page (None)."""
    _registry[model] = campaigns or (lambda instance: None)
    uid = f"publiccache:{model._meta.label}"
    post_save.connect(_changed, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(_changed, sender=model, weak=False, dispatch_uid=uid)


def via(field: str, path: str) -> CampaignsOf:
    """The campaign slug(s) of an instance through its foreign key `field` and the lookup
    `path` on the related model, in one query. It starts from the key's id, not the row, so
    it still answers after the instance itself was deleted."""

    def campaigns(instance: Model) -> list[str]:
        fk = cast("ForeignKey[Any, Any]", instance._meta.get_field(field))
        pk = getattr(instance, fk.attname)
        if pk is None:
            return []
        manager = fk.related_model._base_manager
        return list(manager.filter(pk=pk).values_list(path, flat=True))

    return campaigns


def registered() -> dict[type[Model], CampaignsOf]:
    return dict(_registry)


def _changed(sender, instance, raw=False, **kwargs) -> None:
    if raw or not enabled():  # fixtures being loaded
        return
    found = _registry[sender](instance)
    if found is None:
        bump_all()
        return
    bump(*([found] if isinstance(found, str) else found))


# ------------------------------------------------------------------------ views
def _cacheable_request(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or not enabled():
        return False
    if request.headers.get("HX-Request"):
        return False  # htmx fragments: rendered each time, never mixed with full pages
    if request.COOKIES.get(getattr(settings, "MESSAGE_COOKIE_NAME", "messages")):
        return False  # a message waits for this visitor
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
        return False  # the page carries this visitor's CSRF token
    storage = getattr(request, "_messages", None)
    if storage is not None and getattr(storage, "used", False):
        return False
    control = response.get("Cache-Control", "")
    return "private" not in control and "no-store" not in control


def _store(cache, key: str, entry: dict, timeout: int) -> None:
    try:
        cache.set(key, entry, timeout)
    except Exception:
        logger.exception("public cache: could not store %s", key)


def _etag(key: str) -> str:
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def _not_modified(request: HttpRequest, etag: str, last_modified: float | None) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = parse_etags(if_none_match)
        return "*" in tags or etag in tags or f"W/{etag}" in tags
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and last_modified is not None and int(last_modified) <= since


def _headers(response: HttpResponse, etag: str, last_modified: float) -> HttpResponse:
    response["ETag"] = etag
    response["Last-Modified"] = formatdate(last_modified, usegmt=True)
    response["X-Public-Cache"] = response.get("X-Public-Cache", "MISS")
    patch_cache_control(response, **PUBLIC_CACHE_CONTROL)
    patch_vary_headers(response, ("Cookie",))
    return response


class PublicView(Protocol):
    """A view wrapped by `public_page`: marked with `public_cache = True`."""

    public_cache: bool

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse: ...


def public_page(view=None, *, campaign_kwarg: str | None = "slug"):
    """Serve an anonymous public view from the shared cache, keyed by the publication
    generation of the campaign named by the URL's `campaign_kwarg` (None: a site-wide page)
    and by the full URL. Answers a matching conditional GET with 304 without rendering."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not _cacheable_request(request):
                response = view(request, *args, **kwargs)
                user = getattr(request, "user", None)
                if user is not None and user.is_authenticated:
                    # Never kept by a shared cache or proxy; the browser revalidates.
                    patch_cache_control(response, private=True, no_cache=True)
                    patch_vary_headers(response, ("Cookie",))
                return response
            slug = kwargs.get(campaign_kwarg) if campaign_kwarg else None
            if slug is not None and not SLUG.fullmatch(str(slug)):
                return view(request, *args, **kwargs)  # not a campaign: nothing to keep
            # One entry per URL, stamped with the generations it was rendered under, read in
            # the same cache round trip as the current generations (a hit is one round trip).
            url = request.build_absolute_uri()
            key = f"page:{slug or ALL}:{hashlib.sha256(url.encode()).hexdigest()}"
            try:
                epoch, generation, entry = generations(slug, also=key)
            except Exception:  # the cache server is down: render as if there were no cache
                logger.exception("public cache: unavailable, rendering %s", request.path)
                return view(request, *args, **kwargs)
            # The local date is part of the stamp: badges such as "overdue" move at midnight.
            stamp = f"{epoch}:{generation}:{timezone.localdate()}"
            etag = _etag(f"{stamp}:{url}")
            cache = _cache()
            if entry is not None and entry.get("stamp") == stamp:
                if _not_modified(request, etag, entry["modified"]):
                    return _headers(HttpResponseNotModified(), etag, entry["modified"])
                response = HttpResponse(entry["content"], status=200)
                for name, value in entry["headers"]:
                    response[name] = value
                response["X-Public-Cache"] = "HIT"
                return _headers(response, etag, entry["modified"])
            if request.headers.get("If-None-Match") and _not_modified(request, etag, None):
                # The visitor holds this generation's page although our copy was evicted.
                return _headers(HttpResponseNotModified(), etag, time.time())
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response = response.render()
            if not _storable(request, response):
                return response
            modified = time.time()
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() in ("content-type", "content-language", "content-disposition")
            ]
            _store(
                cache,
                key,
                {
                    "stamp": stamp,
                    "content": response.content,
                    "headers": headers,
                    "modified": modified,
                },
                PAGE_TIMEOUT,
            )
            return _headers(response, etag, modified)

        marked = cast(PublicView, wrapper)
        marked.public_cache = True
        return marked

    return decorate(view) if view is not None else decorate
