"""What each workspace landing page shows, contributed by the apps that own the data.

accounts sits below the domain apps, so it cannot read campaigns itself: an app registers a
provider for a workspace (`@workspace_panel("staff")`) in its AppConfig.ready(), and the
landing view merges what the providers return into its template context."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

Provider = Callable[[HttpRequest], dict[str, Any]]

_PROVIDERS: dict[str, list[Provider]] = defaultdict(list)


def workspace_panel(workspace: str) -> Callable[[Provider], Provider]:
    """Register `provider(request) -> dict` for the landing page of `workspace`."""

    def decorator(provider: Provider) -> Provider:
        if provider not in _PROVIDERS[workspace]:
            _PROVIDERS[workspace].append(provider)
        return provider

    return decorator


def workspace_context(workspace: str, request: HttpRequest) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for provider in _PROVIDERS[workspace]:
        context.update(provider(request))
    return context
