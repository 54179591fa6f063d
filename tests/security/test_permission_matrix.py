"""The permission matrix (api/matrix.py) against every route, role and method.

Walks the URL resolver: a route the matrix does not name fails the test. Each route is
requested as every role with GET and POST; the role gate must refuse exactly the roles the
matrix refuses (403, or the login page for anonymous visitors). Objects in the URL are
dummies: a role the gate lets through then gets a 404 or a form, which is "not refused"."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from api.matrix import ANONYMOUS, DELEGATED_NAMESPACES, MATRIX, ROLES, ROUTES, roles_for_route
from pingyi.accounts.models import Role
from tests.factories import (
    AdminFactory,
    DeputyFactory,
    LiaisonFactory,
    MemberFactory,
    ResearcherFactory,
    StaffFactory,
)

FACTORIES = {
    Role.STAFF: StaffFactory,
    Role.ADMIN: AdminFactory,
    Role.MEMBER: MemberFactory,
    Role.RESEARCHER: ResearcherFactory,
    Role.LIAISON: LiaisonFactory,
    Role.DEPUTY: DeputyFactory,
}


def _walk(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or namespace
            if ns in DELEGATED_NAMESPACES:
                continue
            yield from _walk(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, pattern


def all_routes() -> list[tuple[str, URLPattern]]:
    return sorted(_walk(get_resolver().url_patterns), key=lambda item: item[0] or "")


def _dummy_url(name: str, pattern: URLPattern) -> str:
    kwargs = {}
    for key, converter in pattern.pattern.converters.items():
        kwargs[key] = 999999 if isinstance(converter, IntConverter) else "zz-none"
    for key in pattern.pattern.regex.groupindex:  # regex routes (DRF routers)
        kwargs.setdefault(key, "999999" if key == "pk" else "zz-none")
    return reverse(name, kwargs=kwargs)


def test_every_route_is_in_the_matrix():
    missing = [name or str(p.pattern) for name, p in all_routes() if name not in ROUTES]
    assert missing == [], f"routes missing from api/matrix.py ROUTES: {missing}"


def test_the_matrix_names_no_route_that_does_not_exist():
    names = {name for name, _ in all_routes()}  # noqa: C416
    assert set(ROUTES) - names == set()
    assert set(ROUTES.values()) <= set(MATRIX)


def test_view_role_checks_agree_with_the_matrix():
    """The views' own role_required gates (the second layer) admit the same roles."""
    disagree = []
    for name, pattern in all_routes():
        declared = getattr(pattern.callback, "allowed_roles", None)
        if declared is not None and set(declared) != set(roles_for_route(name)):
            disagree.append((name, sorted(declared), sorted(roles_for_route(name))))
    assert disagree == []


def _refused(response, role) -> bool:
    if response.status_code == 403 or (role == ANONYMOUS and response.status_code == 401):
        return True
    login = reverse("accounts:login")
    return (
        role == ANONYMOUS and response.status_code == 302 and response["Location"].startswith(login)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_route_and_method_admits_exactly_the_matrix_roles(client, role):
    if role != ANONYMOUS:
        client.force_login(FACTORIES[role]())
    wrong = []
    for name, pattern in all_routes():
        if name == "accounts:logout":
            continue  # would end the session the walk relies on; open to everyone anyway
        url = _dummy_url(name, pattern)
        allowed = role in roles_for_route(name)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if response.status_code == 405:
                continue  # the route does not serve this method to anyone
            if _refused(response, role) == allowed:
                wrong.append(f"{method.upper()} {name} as {role}: {response.status_code}")
    assert wrong == []
