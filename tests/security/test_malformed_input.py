"""Malformed input never answers 500 (issue #18 point 4).

Walks every route of the URL resolver (as the permission matrix test does) as an anonymous
visitor and as signed-in committee staff, with real objects in the URL where the route names
them (campaign, batch, department; ids 1, the first row of each table), and fuzzes the query
parameters: the names the route's view reads (request.GET / query_params, the filter form it
binds to request.GET, its DRF filterset, search and ordering) plus common ones, all set to
one value at a time.

- Values the central guard refuses (core/malformed.py: NUL, broken UTF-8, an encoded lone
  surrogate, 2**70, 100 KB) must answer exactly 400, in Chinese (JSON under /api/).
- Values that reach the views (negative, the largest 64-bit number as a page, text where a
  number is expected, a digit int() refuses) must answer anything but a server error.
- The path: ids of 2**70 and a NUL in a text part answer 400."""

import inspect
import re
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.urls.converters import IntConverter

from core.malformed import slug_or_blank, whole_number
from scoring.services.public_vote import vote_set_open
from tests.campaigns.voting_helpers import open_vote
from tests.factories import EvaluatedDepartmentFactory
from tests.issues.factories import ConfirmedKeyIssueFactory, SuggestionFactory
from tests.security.test_permission_matrix import SKIP, all_routes

pytestmark = pytest.mark.django_db

COMMON = [
    "page",
    "department",
    "q",
    "receipt",
    "month",
    "status",
    "category",
    "page_size",
    "ordering",
    "cursor",
    "per_page",
    "batch",
    "year",
    "search",
]

REFUSED = {  # raw query values the guard answers 400 to
    "nul": "%00",
    "invalid-utf8": "%FF%FE",
    "lone-surrogate": "%ED%A0%80",
    "2**70": str(2**70),
    "100kb": "a" * 100_000,
}
PASSED = {  # values that reach the views
    "negative": "-1",
    "huge-page": str(2**63 - 1),
    "text-for-number": "zz",
    "non-ascii-digit": "²",  # str.isdigit() says yes, int() says no
}

_READS = re.compile(r"(?:GET|query_params)\.get(?:list)?\(\s*[\"'](\w+)[\"']")
_GET_FORM = re.compile(r"(\w+)\(\s*request\.GET")


def _view(pattern):
    callback = pattern.callback
    for attr in ("cls", "view_class"):
        if hasattr(callback, attr):
            return getattr(callback, attr)
    return inspect.unwrap(callback)


def known_parameters(pattern) -> set[str]:
    """The query parameter names the route's view reads."""
    view = _view(pattern)
    names: set[str] = set()
    filterset = getattr(view, "filterset_class", None)
    if filterset is not None:
        names |= set(filterset.base_filters)
    names |= set(getattr(view, "filterset_fields", None) or [])
    if getattr(view, "search_fields", None):
        names.add("search")
    if getattr(view, "ordering_fields", None):
        names.add("ordering")
    try:
        source = inspect.getsource(view)
    except (OSError, TypeError):
        return names
    names |= set(_READS.findall(source))
    module = inspect.getmodule(view)
    for form_name in _GET_FORM.findall(source):
        form = getattr(module, form_name, None)
        names |= set(getattr(form, "base_fields", {}))
    return names


@pytest.fixture
def world():
    staff, batch, voters, session, _ = open_vote()
    ev = EvaluatedDepartmentFactory(batch=batch)
    vote_set_open(batch=batch, is_open=True, actor=staff)
    suggestion = SuggestionFactory(department=ev)
    ConfirmedKeyIssueFactory(department=ev)
    return {
        "staff": staff,
        "suggestion": suggestion,
        "kwargs": {
            "slug": batch.campaign.slug,
            "number": batch.number,
            "department_slug": ev.department.slug,
            "department": ev.department.slug,
            "receipt": suggestion.receipt,
            "app_label": "campaigns",
        },
    }


def _url(name, pattern, samples, *, broken=False):
    """The route's address with sample objects, or with every part broken (2**70 for ids,
    a NUL in text) when `broken`."""
    kwargs = {}
    converters = pattern.pattern.converters
    keys = set(converters) | set(pattern.pattern.regex.groupindex)
    for key in keys:
        is_int = isinstance(converters.get(key), IntConverter) or key in {"pk", "object_id"}
        if broken:
            kwargs[key] = 2**70 if is_int else "zz\x00"
        elif key in samples and not (is_int and isinstance(samples[key], str)):
            kwargs[key] = samples[key]
        else:
            kwargs[key] = 1 if is_int else "zz-none"
    if not isinstance(converters.get("number"), IntConverter | None) and "number" in kwargs:
        kwargs["number"] = str(kwargs["number"])
    try:
        return reverse(name, kwargs=kwargs), bool(keys)
    except NoReverseMatch:
        return None, bool(keys)


def _get(client, url, failures, label):
    try:
        response = client.get(url)
    except Exception as exc:  # noqa: BLE001 - the point: an exception is a 500
        failures.append(f"{label}: {type(exc).__name__}: {str(exc)[:120]}")
        return None
    if response.status_code >= 500:
        failures.append(f"{label}: {response.status_code}")
    return response


def _is_chinese_400(url, response) -> bool:
    if response.status_code != 400:
        return False
    if url.startswith("/api/"):
        body = response.json()["error"]
        return body["status"] == 400 and body["code"] == "bad_request" and body["message"]
    page = response.content.decode()
    return "请求有误" in page and "<html" in page


@pytest.mark.parametrize("who", ["anonymous", "staff"])
def test_no_route_answers_500_to_malformed_input(world, who):
    client = Client()
    if who == "staff":
        client.force_login(world["staff"])
    failures: list[str] = []
    for name, pattern in all_routes():
        if name in SKIP:
            continue
        cache.clear()  # the public endpoints' rate limits are not what is tested here
        url, has_kwargs = _url(name, pattern, world["kwargs"])
        if url is None:
            continue
        params = sorted(known_parameters(pattern) | set(COMMON))
        for label, raw in REFUSED.items():
            query = "&".join(f"{p}={raw}" for p in params)
            response = _get(client, f"{url}?{query}", failures, f"{name} {label}")
            if response is not None and not _is_chinese_400(url, response):
                failures.append(f"{name} {label}: {response.status_code}, not the 400 page")
        for label, value in PASSED.items():
            query = "&".join(f"{p}={quote(value)}" for p in params)
            _get(client, f"{url}?{query}", failures, f"{name} {label}")
        if has_kwargs:
            broken, _ = _url(name, pattern, world["kwargs"], broken=True)
            if broken is not None:
                response = _get(client, broken, failures, f"{name} broken path")
                if response is not None and response.status_code != 400:
                    failures.append(f"{name} broken path {broken}: {response.status_code}")
    assert failures == []


PROBE = [
    # The two addresses the outside probe found answering 500 (on PostgreSQL).
    ("/{slug}/progress/?department=%00", "查询参数“department”含有不允许的控制字符"),
    ("/suggestions/receipt/?receipt=%00", "查询参数“receipt”含有不允许的控制字符"),
    ("/suggestions/receipt/%00/", "网址中含有不允许的控制字符"),
    ("/{slug}/progress/?batch=%FF", "不是有效的 UTF-8"),
    ("/{slug}/progress/?batch=" + str(2**70), "查询参数“batch”的数值超出范围"),
    ("/{slug}/progress/?q=" + "a" * 1001, "查询参数“q”过长"),
]


@pytest.mark.parametrize(("address", "message"), PROBE)
def test_malformed_addresses_get_the_chinese_400_page_naming_the_problem(
    world, client, address, message
):
    response = client.get(address.format(slug=world["kwargs"]["slug"]))

    assert response.status_code == 400
    page = response.content.decode()
    assert "请求有误" in page and message in page


def test_the_api_answers_malformed_input_in_its_json_error_format(client):
    response = client.get("/api/v1/campaigns/?year=%00")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
    assert "year" in response.json()["error"]["message"]


def test_well_formed_values_pass_the_guard(world, client):
    slug = world["kwargs"]["slug"]
    for query in ("q=交通+拥堵", "q=%E4%BA%A4%E9%80%9A", "batch=9223372036854775807", "q=a%09b"):
        response = client.get(f"/{slug}/progress/?{query}")
        assert response.status_code == 200, query


def test_root_causes_refuse_what_the_guard_lets_through(world, client):
    """Behind the guard, the views themselves: a digit int() refuses, a receipt that is no
    receipt number (without the middleware a NUL reached PostgreSQL from here)."""
    from issues.selectors import suggestion_by_receipt

    slug = world["kwargs"]["slug"]
    assert client.get(f"/{slug}/progress/?batch=%C2%B2").status_code == 200
    assert client.get(f"/{slug}/progress/?department=a%20b%E2%80%8B").status_code == 200
    assert slug_or_blank("zz\x00") == "" and slug_or_blank(" dept-1 ") == "dept-1"
    assert whole_number("²") is None and whole_number(str(2**70)) is None
    assert whole_number(" 42 ") == 42
    assert suggestion_by_receipt(receipt="YJ\x002021") is None
    assert suggestion_by_receipt(receipt=world["kwargs"]["receipt"].lower()) is not None


@pytest.mark.parametrize(
    "form",
    [
        {"action": "reject", "ids": ["²", "{pk}"], "anchor": "zz"},
        {"action": "merge", "ids": ["{pk}", str(2**70)], "theme": "²", "title": "主题"},
    ],
)
def test_ids_posted_by_hand_that_int_refuses_are_ignored_not_a_500(world, client, form):
    """The staff bulk actions read ids by hand: "²" passed isdigit() and crashed int()."""
    client.force_login(world["staff"])
    pk = str(world["suggestion"].pk)
    data = {k: [x.format(pk=pk) for x in v] if isinstance(v, list) else v for k, v in form.items()}

    response = client.post(reverse("issues:triage", args=[world["kwargs"]["slug"]]), data)

    assert response.status_code in (200, 302)


def test_a_number_too_large_for_sqlite_in_a_form_body_is_a_400(client):
    """Members posted as 2**70 when staff open a selection vote: the multiple choice looks them
    up with pk__in, which SQLite's driver cannot bind (OverflowError) and PostgreSQL answers
    with no rows. Either way a 400 or the form's own error, never a 500."""
    from tests.campaigns.voting_helpers import vote_setup

    staff, batch, _ = vote_setup()
    client.force_login(staff)

    response = client.post(
        reverse("campaigns-staff:vote-open", args=[batch.campaign.slug, batch.number]),
        {"members": [str(2**70)]},
    )

    assert response.status_code in (200, 302, 400)
    if response.status_code == 400:
        assert "提交的内容中有数值超出范围" in response.content.decode()
