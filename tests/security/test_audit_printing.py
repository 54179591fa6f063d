"""The audit trail's Excel export as printed (LibreOffice → PDF, one conversion): no "###",
header row and page numbers on every page, times as real date-times; an export of contact
details shows in it as an access (访问) with its row count and reason."""

import io

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import AdminFactory, StaffFactory
from tests.issues.factories import KeyIssueFactory, SuggestionFactory
from tests.support.office import require_office
from tests.support.printing import assert_prints_readably, printed

pytestmark = pytest.mark.django_db


def test_audit_export_prints_readably_and_lists_contact_exports(client, tmp_path):
    require_office()
    suggestion = SuggestionFactory(contact="13912345678")
    staff = StaffFactory(organizer=suggestion.campaign.organizer)
    client.force_login(staff)
    client.post(
        reverse("issues:export", args=[suggestion.campaign.slug]),
        {"include_contact": "on", "reason": "回访核实", "form_token": "audit-print-0001"},
    )
    issue = KeyIssueFactory(title="普通标题")
    with set_actor(staff):
        for n in range(50):
            issue.title = f"校外培训机构监管不到位，群众反映强烈（第{n}次修改）"
            issue.save()
    client.force_login(AdminFactory(is_staff=True, is_superuser=True))

    response = client.get(reverse("admin:auditlog_logentry_export"))

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=2, column=1).number_format == "yyyy-mm-dd hh:mm:ss"
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    (access,) = [r for r in rows if r[5] == "访问"]
    assert "导出意见建议（含联系方式）" in access[6] and "条数: 1" in access[6]
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    detail = client.get(reverse("admin:auditlog_logentry_change", args=[entry.pk]))
    assert detail.status_code == 200 and "回访核实" in detail.content.decode()
    title_change = next(r for r in rows if r[5] == "修改" and "第49次修改" in r[6])
    assert title_change[6].startswith("问题: ")  # the field's verbose name, not "title"
    pages = printed(response.content, tmp_path / "audit.xlsx")
    assert len(pages) >= 2
    assert_prints_readably(pages, header="操作人", version="导出于")
    assert "回访核实" in "\n".join(pages)
