"""The permission matrix (accounts/matrix.py) against every route, role and method.

Walks the URL resolver, Django's admin included: a route the matrix does not name fails the
test. Each route is requested as every role with GET and POST (and PATCH, PUT, DELETE for
routes declared per method); for a method the route serves, the gate must refuse exactly the
roles the matrix refuses (403, or the login page for anonymous visitors) and must not answer
405; a method the route does not declare must be refused or answer 405, to every role.
Objects in the URL are dummies: a role the gate lets through then gets a 404 or a form,
which is "not refused"."""

import pytest
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from accounts.matrix import (
    ANONYMOUS,
    API_METHODS,
    MATRIX,
    PAGE_METHODS,
    ROLES,
    ROUTES,
    declared_methods,
    roles_for_route,
)
from accounts.models import Role
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
            yield from _walk(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern):
            if pattern.name is None and namespace == "admin":
                continue  # the admin's unnamed catch-all (a 404 or a redirect to a slash)
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, pattern


def all_routes() -> list[tuple[str, URLPattern]]:
    return sorted(_walk(get_resolver().url_patterns), key=lambda item: item[0] or "")


def _dummy_url(name: str, pattern: URLPattern) -> str:
    kwargs = {}
    for key, converter in pattern.pattern.converters.items():
        kwargs[key] = 999999 if isinstance(converter, IntConverter) else "zz-none"
    for key in pattern.pattern.regex.groupindex:  # regex routes (DRF routers, admin)
        kwargs.setdefault(key, "999999" if key == "pk" else "zz-none")
    if name == "admin:app_list":
        kwargs["app_label"] = "campaigns"
    return reverse(name, kwargs=kwargs)


def test_every_route_is_in_the_matrix():
    missing = [name or str(p.pattern) for name, p in all_routes() if declared_methods(name) is None]
    assert missing == [], f"routes missing from accounts/matrix.py ROUTES: {missing}"


def test_the_matrix_names_no_route_that_does_not_exist():
    names = {name for name, _ in all_routes()}  # noqa: C416
    assert set(ROUTES) - names == set()
    gates = [
        g
        for entry in ROUTES.values()
        for g in (entry.values() if isinstance(entry, dict) else [entry])
    ]
    assert set(gates) <= set(MATRIX)


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


# Django's admin checks its own model permissions on top of the matrix gate: a role the
# matrix admits but Django's model permissions do not (committee staff on users; anyone on
# a read-only model's add page) gets Django's 403 there. The matrix part is that every
# other role is refused, and that the roles it admits reach the admin index.
SECOND_LAYER = ("admin:",)
SKIP = ("accounts:logout", "admin:logout")  # would end the session the walk relies on


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_route_and_method_admits_exactly_the_matrix_roles(client, role):
    if role != ANONYMOUS:
        client.force_login(FACTORIES[role]())
    wrong = []
    for name, pattern in all_routes():
        if name in SKIP:
            continue
        cache.clear()  # the public endpoints' rate limits are not what is tested here
        url = _dummy_url(name, pattern)
        declared = declared_methods(name)
        methods = API_METHODS if isinstance(ROUTES.get(name), dict) else PAGE_METHODS
        for method in methods:
            response = getattr(client, method.lower())(url)
            refused = _refused(response, role)
            if method not in declared:
                if response.status_code != 405 and not refused:
                    wrong.append(f"{method} {name} as {role}: {response.status_code}, not 405")
                continue
            allowed = role in roles_for_route(name, method)
            if response.status_code == 405:
                wrong.append(f"{method} {name} as {role}: 405 but declared in the matrix")
            elif refused == allowed:
                second = name.startswith(SECOND_LAYER) and name != "admin:index"
                if not (allowed and second and response.status_code == 403):
                    wrong.append(f"{method} {name} as {role}: {response.status_code}")
    assert wrong == []


@pytest.mark.django_db
def test_a_member_with_is_staff_still_cannot_open_the_admin(client):
    """is_staff alone does not open /admin/: the matrix row django_admin decides first."""
    member = MemberFactory(is_staff=True)
    client.force_login(member)

    assert client.get(reverse("admin:index")).status_code == 403
