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
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlsplit

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.urls.converters import IntConverter

from accounts.matrix import ANONYMOUS, ROLES, declared_methods, roles_for_route
from core.malformed import slug_or_blank, whole_number
from notifications.models import Message
from rectification.services import plan_publish, plan_submit, update_create
from scoring.formulas import SurveyGroup
from scoring.services.committee import session_open as committee_session_open
from scoring.services.public_vote import vote_set_open
from scoring.services.surveys import respondents_add, survey_create
from tests.campaigns.voting_helpers import open_vote
from tests.factories import (
    AdminFactory,
    DeputyFactory,
    EvaluatedDepartmentFactory,
    LiaisonFactory,
    ResearcherFactory,
)
from tests.issues.factories import ConfirmedKeyIssueFactory, SuggestionFactory, ThemeFactory
from tests.rectification.factories import MeasureFactory, NoticeFactory, PlanFactory, jpeg_bytes
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


# The object a route's `pk` (or other id) names, by route: the world's own rows, so a role
# reaches the real page (the liaison's own key issue, the member's own ballot) instead of a 404.
IDS = {
    "campaigns-staff:ballot": {"pk": "vote_session"},
    "campaigns-staff:nomination-remove": {"pk": "nomination"},
    "legacy:campaigns-staff-vote-turnout": {"pk": "vote_session"},
    "legacy:campaigns-staff-vote-close": {"pk": "vote_session"},
    "legacy:campaigns-staff-vote-runoff": {"pk": "vote_session"},
    "legacy:campaigns-staff-vote-publish": {"pk": "vote_session"},
    "issues:suggestion": {"pk": "suggestion"},
    "issues:theme": {"pk": "theme"},
    "issues:key-issue": {"pk": "key_issue"},
    "issues:key-issue-confirm": {"pk": "key_issue"},
    "issues:key-issue-new": {"department": "evaluated"},
    "issues:proposals": {"department": "evaluated"},
    "scoring:ballot": {"pk": "committee_session"},
    "scoring:turnout": {"pk": "committee_session"},
    "scoring:session-void": {"pk": "committee_session"},
    "scoring:survey": {"pk": "survey"},
    "scoring:rates": {"pk": "survey"},
    "scoring:invitations": {"pk": "survey"},
    "notifications:message-read": {"pk": "message"},
    "notifications:robot": {"pk": "robot"},
    "notifications:robot-delete": {"pk": "robot"},
    "accounts:user": {"pk": "deputy"},
    "accounts:user-active": {"pk": "deputy"},
    "accounts:user-password": {"pk": "deputy"},
    "rectification:liaison-notice-read": {"pk": "notice"},
    "rectification:issue": {"pk": "key_issue"},
    "rectification:staff-review": {"pk": "key_issue", "update": "update"},
    "rectification:file": {"pk": "attachment"},
    "rectification:thumb": {"pk": "attachment"},
    "api:batch-detail": {"pk": "batch"},
    "api:department-detail": {"pk": "evaluated"},
    "api:vote-detail": {"pk": "vote_session"},
    "api:suggestion-detail": {"pk": "suggestion"},
    "api:key-issue-detail": {"pk": "key_issue"},
    "api:public-progress-detail": {"pk": "key_issue"},
    "api:progress-update-detail": {"pk": "update"},
    "api:progress-update-publish": {"pk": "update"},
    "api:progress-update-return": {"pk": "update"},
}
for _name in ("liaison-issue", "liaison-plan", "liaison-submit", "liaison-update",
              "liaison-measure-new", "liaison-measure", "liaison-measure-done",
              "liaison-measure-delete", "liaison-measure-withdraw", "staff-issue",
              "staff-publish", "staff-return", "staff-verdict", "staff-rebound",
              "staff-close", "staff-resolve"):  # fmt: skip
    IDS[f"rectification:{_name}"] = {"pk": "key_issue", "measure": "measure"}
for _name in ("plan-detail", "plan-submit", "plan-publish", "plan-return"):
    IDS[f"api:{_name}"] = {"pk": "plan"}
for _name in ("measure-detail", "measure-done", "measure-close", "measure-withdraw"):
    IDS[f"api:{_name}"] = {"pk": "measure"}


@pytest.fixture
def world():
    """One campaign with a row for every id a route can name, and a user of every role who
    owns their part of it: the liaison's department is the evaluated one (its key issue,
    plan, measure, update and notice), the member votes in the open selection vote and the
    open committee scoring session, the researcher belongs to the committee."""
    staff, batch, voters, session, _ = open_vote()
    member = voters[0]
    ev = EvaluatedDepartmentFactory(batch=batch)
    vote_set_open(batch=batch, is_open=True, actor=staff)
    suggestion = SuggestionFactory(department=ev)
    key_issue = ConfirmedKeyIssueFactory(department=ev)
    plan = PlanFactory(key_issue=key_issue)
    measure = MeasureFactory(plan=plan)
    liaison = LiaisonFactory(department=ev.department)
    plan_submit(plan=plan, actor=liaison)
    plan_publish(plan=plan, actor=staff)
    update = update_create(
        plan=plan, actor=liaison, text="已完成排查。", percent=30,
        files=[("photo.jpg", jpeg_bytes(size=(40, 30)))],
    )  # fmt: skip
    committee = committee_session_open(batch=batch, actor=staff)
    survey = survey_create(batch=batch, title="问卷", actor=staff)
    respondents_add(survey=survey, group=SurveyGroup.PUBLIC, count=1, label="", actor=staff)
    users = {
        "staff": staff,
        "admin": AdminFactory(),
        "member": member,
        "researcher": ResearcherFactory(organizer=staff.organizer),
        "liaison": liaison,
        "deputy": DeputyFactory(),
    }
    return {
        **users,
        "suggestion": suggestion,
        "ids": {
            "vote_session": session.pk,
            "nomination": batch.nominations.first().pk,
            "suggestion": suggestion.pk,
            "theme": ThemeFactory(department=ev).pk,
            "key_issue": key_issue.pk,
            "evaluated": ev.pk,
            "batch": batch.pk,
            "plan": plan.pk,
            "measure": measure.pk,
            "update": update.pk,
            "attachment": update.attachments.first().pk,
            "notice": NoticeFactory(recipient=liaison).pk,
            "committee_session": committee.pk,
            "survey": survey.pk,
            "message": Message.objects.create(
                recipient=member, event="test", title="消息", body="内容"
            ).pk,
            "robot": 1,
            "deputy": users["deputy"].pk,
        },
        "kwargs": {
            "slug": batch.campaign.slug,
            "number": batch.number,
            "department_slug": ev.department.slug,
            "department": ev.department.slug,
            "receipt": suggestion.receipt,
            "token": survey.respondents.first().token,
            "app_label": "campaigns",
        },
    }


def _samples(world, name):
    """The URL values for route `name`: the world's kwargs, with the ids the route names."""
    ids = {key: world["ids"][obj] for key, obj in IDS.get(name, {}).items()}
    return {**world["kwargs"], **ids}


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


def _client(world, role) -> Client:
    client = Client()
    if role != ANONYMOUS:
        client.force_login(world[role])
    return client


def _walks(role, name, method) -> bool:
    """Whether the walk visits route `name` as `role` with `method`: the matrix admits it,
    and (for an admin) committee staff may not, the pages both open being the same views."""
    if role not in (roles_for_route(name, method) or ()):
        return False
    return role != "admin" or "staff" not in (roles_for_route(name, method) or ())


def _mixed(params, role) -> list[tuple[str, str]]:
    """Two queries carrying the values that reach the views, mixed: parameter i gets value
    i + offset, offset 0 then 2, shifted by the role, so each parameter gets two of the four
    values from each role and the four from a pair of roles (staff and admin, anonymous and
    any signed-in one). One request per value and parameter would be 4 x as many for
    little more: a view reads its parameters one after the other."""
    passed = list(PASSED.values())
    start = ROLES.index(role)
    return [
        (
            f"mixed {offset}",
            "&".join(
                f"{p}={quote(passed[(start + offset + i) % len(passed)])}"
                for i, p in enumerate(params)
            ),
        )
        for offset in (0, 2)
    ]


@pytest.mark.parametrize("role", ROLES)
def test_no_route_answers_500_to_malformed_input(world, role):
    """As anonymous and staff: every route. As the other roles: the routes the matrix admits
    them to (a refused role stops at MatrixMiddleware, before any view; an admin only where
    staff may not go, the rest being the same views). The guard's values one at a time in
    every parameter (for the other roles one, once per route: the guard reads no user, its
    400 page is drawn with the role's navigation); the values that reach the views mixed
    across the parameters in two requests (see _mixed); the broken path once."""
    client = _client(world, role)
    full = role in (ANONYMOUS, "staff")
    failures: list[str] = []
    refused = REFUSED.items() if full else [("nul", REFUSED["nul"])]
    for name, pattern in all_routes():
        if name in SKIP or not (full or _walks(role, name, "GET")):
            continue
        cache.clear()  # the public endpoints' rate limits are not what is tested here
        url, has_kwargs = _url(name, pattern, _samples(world, name))
        if url is None:
            continue
        params = sorted(known_parameters(pattern) | set(COMMON))
        for label, raw in refused:
            query = "&".join(f"{p}={raw}" for p in params)
            response = _get(client, f"{url}?{query}", failures, f"{name} {label}")
            if response is not None and not _is_chinese_400(url, response):
                failures.append(f"{name} {label}: {response.status_code}, not the 400 page")
        queries = _mixed(params, role)
        refused = refused if full else []
        for label, query in queries:
            _get(client, f"{url}?{query}", failures, f"{name} {label}: {query[:200]}")
        if has_kwargs and full:
            broken, _ = _url(name, pattern, {}, broken=True)
            if broken is not None:
                response = _get(client, broken, failures, f"{name} broken path")
                if response is not None and response.status_code != 400:
                    failures.append(f"{name} broken path {broken}: {response.status_code}")
    assert failures == [], "\n".join(failures)


# --- POST: every form a role is shown, and every POST-only route, one field at a time -----

POSTED = {  # raw (already percent-encoded) form values
    "nul": "a%00b",
    "invalid-utf8": "%FF%FE",
    "lone-surrogate": "%ED%A0%80",
    "2**70": str(2**70),
    "negative": "-1",
    "huge": str(2**63 - 1),
    "non-ascii-digit": "%C2%B2",
    "100kb": "a" * 100_000,
}
# Set in every field at once (the rest, which decode or parse like one of these, only in
# the one-field-at-a-time turns).
EVERY_FIELD = ("nul", "invalid-utf8", "2**70", "huge", "non-ascii-digit", "100kb")
_POST_READS = re.compile(r"(?:POST|data)\.get(?:list)?\(\s*[\"'](\w+)[\"']")
_POST_FORM = re.compile(r"(\w+)\(\s*(?:request\.POST|data=request\.POST)")


class _PostForms(HTMLParser):
    """The POST forms of a page: each one's action and the (name, value) pairs a browser
    would send as it stands (hidden and filled-in inputs, checked boxes, the selected or
    first option, the first named button), plus every field name it declares."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: tuple[str, list[str]] | None = None
        self._textarea: str | None = None

    def _add(self, name, value):
        self._form["names"].add(name)
        if value is not None:
            self._form["pairs"].append((name, value))

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            post = a.get("method", "get").lower() == "post"
            self._form = (
                {"action": a.get("action", ""), "pairs": [], "names": set()} if post else None
            )
            if post:
                self.forms.append(self._form)
            return
        name = a.get("name")
        if self._form is None or not name or name == "csrfmiddlewaretoken":
            if tag == "option" and self._select is not None:
                self._select[1].append(a.get("value", ""))
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                self._add(name, a.get("value", "on") if "checked" in a else None)
            elif kind in ("submit", "button", "image", "reset"):
                first = not any(n == name for n, _ in self._form["pairs"])
                self._add(name, a.get("value", "") if first else None)
            elif kind != "file":
                self._add(name, a.get("value", ""))
        elif tag == "button" and a.get("type", "submit") == "submit":
            self._add(name, a.get("value", "") if name not in self._form["names"] else None)
        elif tag == "select":
            self._select = (name, [])
        elif tag == "textarea":
            self._textarea = name
            self._add(name, None)

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form["pairs"].append((self._textarea, data))
            self._textarea = None

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            name, options = self._select
            if self._form is not None:
                self._add(name, options[0] if options else "")
            self._select = None
        elif tag == "textarea" and self._textarea:
            self._form["pairs"].append((self._textarea, ""))
            self._textarea = None


def posted_fields(pattern) -> set[str]:
    """The form field names a POST-only route's view reads: request.POST by hand, the forms
    it binds to request.POST, its DRF serializer's fields."""
    view = _view(pattern)
    names: set[str] = set()
    serializer = getattr(view, "serializer_class", None)
    if serializer is not None:
        names |= {n for n, f in serializer().fields.items() if not f.read_only}
    try:
        source = inspect.getsource(view)
    except (OSError, TypeError):
        return names
    names |= set(_POST_READS.findall(source))
    module = inspect.getmodule(view)
    for form_name in _POST_FORM.findall(source):
        names |= set(getattr(getattr(module, form_name, None), "base_fields", {}))
    return names


# Django's admin (its own forms, one per model) and the old addresses (a 301 whatever the
# method) are walked with GET only.
NOT_POSTED = ("admin:", "legacy:")


def _may_post(role, path) -> str | None:
    """The route name behind `path` if `role` may POST there (and the walk may: not the
    logout, not Django's admin, whose forms are Django's own)."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    name = match.view_name
    if name in SKIP or name.startswith(NOT_POSTED):
        return None
    return name if _walks(role, name, "POST") else None


def _targets(client, world, role, failures):
    """(path, baseline pairs, field names) to post to: the forms on every page the role can
    open, then every POST-only route the role may post to that showed no form."""
    targets: dict[tuple, tuple] = {}
    posted_routes: set[str] = set()
    routes = [(n, p) for n, p in all_routes() if n not in SKIP and not n.startswith(NOT_POSTED)]
    for name, pattern in routes:
        if role not in (roles_for_route(name, "GET") or ()):
            continue
        cache.clear()
        url, _ = _url(name, pattern, _samples(world, name))
        if url is None:
            continue
        response = _get(client, url, failures, f"GET {name}")
        if response is None or "html" not in response.get("Content-Type", ""):
            continue
        parser = _PostForms()
        parser.feed(response.content.decode(errors="replace"))
        for form in parser.forms:
            path = urlsplit(urljoin(url, form["action"] or url)).path
            route = _may_post(role, path)
            if route is None or not form["names"]:
                continue
            posted_routes.add(route)
            key = (path, tuple(sorted(form["names"])))
            targets.setdefault(key, (path, form["pairs"], form["names"]))
    for name, pattern in routes:
        if name in posted_routes:
            continue
        names = posted_fields(pattern)
        if declared_methods(name) == ("POST",):
            names |= {"reason", "ids", "action"}
        url, _ = _url(name, pattern, _samples(world, name))
        if not names or url is None or _may_post(role, url) is None:
            continue
        targets.setdefault((url, tuple(sorted(names))), (url, [], names))
    return list(targets.values())


def _body(pairs, malformed: dict[str, str]) -> str:
    kept = [f"{quote(n)}={quote(v)}" for n, v in pairs if n not in malformed]
    return "&".join([*kept, *(f"{quote(n)}={raw}" for n, raw in malformed.items())])


def _posts(names, role):
    """(label, {field: raw value}) to post: every value in every field at once, then each
    field alone with one value, the values taken in turn (offset by role, so a form shown
    to several roles gets a different value in each field from each)."""
    values = list(POSTED.items())
    for label, raw in values:
        if label in EVERY_FIELD:
            yield f"all={label}", dict.fromkeys(names, raw)
    start = ROLES.index(role)
    for i, field in enumerate(sorted(names)):
        label, raw = values[(start + i) % len(values)]
        yield f"{field}={label}", {field: raw}


@pytest.mark.parametrize("role", ROLES)
def test_no_form_answers_500_to_malformed_fields(world, role):
    """Each form the role is shown (and each POST-only route it may post to), with malformed
    values in its fields while the others keep the form's own values."""
    client = _client(world, role)
    failures: list[str] = []
    for path, pairs, names in _targets(client, world, role, failures):
        for label, malformed in _posts(names, role):
            cache.clear()
            body = _body(pairs, malformed)
            try:
                response = client.post(path, body, content_type="application/x-www-form-urlencoded")
            except Exception as exc:  # noqa: BLE001 - the point: an exception is a 500
                failures.append(f"POST {path} {label}: {type(exc).__name__}: {exc!s:.160}")
                continue
            if response.status_code >= 500:
                failures.append(f"POST {path} {label}: {response.status_code}")
    assert failures == [], "\n".join(failures)


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


def test_a_bulk_action_sent_back_to_something_that_is_no_path_returns_to_the_triage(world, client):
    """Found by the walk: redirect() took next="²" for a view name (NoReverseMatch)."""
    client.force_login(world["staff"])
    url = reverse("issues:triage", args=[world["kwargs"]["slug"]])

    for back in ("²", "a\x00b", "issues:triage"):
        response = client.post(url, {"action": "reject", "next": back})
        assert (response.status_code, response["Location"]) == (302, url)


@pytest.mark.parametrize("title", ["标" * 121, "a\x00b"])
def test_a_survey_title_too_long_or_with_a_nul_is_refused_in_chinese(world, client, title):
    """Found by the walk on PostgreSQL: the title went straight into a varchar(120)."""
    from scoring.models import Survey

    client.force_login(world["staff"])
    before = Survey.objects.count()
    slug, number = world["kwargs"]["slug"], world["kwargs"]["number"]

    response = client.post(
        reverse("scoring:survey-new", args=[slug, number]), {"title": title}, follow=True
    )

    assert response.status_code == 200
    assert "调查标题" in response.content.decode()
    assert Survey.objects.count() == before


def test_initial_passwords_for_usernames_that_cannot_exist_are_an_empty_sheet(world, client):
    """Found by the walk on PostgreSQL: a NUL in a posted username reached the lookup."""
    client.force_login(world["admin"])

    response = client.post(
        reverse("accounts:users-import-passwords"),
        {"username": ["a\x00b", "a" * 200], "name": ["甲", "乙"], "password": ["x", "y"]},
    )

    assert response.status_code == 200
