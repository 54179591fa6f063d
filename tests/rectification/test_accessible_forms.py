"""The liaison's forms and progress photos for everyone (issue 19): a failed submit shows the
form again with its error summary and what was typed; photos are described by department,
date and the liaison's caption (asked for by the upload form), never by their file name."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.stages import Stage
from rectification import services
from rectification.models import Attachment, Plan, ProgressUpdate
from tests.factories import LiaisonFactory
from tests.support.a11y import Page

from .factories import PlanFactory, jpeg_bytes

pytestmark = pytest.mark.django_db


def test_progress_photo_alt_names_department_date_and_caption_never_the_file(
    client, published_plan
):
    plan = published_plan
    client.force_login(plan.liaison)
    client.post(
        reverse("rectification:liaison-update", args=[plan.key_issue_id]),
        {
            "text": "课后服务已覆盖全市小学",
            "percent": "60",
            "caption": "第一小学课后服务课堂",
            "files": [SimpleUploadedFile("IMG_20210503.jpg", jpeg_bytes(), "image/jpeg")],
        },
    )
    services.update_create(
        plan=plan,
        actor=plan.liaison,
        text="第二次进展",
        percent=70,
        files=[("IMG_20210610.jpg", jpeg_bytes())],
    )
    for update in plan.updates.all():
        services.update_publish(update=update, actor=plan.staff)
    assert (
        Attachment.objects.get(original_name="IMG_20210503.jpg").caption == "第一小学课后服务课堂"
    )
    client.logout()

    slug = plan.key_issue.department.campaign.slug
    body = client.get(reverse("rectification:issue", args=[slug, plan.key_issue_id])).content
    alts = re.findall(r'<img [^>]*alt="([^"]*)"', body.decode())
    name = plan.key_issue.department.department.name
    assert len(alts) == 2
    assert any(
        re.fullmatch(rf"{name} 整改进展照片 \d{{4}}年\d+月\d+日：第一小学课后服务课堂", a)
        for a in alts
    )
    assert any(re.fullmatch(rf"{name} 整改进展照片 \d{{4}}年\d+月\d+日", a) for a in alts)
    assert not any("IMG_" in a or ".jpg" in a for a in alts)


def test_failed_progress_update_is_shown_again_with_its_summary(client, published_plan):
    plan = published_plan
    client.force_login(plan.liaison)

    response = client.post(
        reverse("rectification:liaison-update", args=[plan.key_issue_id]),
        {"text": "课后服务已覆盖全市小学", "percent": "120", "caption": "课堂"},
    )

    assert response.status_code == 400
    page = Page(response.content.decode())
    assert page.summaries == 1
    [(href, text)] = page.summary_links
    assert href == "#id_percent" and text.startswith("整体完成进度（%）：")
    assert "id_percent" in page.invalid and page.dangling() == []
    assert "课后服务已覆盖全市小学</textarea>" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_failed_plan_form_is_shown_again_with_its_summary(client, published_plan):
    client.force_login(published_plan.liaison)

    response = client.post(
        reverse("rectification:liaison-plan", args=[published_plan.key_issue_id]),
        {"goals": "", "deadline": "不是日期"},
    )

    assert response.status_code == 400
    page = Page(response.content.decode())
    assert {href for href, _ in page.summary_links} == {"#id_goals", "#id_deadline"}
    assert page.dangling() == []


# ------------------------------------------------------------ the ledger's inline forms
def _liaison_url(name, plan, *args):
    return reverse(f"rectification:{name}", args=[plan.key_issue_id, *args])


def _ledger(plan):
    return list(plan.measures.order_by("id").values())


def _rectifying(plan):
    batch = plan.key_issue.department.batch
    batch.stage = Stage.RECTIFICATION
    batch.save(update_fields=["stage"])
    return plan


def test_failed_new_measure_is_shown_again_open_with_what_was_typed(client, published_plan):
    plan = published_plan
    before = _ledger(plan)
    client.force_login(plan.liaison)

    response = client.post(
        _liaison_url("liaison-measure-new", plan),
        {"m-title": "", "m-responsible_unit": "基础教育科", "m-deadline": "七月底"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    page = Page(html)
    assert page.summaries == 1 and page.dangling() == []
    links = dict(page.summary_links)
    assert links["#id_m-title"].startswith("整改措施：")
    assert links["#id_m-deadline"].startswith("完成时限：")
    assert "#id_m-responsible_person" in links
    assert {"id_m-title", "id_m-deadline", "id_m-responsible_person"} <= page.invalid
    assert 'value="基础教育科"' in html and 'value="七月底"' in html
    # The disclosure that holds the form is open, so its summary can take focus.
    assert '<details class="details subhead" open>' in html
    assert _ledger(plan) == before


def test_failed_measure_edit_names_its_fields_and_leaves_the_other_rows_alone(
    client, published_plan
):
    plan = published_plan
    first, second = plan.measures.order_by("id")
    before = _ledger(plan)
    client.force_login(plan.liaison)

    response = client.post(
        _liaison_url("liaison-measure", plan, first.pk),
        {
            "m-title": "",
            "m-responsible_unit": "改过的科室",
            "m-responsible_person": "张三",
            "m-deadline": "2021-07-31",
            "m-target_value": "-3",
        },
    )

    assert response.status_code == 400
    html = response.content.decode()
    page = Page(html)
    assert page.summaries == 1 and page.dangling() == []
    assert {href for href, _ in page.summary_links} == {
        f"#m{first.pk}_m-title",
        f"#m{first.pk}_m-target_value",
    }
    assert {f"m{first.pk}_m-title", f"m{first.pk}_m-target_value"} == page.invalid
    assert 'value="改过的科室"' in html
    # The other measure's form shows what is stored, under its own ids.
    assert f'id="m{second.pk}_m-title"' in html and f'value="{second.title}"' in html
    assert html.count('<details class="details" open>') == 1
    assert _ledger(plan) == before


def test_marking_done_without_evidence_is_named_at_the_evidence_field(client, published_plan):
    plan = published_plan
    first = plan.measures.order_by("id").first()
    before = _ledger(plan)
    client.force_login(plan.liaison)

    response = client.post(_liaison_url("liaison-measure-done", plan, first.pk), {"evidence": " "})

    assert response.status_code == 400
    page = Page(response.content.decode())
    assert page.summary_links == [
        (f"#ev{first.pk}_evidence", "完成情况和佐证：标记完成时请说明完成情况和佐证。")
    ]
    assert page.invalid == {f"ev{first.pk}_evidence"} and page.dangling() == []
    assert _ledger(plan) == before


def test_withdrawing_without_a_reason_is_named_at_the_reason_field(client, published_plan):
    plan = _rectifying(published_plan)
    first = plan.measures.order_by("id").first()
    services.update_create(
        plan=plan, actor=plan.liaison, text="已开展120所", percent=30, values={first.pk: 120}
    )
    before = _ledger(plan)
    client.force_login(plan.liaison)

    response = client.post(_liaison_url("liaison-measure-withdraw", plan, first.pk), {})

    assert response.status_code == 400
    page = Page(response.content.decode())
    assert page.summary_links == [(f"#wd{first.pk}_reason", "撤回理由：撤回整改措施时请写明理由。")]
    assert page.invalid == {f"wd{first.pk}_reason"} and page.dangling() == []
    assert _ledger(plan) == before


def test_a_refusal_without_a_field_is_summarised_in_the_measures_row(client, published_plan):
    # A withdrawn measure has no edit form any more (a page left open in another tab):
    # the service's refusal stands at the top of that measure's actions.
    plan = _rectifying(published_plan)
    first = plan.measures.order_by("id").first()
    services.measure_withdraw(measure=first, actor=plan.liaison, reason="并入其他措施")
    before = _ledger(plan)
    client.force_login(plan.liaison)

    response = client.post(
        _liaison_url("liaison-measure", plan, first.pk),
        {
            "m-title": "改名",
            "m-responsible_unit": "基础教育科",
            "m-responsible_person": "张三",
            "m-deadline": "2021-07-31",
        },
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert Page(html).summaries == 1 and "已撤回的整改措施不能修改。" in html
    assert _ledger(plan) == before


def test_submitting_a_plan_without_measures_is_summarised_above_the_button(client):
    plan = PlanFactory()
    liaison = LiaisonFactory(department=plan.key_issue.department.department)
    client.force_login(liaison)

    response = client.post(_liaison_url("liaison-submit", plan))

    assert response.status_code == 400
    html = response.content.decode()
    assert Page(html).summaries == 1 and "请至少填写一项整改措施。" in html
    assert html.index("请至少填写一项整改措施。") < html.index("提交评议办审核</button>")
    plan.refresh_from_db()
    assert plan.state == Plan.State.DRAFT
