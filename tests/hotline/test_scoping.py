"""Issue 13: each committee's hotline data. A district committee's staff open only their own
committee's imports (pages and API: 404 for others, rejected rows' complaint text
included), put aliases only on their own departments (refused otherwise, nothing changed),
and every alias change is recorded and can be undone, statistics included."""

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.messages import get_messages
from django.test import TestCase
from django.urls import reverse
from rest_framework.test import APIClient

from departments.models import DepartmentAlias
from hotline.models import AliasChange, DailyStat, HotlineRecord, HotlineSource, ImportBatch
from hotline.services import alias_change_run, import_batch_create, import_batch_run
from tests.factories import (
    AdminFactory,
    DepartmentFactory,
    DistrictOrganizerFactory,
    EvaluatedDepartmentFactory,
    OrganizerFactory,
    StaffFactory,
)
from tests.hotline.factories import ticket, write_csv

pytestmark = pytest.mark.django_db

SECRET = "楼上住户私拉电线，我家地址是某小区3号楼"


@pytest.fixture
def world(tmp_path):
    """The city committee with 市教育局 (evaluated) and a district committee (博山) with its
    own evaluated department; each imported one file with rejected and unmatched rows."""
    city = OrganizerFactory(name="淄博市人大常委会")
    district = DistrictOrganizerFactory(name="博山区人大常委会")
    city_dept = EvaluatedDepartmentFactory(
        batch__campaign__organizer=city,
        batch__campaign__year=2021,
        department=DepartmentFactory(name="淄博市教育局", short_name="市教育局"),
    ).department
    district_dept = EvaluatedDepartmentFactory(
        batch__campaign__organizer=district,
        batch__campaign__year=2021,
        department=DepartmentFactory(
            name="博山区教育和体育局", short_name="博山教体局", district=district.district
        ),
    ).department
    city_staff = StaffFactory(organizer=city, username="city-staff")
    district_staff = StaffFactory(organizer=district, username="boshan-staff")

    def imported(name, actor, rows):
        path = write_csv(tmp_path / name, rows)
        batch = import_batch_create(
            source_name="12345热线", path=str(path), file_name=name, actor=actor
        )
        return import_batch_run(batch_id=batch.pk)

    city_rows = [ticket(n, dept="教育局") for n in range(1, 6)]
    city_rows.append(ticket(99, when="明天", content=SECRET))  # rejected: its text is kept
    city_batch = imported("city.csv", city_staff, city_rows)
    district_batch = imported(
        "boshan.csv",
        district_staff,
        [ticket(1, dept="教育局"), ticket(2, dept="博山区教育和体育局")],
    )
    return {
        "city": city,
        "district": district,
        "city_dept": city_dept,
        "district_dept": district_dept,
        "city_staff": city_staff,
        "district_staff": district_staff,
        "admin": AdminFactory(),
        "city_batch": city_batch,
        "district_batch": district_batch,
    }


def state() -> dict:
    """Everything an alias change touches, to check that a refusal changed nothing."""
    return {
        "aliases": sorted(DepartmentAlias.objects.values_list("name", "department_id")),
        "records": sorted(HotlineRecord.objects.values_list("id", "department_id")),
        "daily": sorted(DailyStat.objects.values_list("department_id", "day", "total")),
        "changes": AliasChange.objects.count(),
    }


def page_urls(batch) -> list[str]:
    return [
        reverse("hotline:import", args=[batch.pk]),
        reverse("hotline:import-progress", args=[batch.pk]),
        reverse("hotline:import-errors", args=[batch.pk, "csv"]),
        reverse("hotline:import-errors", args=[batch.pk, "xlsx"]),
    ]


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode("utf-8", errors="replace")


# --- sources and batches belong to a committee ---------------------------------------------
def test_each_committee_imports_into_its_own_source(world):
    city_batch, district_batch = world["city_batch"], world["district_batch"]

    assert city_batch.organizer == world["city"] == city_batch.source.organizer
    assert district_batch.organizer == world["district"] == district_batch.source.organizer
    # Same name, two sources: the district's file cannot update the city's ticket no. 1.
    assert city_batch.source_id != district_batch.source_id
    assert HotlineRecord.objects.filter(ticket_no="1").count() == 2


# --- pages ---------------------------------------------------------------------------------
def test_district_staff_get_404_for_the_citys_import_pages_and_rejected_rows(client, world):
    client.force_login(world["district_staff"])

    for url in page_urls(world["city_batch"]):
        response = client.get(url)
        assert response.status_code == 404, url
        assert SECRET not in body(response)
    listing = client.get(reverse("hotline:imports")).content.decode()
    assert "boshan.csv" in listing and "city.csv" not in listing


def test_staff_open_their_own_committees_imports(client, world):
    client.force_login(world["city_staff"])

    for url in page_urls(world["city_batch"]):
        assert client.get(url).status_code == 200, url
    rejected = body(client.get(page_urls(world["city_batch"])[2]))
    assert SECRET in rejected
    for url in page_urls(world["district_batch"]):
        assert client.get(url).status_code == 404, url


def test_admins_open_every_committees_imports(client, world):
    client.force_login(world["admin"])

    for batch in (world["city_batch"], world["district_batch"]):
        for url in page_urls(batch):
            assert client.get(url).status_code == 200, url
    listing = client.get(reverse("hotline:imports")).content.decode()
    assert "boshan.csv" in listing and "city.csv" in listing


# --- API -----------------------------------------------------------------------------------
def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("district_staff", {"boshan.csv"}),
        ("city_staff", {"city.csv"}),
        ("admin", {"boshan.csv", "city.csv"}),
    ],
)
def test_the_api_lists_and_opens_only_the_users_committees_imports(world, who, sees):
    client = api(world[who])

    listed = client.get("/api/v1/hotline/imports/").json()["results"]
    assert {b["file_name"] for b in listed} == sees
    for batch in (world["city_batch"], world["district_batch"]):
        response = client.get(f"/api/v1/hotline/imports/{batch.pk}/")
        assert response.status_code == (200 if batch.file_name in sees else 404)


def test_the_api_upload_belongs_to_the_uploaders_committee(world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = write_csv(tmp_path / "up.csv", [ticket(7)])
    with path.open("rb") as handle:
        response = api(world["district_staff"]).post(
            "/api/v1/hotline/imports/", {"file": handle}, format="multipart"
        )

    assert response.status_code == 202
    assert ImportBatch.objects.get(pk=response.json()["id"]).organizer == world["district"]


def test_district_staff_read_only_tickets_of_their_departments(world):
    results = api(world["district_staff"]).get("/api/v1/hotline/records/").json()["results"]

    assert {r["department"] for r in results} == {world["district_dept"].slug}


# --- aliases -------------------------------------------------------------------------------
def post_now(client, url, data=None):
    """POST, then do what the alias re-match job queued on commit does (whatever the
    broker: eager or Redis with no worker in this test)."""
    with TestCase.captureOnCommitCallbacks(execute=False):
        response = client.post(url, data or {})
    for pk in AliasChange.objects.exclude(state="done").values_list("pk", flat=True):
        alias_change_run(change_id=pk)
    return response


def test_an_alias_onto_another_committees_department_is_refused_and_changes_nothing(client, world):
    """The issue: boshan-staff moved the city's tickets onto 市教育局."""
    client.force_login(world["district_staff"])
    before = state()

    response = post_now(
        client,
        reverse("hotline:alias-add", args=[world["district_batch"].pk]),
        {"name": "教育局", "department": world["city_dept"].pk},
    )

    assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("不能把别名归入淄博市教育局" in m for m in messages), messages
    assert state() == before


def test_an_alias_through_another_committees_batch_is_404_and_changes_nothing(client, world):
    client.force_login(world["district_staff"])
    before = state()

    response = post_now(
        client,
        reverse("hotline:alias-add", args=[world["city_batch"].pk]),
        {"name": "教育局", "department": world["district_dept"].pk},
    )

    assert response.status_code == 404
    assert state() == before


def test_the_alias_form_offers_only_the_committees_departments(client, world):
    client.force_login(world["district_staff"])

    page = client.get(reverse("hotline:import", args=[world["district_batch"].pk])).content
    page = page.decode()

    assert "博山区教育和体育局" in page and "淄博市教育局" not in page


def test_district_staff_alias_rematches_only_their_own_tickets(client, world):
    client.force_login(world["district_staff"])

    post_now(
        client,
        reverse("hotline:alias-add", args=[world["district_batch"].pk]),
        {"name": "教育局", "department": world["district_dept"].pk},
    )

    # Their one "教育局" ticket moved; the city's five stay as the city left them.
    moved = HotlineRecord.objects.filter(
        department=world["district_dept"], department_name="教育局"
    )
    assert moved.count() == 1 and moved.get().source.organizer == world["district"]
    assert (
        HotlineRecord.objects.filter(department__isnull=True, department_name="教育局").count() == 5
    )
    change = AliasChange.objects.get()
    assert (change.records, change.actor, change.organizer) == (
        1,
        world["district_staff"],
        world["district"],
    )


def daily_total(department) -> int:
    return sum(DailyStat.objects.filter(department=department).values_list("total", flat=True))


def test_an_alias_change_is_recorded_and_undone_with_its_statistics(client, world):
    client.force_login(world["city_staff"])
    department = world["city_dept"]
    before = state()
    assert daily_total(department) == 0

    post_now(
        client,
        reverse("hotline:alias-add", args=[world["city_batch"].pk]),
        {"name": "教育局", "department": department.pk},
    )

    added = AliasChange.objects.get()
    assert (added.action, added.name, added.department, added.records) == (
        "add",
        "教育局",
        department,
        5,
    )
    assert added.actor == world["city_staff"] and added.at is not None
    assert daily_total(department) == 5
    # Two audit entries, both in the staff member's name: the request, and the job's outcome
    # with the count (the job ran in no request).
    created, finished = LogEntry.objects.get_for_object(added).order_by("timestamp", "pk")
    assert created.actor == finished.actor == world["city_staff"]
    assert [str(n) for n in finished.changes_dict["records"]] == ["0", "5"]
    assert finished.changes_dict["state"][-1] == "done"
    listing = client.get(reverse("hotline:imports")).content.decode()
    assert "部门别名记录" in listing and reverse("hotline:alias-undo", args=[added.pk]) in listing

    response = post_now(client, reverse("hotline:alias-undo", args=[added.pk]))

    assert response.status_code == 302
    undo = AliasChange.objects.get(action="undo")
    assert undo.undoes == added and undo.records == 5 and undo.actor == world["city_staff"]
    after = state()
    assert {k: after[k] for k in ("aliases", "records", "daily")} == {
        k: before[k] for k in ("aliases", "records", "daily")
    }
    assert daily_total(department) == 0
    assert "已撤销" in client.get(reverse("hotline:imports")).content.decode()

    # Twice is refused, with a message, and changes nothing.
    again = post_now(client, reverse("hotline:alias-undo", args=[added.pk]))
    assert any("已经撤销" in str(m) for m in get_messages(again.wsgi_request))
    assert AliasChange.objects.count() == 2


def test_another_committee_cannot_undo_an_alias(client, world):
    client.force_login(world["city_staff"])
    post_now(
        client,
        reverse("hotline:alias-add", args=[world["city_batch"].pk]),
        {"name": "教育局", "department": world["city_dept"].pk},
    )
    added = AliasChange.objects.get()
    before = state()
    client.force_login(world["district_staff"])

    response = post_now(client, reverse("hotline:alias-undo", args=[added.pk]))

    assert response.status_code == 404
    assert state() == before
    assert (
        "教育局"
        not in client.get(reverse("hotline:imports")).content.decode().split("部门别名记录")[1]
    )


def test_admins_may_alias_onto_any_department_and_rematch_every_committees_tickets(client, world):
    client.force_login(world["admin"])

    post_now(
        client,
        reverse("hotline:alias-add", args=[world["district_batch"].pk]),
        {"name": "教育局", "department": world["city_dept"].pk},
    )

    assert HotlineRecord.objects.filter(department=world["city_dept"]).count() == 6


# --- the migration's default for existing rows ---------------------------------------------
def test_existing_sources_get_the_uploaders_committee_or_the_citys(world, tmp_path):
    from importlib import import_module

    assign = import_module("hotline.migrations.0004_hotline_org_assign").assign_organizers
    orphan = HotlineSource.objects.create(name="旧来源")
    ImportBatch.objects.create(source=orphan, path="x", file_name="old.csv", created_by=None)
    HotlineSource.objects.update(organizer=None)
    ImportBatch.objects.update(organizer=None)

    assign(apps, None)

    district_source = HotlineSource.objects.get(pk=world["district_batch"].source_id)
    assert district_source.organizer == world["district"]
    assert HotlineSource.objects.get(pk=world["city_batch"].source_id).organizer == world["city"]
    assert HotlineSource.objects.get(pk=orphan.pk).organizer == world["city"]
    assert ImportBatch.objects.get(file_name="old.csv").organizer == world["city"]
    assert ImportBatch.objects.get(pk=world["district_batch"].pk).organizer == world["district"]
