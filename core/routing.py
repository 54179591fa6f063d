"""Which path segments the URLconf already uses, read from the URLconf itself.

Campaign slugs sit at the top of the address (/2021/, /staff/2021/): a slug such as `staff`
or `hotline` would be shadowed by, or shadow, a system route. `slug_clashes` tells, so a
route added later is covered without anyone keeping a list in step."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.conf import settings
from django.urls import (
    NoReverseMatch,
    Resolver404,
    URLResolver,
    get_resolver,
    get_script_prefix,
    resolve,
    reverse,
)

# Served by the web server or WhiteNoise, not by the URLconf.
FIXED = ("static", "media")


def _text(pattern) -> str:
    text = str(pattern)
    return text.removeprefix("^").removesuffix("$").removesuffix("\\Z")


def _routes(patterns, prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        text = prefix + _text(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, text)
        else:
            yield text


def route_texts() -> list[str]:
    """Every route of the URLconf as text, includes flattened (`staff/<slug:slug>/`)."""
    return list(_routes(get_resolver().url_patterns))


def _served_elsewhere() -> set[str]:
    names = set(FIXED)
    for url in (settings.STATIC_URL, settings.MEDIA_URL):
        first = (url or "").strip("/").split("/")[0]
        if first and "://" not in (url or ""):
            names.add(first)
    return names


def slug_clashes(slug: str, *, route_names: Iterable[str]) -> bool:
    """Whether `slug`, put into each of the named routes (which take a `slug` argument),
    collides with another route: the address resolves to a different route, or another
    route's fixed text starts with the same segments (/hotline/ is taken by an old
    /hotline/imports/ though /hotline/ alone resolves to nothing), or it is the static or
    media prefix."""
    if slug in _served_elsewhere():
        return True
    texts = route_texts()
    prefix = get_script_prefix()
    for name in route_names:
        try:
            url = reverse(name, kwargs={"slug": slug})
        except NoReverseMatch:
            continue  # not a slug the route takes; the slug field's own check refuses it
        path = "/" + url.removeprefix(prefix)
        try:
            if resolve(path).view_name != name:
                return True
        except Resolver404:
            return True
        segments = path.strip("/").split("/")
        if any(text.split("/")[: len(segments)] == segments for text in texts):
            return True
    return False
