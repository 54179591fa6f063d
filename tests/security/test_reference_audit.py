"""Reference data (districts, towns, organizers, departments, aliases) is audited with before
and after values on every write path (issue #18 point 5): the admin, the staff pages, the
API and commands all save through the model, which django-auditlog records."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from departments.models import Department, DepartmentAlias, District, Organizer, Town
from hotline.models import AliasChange
from hotline.services import department_alias_add, department_alias_undo
from tests.factories import (
    AdminFactory,
    DepartmentAliasFactory,
    DepartmentFactory,
    DistrictFactory,
    OrganizerFactory,
    TownFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]


def test_renaming_a_department_in_the_admin_keeps_old_and_new_name_actor_and_time(client):
    admin = AdminFactory()
    department = DepartmentFactory(name="测试市交通局", short_name="交通局", slug="jiaotong")
    client.force_login(admin)
    url = reverse("admin:departments_department_change", args=[department.pk])
    form = {
        "name": "测试市交通运输局",
        "short_name": "交通运输局",
        "slug": "jiaotong",
        "kind": department.kind,
        "district": "",
        "aliases-TOTAL_FORMS": "0",
        "aliases-INITIAL_FORMS": "0",
        "aliases-MIN_NUM_FORMS": "0",
        "aliases-MAX_NUM_FORMS": "1000",
    }

    response = client.post(url, form, REMOTE_ADDR="10.1.2.3")

    assert response.status_code == 302, response.content.decode()[:2000]
    entry = LogEntry.objects.get_for_object(department).get(action=LogEntry.Action.UPDATE)
    assert entry.changes_dict["name"] == ["测试市交通局", "测试市交通运输局"]
    assert entry.changes_dict["short_name"] == ["交通局", "交通运输局"]
    assert entry.actor == admin and entry.timestamp is not None
    assert entry.remote_addr == "10.1.2.3"
    # Shown under the fields' Chinese names on the audit pages.
    assert entry.changes_display_dict["全称"] == ["测试市交通局", "测试市交通运输局"]
    assert entry.changes_display_dict["简称"] == ["交通局", "交通运输局"]


def test_every_reference_model_records_create_update_and_delete():
    district = DistrictFactory(name="甲区")
    town = TownFactory(district=district, name="甲街道")
    organizer = OrganizerFactory(name="甲市人大常委会")
    alias = DepartmentAliasFactory(name="甲局别名")
    for obj, field, new in (
        (district, "name", "乙区"),
        (town, "name", "乙街道"),
        (organizer, "name", "乙市人大常委会"),
        (alias, "name", "乙局别名"),
    ):
        old = getattr(obj, field)
        setattr(obj, field, new)
        obj.save()
        update = LogEntry.objects.get_for_object(obj).get(action=LogEntry.Action.UPDATE)
        assert update.changes_dict[field] == [old, new], type(obj)
        assert LogEntry.objects.get_for_object(obj).filter(action=LogEntry.Action.CREATE).exists()

    alias_pk = alias.pk
    alias.delete()
    assert LogEntry.objects.filter(
        content_type__model="departmentalias",
        object_pk=str(alias_pk),
        action=LogEntry.Action.DELETE,
    ).exists()
    for model in (District, Town, Organizer, Department, DepartmentAlias):
        assert LogEntry.objects.filter(content_type__model=model._meta.model_name).exists(), model


def test_an_alias_added_and_undone_through_the_hotline_service_is_audited(
    django_capture_on_commit_callbacks,
):
    department = DepartmentFactory(short_name="某某局")

    # The re-match is a job queued on commit: run it, as a worker would, before the undo.
    with django_capture_on_commit_callbacks(execute=True):
        department_alias_add(department=department, name="市某某局热线名", actor=None)
    alias = DepartmentAlias.objects.get(department=department)
    alias_pk = alias.pk
    with django_capture_on_commit_callbacks(execute=True):
        department_alias_undo(change=AliasChange.objects.get(), actor=None)

    entries = LogEntry.objects.filter(
        content_type__model="departmentalias", object_pk=str(alias_pk)
    )
    assert sorted(entries.values_list("action", flat=True)) == [
        LogEntry.Action.CREATE,
        LogEntry.Action.DELETE,
    ]
    assert entries.get(action=LogEntry.Action.CREATE).changes_dict["name"] == [
        None,
        "市某某局热线名",
    ]


def test_each_actor_block_names_its_own_actor_one_after_another_in_one_thread():
    """What a worker thread does task after task: auditlog never resets its context variable,
    so before the fix the second block found the first actor "set", skipped, and its entry
    had no actor at all."""
    from core.audit import audit_actor

    first, second = AdminFactory(), AdminFactory()
    department = DepartmentFactory(name="测试市水务局")
    with audit_actor(first):
        department.name = "测试市水务管理局"
        department.save()
    with audit_actor(second):
        department.name = "测试市水务局（更正）"
        department.save()

    entries = LogEntry.objects.get_for_object(department).order_by("timestamp", "pk")
    assert [e.actor for e in entries.filter(action=LogEntry.Action.UPDATE)] == [first, second]
