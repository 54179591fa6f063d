"""Issue 13: the Django admin is read-only for evaluation records and scoped for reference data.
Issue 17: /admin/ is for admins only (matrix row django_admin): every other role gets 403 over
HTTP whatever permissions it holds. The ModelAdmins' own rules (view only, organizer scope)
stay as a second line and are checked below on the ModelAdmins directly.

Every model in `admin.site._registry` must be classified below; a model registered later
without a row here fails `test_every_registered_model_is_classified`. Every role is given
is_staff and *every* model permission, so what refuses is the admin's own rule, not a
missing permission."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from api.models import ApiClient
from campaigns.models import CommitmentStatement, VoteSession
from core.admin import RECORD, REFERENCE, SITE, SITE_RECORD
from departments.models import District, Organizer, Town
from hotline.models import HotlineSource, ImportBatch
from issues.models import Tag
from notifications.models import (
    ContactOptIn,
    Delivery,
    Message,
    Preference,
    QuietHours,
    Robot,
)
from rectification.models import Event, Notice, PlanVersion, ProgressUpdate, Rebound, Verdict
from scoring.models import ScoreSheet, ScoringEvent
from tests.factories import (
    AdminFactory,
    DepartmentFactory,
    DeputyFactory,
    DistrictFactory,
    DistrictOrganizerFactory,
    EvaluatedDepartmentFactory,
    LiaisonFactory,
    MemberFactory,
    OrganizerFactory,
    ResearcherFactory,
    StaffFactory,
    TownFactory,
)
from tests.issues.factories import KeyIssueFactory, SuggestionFactory, ThemeFactory
from tests.rectification.factories import MeasureFactory
from tests.scoring.factories import ScoringConfigFactory

CLASSIFICATION = {
    # evaluation records: view only, for everyone
    "campaigns.Campaign": RECORD,
    "campaigns.Batch": RECORD,
    "campaigns.VoteSession": RECORD,
    "campaigns.CommitmentStatement": RECORD,
    "issues.Suggestion": RECORD,
    "issues.Theme": RECORD,
    "issues.KeyIssue": RECORD,
    "issues.Tag": RECORD,
    "scoring.ScoringConfig": RECORD,
    "scoring.ScoreSheet": RECORD,
    "scoring.ScoringEvent": RECORD,
    "hotline.ImportBatch": RECORD,
    "rectification.Plan": RECORD,
    "rectification.Measure": RECORD,
    "rectification.ProgressUpdate": RECORD,
    "rectification.PlanVersion": RECORD,
    "rectification.Verdict": RECORD,
    "rectification.Rebound": RECORD,
    "rectification.Event": RECORD,
    "rectification.Notice": RECORD,
    "notifications.Robot": RECORD,
    "notifications.Delivery": RECORD,
    "notifications.Message": RECORD,
    "notifications.Preference": RECORD,
    "notifications.QuietHours": RECORD,
    "notifications.ContactOptIn": RECORD,
    # reference data: editable inside the user's organizer
    "accounts.User": REFERENCE,
    "api.ApiClient": REFERENCE,
    "departments.District": REFERENCE,
    "departments.Town": REFERENCE,
    "departments.Department": REFERENCE,
    "hotline.HotlineSource": REFERENCE,
    # site administration: admins only
    "auth.Group": SITE,
    "axes.AccessAttempt": SITE,
    "axes.AccessLog": SITE,
    "axes.AccessFailureLog": SITE,
    "departments.Organizer": SITE,
    "auditlog.LogEntry": SITE_RECORD,
}

# Records only admins see (no organizer to scope them by).
ADMIN_ONLY_RECORDS = {
    "rectification.Notice",
    "notifications.Message",
    "notifications.Preference",
    "notifications.QuietHours",
    "notifications.ContactOptIn",
}
# Records of the city as a whole: admins and the city's staff.
CITY_WIDE = {"hotline.ImportBatch", "hotline.HotlineSource"}
# Reference data that is never deleted in the admin (records keep naming it).
NO_DELETE = {"hotline.HotlineSource", "api.ApiClient"}

ROLES = ["admin", "city_staff", "district_staff", "member", "researcher", "liaison", "deputy"]


def _label(model) -> str:
    return model._meta.label


def test_every_registered_model_is_classified():
    registered = {_label(m): a for m, a in admin.site._registry.items()}
    assert set(registered) == set(CLASSIFICATION), "classify every admin model here"
    for label, model_admin in registered.items():
        assert getattr(model_admin, "admin_kind", None) == CLASSIFICATION[label], label


# --------------------------------------------------------------------------- the world
@pytest.fixture
def world(db):
    """The city's objects of every registered model, a district (博山) with its own staff,
    and one user per role. Every non-admin holds every model permission."""
    city = OrganizerFactory(name="市人大常委会")
    boshan_district = DistrictFactory(name="博山区")
    boshan = DistrictOrganizerFactory(name="博山区人大常委会", district=boshan_district)
    other_district = DistrictFactory(name="张店区")

    users = {
        "admin": AdminFactory(),
        "city_staff": StaffFactory(organizer=city),
        "district_staff": StaffFactory(organizer=boshan),
        "member": MemberFactory(organizer=city),
        "researcher": ResearcherFactory(organizer=city),
        "liaison": LiaisonFactory(),
        "deputy": DeputyFactory(),
    }
    every = list(Permission.objects.all())
    for role, user in users.items():
        if role != "admin":
            user.is_staff = True
            user.save(update_fields=["is_staff"])
            user.user_permissions.set(every)

    now = timezone.now()
    ev = EvaluatedDepartmentFactory(batch__campaign__organizer=city)
    campaign, batch = ev.campaign, ev.batch
    measure = MeasureFactory(plan__key_issue__department=ev)
    plan, key_issue = measure.plan, measure.plan.key_issue
    admin_user = users["admin"]
    source = HotlineSource.objects.create(name="市12345")
    sheet = ScoreSheet.objects.create(
        campaign=campaign, version=1, created_at=now, inputs_digest="x" * 64
    )
    objects = {
        "campaigns.Campaign": campaign,
        "campaigns.Batch": batch,
        "campaigns.VoteSession": VoteSession.objects.create(
            batch=batch, slots=1, opened_by=admin_user
        ),
        "campaigns.CommitmentStatement": CommitmentStatement.objects.create(
            evaluated=ev, speaker="局长", date=dt.date(2021, 6, 1), text="表态"
        ),
        "issues.Suggestion": SuggestionFactory(department=ev, contact="13800000000"),
        "issues.Theme": ThemeFactory(department=ev),
        "issues.KeyIssue": KeyIssueFactory(department=ev),
        "issues.Tag": Tag.objects.create(campaign=campaign, name="路灯"),
        "scoring.ScoringConfig": ScoringConfigFactory(campaign=campaign),
        "scoring.ScoreSheet": sheet,
        "scoring.ScoringEvent": ScoringEvent.objects.create(
            campaign=campaign, actor=admin_user, action="x", summary="计算"
        ),
        "hotline.ImportBatch": ImportBatch.objects.create(
            source=source, path="/tmp/x.csv", file_name="x.csv"
        ),
        "rectification.Plan": plan,
        "rectification.Measure": measure,
        "rectification.ProgressUpdate": ProgressUpdate.objects.create(
            plan=plan, text="进展", percent=10, created_at=now
        ),
        "rectification.PlanVersion": PlanVersion.objects.create(
            plan=plan, number=1, goals="目标", published_at=now
        ),
        "rectification.Verdict": Verdict.objects.create(
            key_issue=key_issue, round=1, result=Verdict.Result.SATISFIED, recorded_at=now
        ),
        "rectification.Rebound": Rebound.objects.create(
            key_issue=key_issue, evidence="反弹", flagged_at=now
        ),
        "rectification.Event": Event.objects.create(
            key_issue=key_issue, action="plan.submit", at=now
        ),
        "rectification.Notice": Notice.objects.create(
            recipient=users["liaison"],
            kind=Notice.Kind.OVERDUE,
            object_id=measure.pk,
            condition_key="k",
            message="逾期",
            created_at=now,
        ),
        "notifications.Robot": Robot.objects.create(
            platform="wecom", organizer=city, name="评议办", url="https://qyapi.weixin.qq.com/x"
        ),
        "notifications.Delivery": Delivery.objects.create(
            event="x",
            event_key="x:1",
            recipient_key="u1",
            channel="inapp",
            user=users["liaison"],
            organizer=city,
            title="通知",
            body="内容",
        ),  # fmt: skip
        "notifications.Message": Message.objects.create(
            recipient=users["liaison"], event="x", title="通知", body="内容"
        ),
        "notifications.Preference": Preference.objects.create(
            user=users["liaison"], event="x", channels=["inapp"]
        ),
        "notifications.QuietHours": QuietHours.objects.create(user=users["liaison"]),
        "notifications.ContactOptIn": ContactOptIn.objects.create(
            kind="suggestion", object_id=1, channel="sms", address="13800000000"
        ),
        "hotline.HotlineSource": source,
        "auth.Group": Group.objects.create(name="某组"),
        "axes.AccessAttempt": AccessAttempt.objects.create(
            user_agent="ua",
            ip_address="10.0.0.1",
            username="x",
            http_accept="*/*",
            path_info="/login/",
            get_data="",
            post_data="",
            failures_since_start=3,
        ),  # fmt: skip
        "axes.AccessLog": AccessLog.objects.create(
            user_agent="ua",
            ip_address="10.0.0.1",
            username="x",
            http_accept="*/*",
            path_info="/login/",
        ),  # fmt: skip
        "axes.AccessFailureLog": AccessFailureLog.objects.create(
            user_agent="ua",
            ip_address="10.0.0.1",
            username="x",
            http_accept="*/*",
            path_info="/login/",
        ),  # fmt: skip
        "departments.Organizer": city,
    }
    objects["auditlog.LogEntry"] = LogEntry.objects.create(
        content_type_id=1, object_pk="1", object_repr="x", action=LogEntry.Action.UPDATE
    )
    # Reference data: one object in the city's scope, one in 博山's.
    city_member = MemberFactory(organizer=city)
    boshan_member = MemberFactory(organizer=boshan)
    reference = {
        "accounts.User": {"city": city_member, "district": boshan_member},
        "api.ApiClient": {
            "city": _api_client("城市系统", city_member),
            "district": _api_client("博山系统", boshan_member),
        },
        "departments.District": {"city": other_district, "district": boshan_district},
        "departments.Town": {
            "city": TownFactory(district=other_district),
            "district": TownFactory(district=boshan_district),
        },
        "departments.Department": {
            "city": ev.department,
            "district": DepartmentFactory(district=boshan_district),
        },
        "hotline.HotlineSource": {"city": source},
    }
    return {"users": users, "objects": objects, "reference": reference, "city": city}


def _api_client(name, user):
    client = ApiClient(name=name, user=user, scopes=[])
    client.issue_key()
    client.save()
    return client


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(pk=user.pk)  # fresh: permissions cache empty
    return request


def _url(obj, action):
    meta = obj._meta
    name = f"admin:{meta.app_label}_{meta.model_name}_{action}"
    return reverse(name) if action == "add" else reverse(name, args=[obj.pk])


def _snapshot(obj):
    fresh = type(obj)._default_manager.filter(pk=obj.pk).values().first()
    return fresh


def _may_view_city_record(label, role):
    if role == "admin":
        return True
    if role != "city_staff" or label in ADMIN_ONLY_RECORDS:
        return False
    return CLASSIFICATION[label] == RECORD


# ------------------------------------------------------------------ evaluation records
RECORD_LABELS = sorted(k for k, v in CLASSIFICATION.items() if v in (RECORD, SITE_RECORD))
SITE_LABELS = sorted(k for k, v in CLASSIFICATION.items() if v == SITE)
REFERENCE_LABELS = sorted(k for k, v in CLASSIFICATION.items() if v == REFERENCE)


@pytest.mark.parametrize("label", RECORD_LABELS)
def test_records_are_view_only_for_every_role(world, client, label):
    obj = world["objects"][label]
    model_admin = admin.site._registry[type(obj)]
    before = _snapshot(obj)
    for role in ROLES:
        user = world["users"][role]
        request = _request(user)
        may_view = _may_view_city_record(label, role) or (
            role == "admin" and CLASSIFICATION[label] == SITE_RECORD
        )
        if CLASSIFICATION[label] == SITE_RECORD and role != "admin":
            may_view = False
        assert model_admin.has_add_permission(request) is False, role
        assert model_admin.has_change_permission(request, obj) is False, role
        assert model_admin.has_delete_permission(request, obj) is False, role
        assert model_admin.has_change_permission(request) is False, role
        assert model_admin.has_delete_permission(request) is False, role
        assert model_admin.has_view_permission(request, obj) is may_view, role

        client.force_login(user)
        assert client.get(_url(obj, "add")).status_code == 403, role
        assert client.post(_url(obj, "add"), {}).status_code == 403, role
        change = client.get(_url(obj, "change"))
        if may_view and role == "admin":  # /admin/ answers 403 to every other role
            assert change.status_code == 200, role
            assert b'name="_save"' not in change.content, role  # no save button: view only
        else:
            assert change.status_code in (302, 403), role
        client.post(_url(obj, "change"), {"title": "改过的标题", "text": "改过"})
        assert client.get(_url(obj, "delete")).status_code in (302, 403), role
        client.post(_url(obj, "delete"), {"post": "yes"})
        changelist = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_changelist")
        client.post(changelist, {"action": "delete_selected", "_selected_action": [obj.pk]})
        assert _snapshot(obj) == before, role


@pytest.mark.parametrize("label", SITE_LABELS)
def test_site_administration_is_for_admins_only(world, client, label):
    obj = world["objects"][label]
    model_admin = admin.site._registry[type(obj)]
    for role in ROLES:
        request = _request(world["users"][role])
        allowed = role == "admin"
        # What admins may do is the model's own admin's business (axes offers no "add");
        # everyone else gets nothing at all.
        assert model_admin.has_view_permission(request, obj) is allowed, role
        if not allowed:
            assert model_admin.has_add_permission(request) is False, role
            assert model_admin.has_change_permission(request, obj) is False, role
            assert model_admin.has_delete_permission(request, obj) is False, role
        client.force_login(world["users"][role])
        status = client.get(_url(obj, "change")).status_code
        assert (status == 200) is allowed, (role, status)
        if not allowed:
            assert client.get(_url(obj, "add")).status_code == 403, role
        if not allowed:
            client.post(_url(obj, "delete"), {"post": "yes"})
            assert type(obj).objects.filter(pk=obj.pk).exists(), role


def _reference_expected(label, role, scope):
    """May this role change the reference object of this scope ("city" or "district")?"""
    if role == "admin":
        return True
    if role == "city_staff":
        if label in ("departments.District", "departments.Town"):
            return True  # the city keeps the whole geography
        return scope == "city"
    if role == "district_staff":
        return scope == "district" and label not in CITY_WIDE
    return False


@pytest.mark.parametrize("label", REFERENCE_LABELS)
def test_reference_data_is_editable_only_in_scope(world, client, label):
    for scope, obj in world["reference"][label].items():
        model_admin = admin.site._registry[type(obj)]
        before = _snapshot(obj)
        for role in ROLES:
            user = world["users"][role]
            request = _request(user)
            allowed = _reference_expected(label, role, scope)
            may_maintain = role in ("admin", "city_staff", "district_staff")
            if label in CITY_WIDE and role == "district_staff":
                may_maintain = False
            assert model_admin.has_view_permission(request, obj) is allowed, (role, scope)
            assert model_admin.has_change_permission(request, obj) is allowed, (role, scope)
            assert model_admin.has_delete_permission(request, obj) is (
                allowed and label not in NO_DELETE
            ), (role, scope)
            assert model_admin.has_add_permission(request) is may_maintain, role

            client.force_login(user)
            # Over HTTP /admin/ is the admins' alone: staff get 403 before any ModelAdmin.
            status = client.get(_url(obj, "change")).status_code
            assert (status == 200) is (allowed and role == "admin"), (role, scope, status)
            assert (client.get(_url(obj, "add")).status_code == 200) is (role == "admin"), role
            if role != "admin":
                client.post(_url(obj, "change"), {"name": "改名"})
                client.post(_url(obj, "delete"), {"post": "yes"})
                assert _snapshot(obj) == before, (role, scope)


# ------------------------------------------------------------------------- scoping
@pytest.mark.parametrize("label", sorted(k for k, v in CLASSIFICATION.items() if v == RECORD))
def test_district_staff_changelists_do_not_list_city_objects(world, client, label):
    obj = world["objects"][label]
    client.force_login(world["users"]["district_staff"])
    changelist = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_changelist")
    response = client.get(changelist)
    if response.status_code == 200:
        assert obj.pk not in [o.pk for o in response.context["cl"].result_list]
    else:
        assert response.status_code == 403


def test_admin_lists_suggestions_without_contact_and_city_staff_get_403(world, client):
    suggestion = world["objects"]["issues.Suggestion"]
    client.force_login(world["users"]["city_staff"])
    assert client.get(reverse("admin:issues_suggestion_changelist")).status_code == 403
    assert client.get(_url(suggestion, "change")).status_code == 403

    client.force_login(world["users"]["admin"])
    listing = client.get(reverse("admin:issues_suggestion_changelist"))
    assert suggestion.pk in [o.pk for o in listing.context["cl"].result_list]
    page = client.get(_url(suggestion, "change"))
    assert page.status_code == 200
    assert b"13800000000" not in page.content


def test_district_staff_cannot_edit_even_their_own_department_in_the_admin(world, client):
    department = world["reference"]["departments.Department"]["district"]
    client.force_login(world["users"]["district_staff"])
    data = {
        "name": department.name,
        "short_name": "新简称",
        "slug": department.slug,
        "kind": department.kind,
        "district": department.district_id,
        "aliases-TOTAL_FORMS": "0",
        "aliases-INITIAL_FORMS": "0",
    }
    response = client.post(_url(department, "change"), data)
    assert response.status_code == 403
    department.refresh_from_db()
    assert department.short_name != "新简称"


def test_staff_cannot_make_a_user_admin_or_superuser(world, client):
    member = world["reference"]["accounts.User"]["city"]
    client.force_login(world["users"]["city_staff"])
    response = client.post(
        _url(member, "change"),
        {
            "username": member.username,
            "name": member.name,
            "role": Role.ADMIN,
            "organizer": member.organizer_id,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "date_joined_0": "2021-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 403  # /admin/ is the admins' alone
    member.refresh_from_db()
    assert (member.role, member.is_superuser, member.is_staff) == (Role.MEMBER, False, False)


def test_staff_cannot_move_a_user_to_another_organizer(world, client):
    member = world["reference"]["accounts.User"]["city"]
    client.force_login(world["users"]["city_staff"])
    response = client.post(
        _url(member, "change"),
        {
            "username": member.username,
            "name": member.name,
            "role": Role.MEMBER,
            "organizer": Organizer.objects.get(name="博山区人大常委会").pk,
            "is_active": "on",
            "date_joined_0": "2021-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 403  # /admin/ is the admins' alone
    member.refresh_from_db()
    assert member.organizer == world["city"]


def test_district_staff_cannot_add_a_town_elsewhere(world, client):
    elsewhere = District.objects.get(name="张店区")
    client.force_login(world["users"]["district_staff"])
    client.post(reverse("admin:departments_town_add"), {"name": "新街道", "kind": "street",
                                                        "district": elsewhere.pk})  # fmt: skip
    assert not Town.objects.filter(name="新街道").exists()


def test_city_staff_cannot_see_the_audit_trail_but_admin_can(world, client):
    client.force_login(world["users"]["city_staff"])
    assert client.get(reverse("admin:auditlog_logentry_changelist")).status_code == 403
    assert client.get(reverse("admin:auditlog_logentry_export")).status_code == 403
    client.force_login(world["users"]["admin"])
    assert client.get(reverse("admin:auditlog_logentry_changelist")).status_code == 200


def test_district_staff_get_403_for_the_admin_menu_and_lists(world, client):
    client.force_login(world["users"]["district_staff"])

    assert client.get(reverse("admin:index")).status_code == 403
    assert client.get(reverse("admin:issues_suggestion_changelist")).status_code == 403


def test_the_audit_trail_list_never_counts_or_scans_the_whole_trail(world, client, monkeypatch):
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.paginators import BoundedCountPaginator

    monkeypatch.setattr(BoundedCountPaginator, "limit", 5)
    user_type = ContentType.objects.get_for_model(world["users"]["admin"])
    LogEntry.objects.bulk_create(
        LogEntry(content_type=user_type, object_pk=str(i), object_repr=f"u{i}", action=1)
        for i in range(12)
    )
    client.force_login(world["users"]["admin"])

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("admin:auditlog_logentry_changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count == 6  # counted up to limit + 1, not 12+
    trail = [q["sql"] for q in ctx.captured_queries if "auditlog_logentry" in q["sql"]]
    counts = [sql for sql in trail if "COUNT(" in sql.upper()]
    assert counts and all("LIMIT 6" in sql for sql in counts), counts
    assert not any("DISTINCT" in sql.upper() and "content_type" in sql for sql in trail)
