"""Permanent redirects from old addresses to the named route that replaced them.

`moved("old/<slug:slug>/path/", "app:name")` is a URL pattern whose view answers 301 with
the new route reversed from the captured arguments, the query string kept, so bookmarks
and links in old e-mails keep working. An old address that carried only an object's id
where the new one also needs the campaign slug passes `slug_from`, a function
`(request, pk) -> slug` that looks the object up within what the user may see and raises
Http404 otherwise (so the redirect does not tell strangers which campaign an id belongs to).

A form posted to an old address (a page left open across the upgrade) gets 308, not 301:
browsers follow a 301 with a GET and the form's data would be lost, while a 308 makes them
send the same POST, body and CSRF token included, to the new address.

The redirect grants nothing: the page it points to enforces its own permissions."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.urls import URLPattern, path, reverse

SlugLookup = Callable[[HttpRequest, int], str]


def legacy_redirect(
    request: HttpRequest,
    *,
    to: str,
    slug_from: SlugLookup | None = None,
    **kwargs,
) -> HttpResponsePermanentRedirect:
    if slug_from is not None:
        kwargs["slug"] = slug_from(request, kwargs["pk"])
    url = reverse(to, kwargs=kwargs)
    query = request.META.get("QUERY_STRING", "")
    response = HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
    if request.method not in ("GET", "HEAD"):
        response.status_code = 308  # same method and body at the new address
    return response


def moved(
    route: str, to: str, *, name: str | None = None, slug_from: SlugLookup | None = None
) -> URLPattern:
    """An old route that now lives at the named route `to` (namespace:name). The pattern is
    named after its target (`campaigns-staff:batch` -> `campaigns-staff-batch`) unless
    `name` is given, for a target with more than one old address."""
    options: dict = {"to": to}
    if slug_from is not None:
        options["slug_from"] = slug_from
    return path(route, legacy_redirect, options, name=name or to.replace(":", "-"))
