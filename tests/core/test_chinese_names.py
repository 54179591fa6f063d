"""Field and model names are Chinese: the audit history in /admin/ and the admin pages show
them (a field with no verbose_name shows Django's English one, "reviewed by")."""

import re

import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from rectification import services
from rectification.models import ProgressUpdate
from tests.factories import AdminFactory, LiaisonFactory, StaffFactory
from tests.rectification.factories import MeasureFactory, PlanFactory

PROJECT_APPS = (
    "accounts",
    "departments",
    "campaigns",
    "issues",
    "hotline",
    "rectification",
    "scoring",
    "core",
    "api",
)
# Terms that stay in Latin letters in Chinese text too.
ALLOWED = re.compile(r"ID|URL|IP|API|SHA-256")


def _models():
    project = {m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS}
    return sorted(project | set(auditlog.get_models()), key=lambda m: m._meta.label)


def _english(name) -> bool:
    return bool(re.search(r"[A-Za-z]", ALLOWED.sub("", str(name))))


def test_the_walk_covers_the_audited_models():
    labels = {m._meta.label for m in _models()}
    assert {"rectification.ProgressUpdate", "scoring.PublicVoter", "accounts.User"} <= labels


def test_every_model_and_field_has_a_chinese_name():
    english = []
    for model in _models():
        opts = model._meta
        for name in (opts.verbose_name, opts.verbose_name_plural):
            if _english(name):
                english.append(f"{opts.label}: {name}")
        for field in opts.get_fields():
            if field.auto_created and not field.concrete:
                continue  # reverse relations: named on the model that declares them
            if not field.concrete and not field.many_to_many:
                continue  # generic foreign keys and the like
            if field.auto_created and field.name == "id":
                continue  # Django's automatic primary key
            if _english(field.verbose_name):
                english.append(f"{opts.label}.{field.name}: {field.verbose_name}")
    assert english == []


@pytest.mark.django_db
def test_audit_history_of_a_progress_update_names_fields_in_chinese(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    plan = PlanFactory()
    MeasureFactory(plan=plan)
    ev = plan.key_issue.department
    liaison = LiaisonFactory(department=ev.department)
    staff = StaffFactory(organizer=ev.campaign.organizer)
    services.plan_submit(plan=plan, actor=liaison)
    services.plan_publish(plan=plan, actor=staff)
    update = services.update_create(plan=plan, actor=liaison, text="已覆盖200所小学", percent=57)
    services.update_publish(update=update, actor=staff)

    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(ProgressUpdate), object_pk=str(update.pk)
    )
    published = entries.get(action=LogEntry.Action.UPDATE)
    assert "reviewed_by" in published.changes_dict
    created = entries.get(action=LogEntry.Action.CREATE)
    client.force_login(AdminFactory())

    page = client.get(reverse("admin:auditlog_logentry_change", args=[published.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "审核人" in body and "reviewed by" not in body.lower()

    body = client.get(reverse("admin:auditlog_logentry_change", args=[created.pk])).content
    body = body.decode()
    assert "报送人" in body and "整改方案" in body
    for english in ("author", "reviewed by", "plan"):
        assert not re.search(rf"<t[dh][^>]*>\s*{english}\s*</t[dh]>", body, re.I), english

    # Reverse relations are not recorded ("attachments: None → rectification.Attachment.None").
    assert not {"attachments", "values"} & set(created.changes_dict)

    # The list names the changed fields in Chinese too.
    body = client.get(reverse("admin:auditlog_logentry_changelist")).content.decode()
    assert "审核人" in body and "报送人" in body and "编号" in body
    for english in ("reviewed by", "attachments", "values"):
        assert english not in body.lower(), english
    assert not re.search(r"[：、]id\b", body, re.I)  # the automatic key reads 编号


@pytest.mark.django_db
def test_entries_recorded_with_reverse_relations_show_them_in_chinese(client):
    """Entries written before reverse relations were left out still read in Chinese."""
    update_type = ContentType.objects.get_for_model(ProgressUpdate)
    entry = LogEntry.objects.create(
        content_type=update_type,
        object_pk="1",
        object_id=1,
        object_repr="进展",
        action=LogEntry.Action.CREATE,
        changes={"attachments": ["None", "rectification.Attachment.None"], "text": ["", "进展"]},
    )
    client.force_login(AdminFactory())

    for url in (
        reverse("admin:auditlog_logentry_change", args=[entry.pk]),
        reverse("admin:auditlog_logentry_changelist"),
    ):
        body = client.get(url).content.decode()
        assert "进展附件" in body, url
        assert "attachments" not in body.lower(), url
