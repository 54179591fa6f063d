"""Permanent redirects from old addresses to the named route that replaced them.

`moved("old/<slug:slug>/path/", "app:name")` is a URL pattern whose view answers 301 with
the new route reversed from the captured arguments, the query string kept, so bookmarks
and links in old e-mails keep working. An old address that carried only an object's id
where the new one also needs the campaign slug names where to find it:
`moved("old/<int:pk>/", "app:name", slug_from=("campaigns.VoteSession",
"batch__campaign__slug"))` looks the slug up (404 when the object is gone).

The redirect grants nothing: the page it points to enforces its own permissions. It is
domain-free on purpose: the model is named by its label, not imported."""

from __future__ import annotations

from django.apps import apps
from django.http import Http404, HttpRequest, HttpResponsePermanentRedirect
from django.urls import URLPattern, path, reverse


def legacy_redirect(
    request: HttpRequest,
    *,
    to: str,
    slug_from: tuple[str, str] | None = None,
    **kwargs,
) -> HttpResponsePermanentRedirect:
    if slug_from is not None:
        label, field = slug_from
        model = apps.get_model(label)
        slug = model.objects.filter(pk=kwargs["pk"]).values_list(field, flat=True).first()
        if slug is None:
            raise Http404("页面不存在")
        kwargs["slug"] = slug
    url = reverse(to, kwargs=kwargs)
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)


def moved(
    route: str, to: str, *, name: str | None = None, slug_from: tuple[str, str] | None = None
) -> URLPattern:
    """An old route that now lives at the named route `to` (namespace:name). The pattern is
    named after its target (`campaigns-staff:batch` -> `campaigns-staff-batch`) unless
    `name` is given, for a target with more than one old address."""
    options: dict = {"to": to}
    if slug_from is not None:
        options["slug_from"] = slug_from
    return path(route, legacy_redirect, options, name=name or to.replace(":", "-"))
