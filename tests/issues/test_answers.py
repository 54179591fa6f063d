"""Suggestions get an answer (办理答复, issue 20): staff answer on the suggestion page through a
review, a correction is a new version with a reason, answers are never changed, and the
person behind the suggestion reads the latest one on the receipt page, without the name of
who answered."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from issues import services
from issues.models import ANSWER_MAX, Suggestion, SuggestionAnswer
from tests.confirming import post_confirmed, review_form
from tests.factories import (
    DeputyFactory,
    EvaluatedDepartmentFactory,
    LiaisonFactory,
    MemberFactory,
    StaffFactory,
)

from .factories import SuggestionFactory

pytestmark = pytest.mark.django_db

FIRST = "已转交市教育局研究，今年秋季学期起延长课后服务至18:00。"
SECOND = "经核实，课后服务自今年秋季学期起延长至18:30，特此更正。"


@pytest.fixture
def setup():
    department = EvaluatedDepartmentFactory()
    staff = StaffFactory(organizer=department.campaign.organizer, first_name="张答复")
    suggestion = SuggestionFactory(department=department, text="希望延长课后服务时间。")
    return staff, suggestion


def answer_url(suggestion) -> str:
    return reverse("issues:suggestion-answer", args=[suggestion.campaign.slug, suggestion.pk])


def detail_url(suggestion) -> str:
    return reverse("issues:suggestion", args=[suggestion.campaign.slug, suggestion.pk])


def stored(suggestion) -> list[tuple[int, str, str]]:
    return list(
        SuggestionAnswer.objects.filter(suggestion=suggestion)
        .order_by("version")
        .values_list("version", "text", "reason")
    )


# ------------------------------------------------------------------------------ staff page
def test_staff_answer_after_reviewing_it_and_the_page_shows_it(client, setup):
    staff, suggestion = setup
    client.force_login(staff)

    review = client.post(answer_url(suggestion), {"text": FIRST, "version": "1"})
    assert stored(suggestion) == []  # the review writes nothing
    page = review.content.decode()
    assert "确认发出答复" in page and FIRST in page
    assert "无人要求通知" in page  # who will hear of it: nobody asked here

    done = post_confirmed(client, answer_url(suggestion), {"text": FIRST, "version": "1"})

    assert done.status_code == 302 and done["Location"] == detail_url(suggestion)
    assert stored(suggestion) == [(1, FIRST, "")]
    answer = SuggestionAnswer.objects.get()
    assert answer.answered_by == staff
    [entry] = LogEntry.objects.get_for_object(answer)  # audited, with who did it
    assert entry.action == LogEntry.Action.CREATE and entry.actor == staff
    detail = client.get(detail_url(suggestion)).content.decode()
    assert FIRST in detail and "更正答复" in detail and "更正理由" in detail


def test_a_correction_needs_a_reason_and_keeps_the_first_version(client, setup):
    staff, suggestion = setup
    services.suggestion_answer(suggestion=suggestion, text=FIRST, actor=staff)
    client.force_login(staff)

    refused = client.post(answer_url(suggestion), {"text": SECOND, "reason": "", "version": "2"})

    assert refused.status_code == 400
    page = refused.content.decode()
    assert "提交未成功，请修改以下 1 处" in page
    assert "更正理由：更正答复须说明更正了什么、为什么更正。" in page
    assert 'aria-invalid="true"' in page and SECOND in page  # what they typed is kept
    assert stored(suggestion) == [(1, FIRST, "")]

    post_confirmed(
        client,
        answer_url(suggestion),
        {"text": SECOND, "reason": "时间写错：18:00 应为 18:30", "version": "2"},
    )

    assert stored(suggestion) == [
        (1, FIRST, ""),
        (2, SECOND, "时间写错：18:00 应为 18:30"),
    ]


def test_answer_text_is_bounded_with_a_chinese_message(client, setup):
    staff, suggestion = setup
    client.force_login(staff)

    response = client.post(
        answer_url(suggestion), {"text": "答" * (ANSWER_MAX + 1), "version": "1"}
    )

    assert response.status_code == 400
    assert (
        f"答复内容不能超过 {ANSWER_MAX} 字（现有 {ANSWER_MAX + 1} 字）" in response.content.decode()
    )
    with pytest.raises(ValidationError, match="不能超过"):
        services.suggestion_answer(suggestion=suggestion, text="答" * (ANSWER_MAX + 1), actor=staff)
    assert stored(suggestion) == []


def test_empty_answer_is_refused_per_field(client, setup):
    staff, suggestion = setup
    client.force_login(staff)

    response = client.post(answer_url(suggestion), {"text": "   ", "version": "1"})

    assert response.status_code == 400
    assert "答复内容：请填写答复内容。" in response.content.decode()
    assert stored(suggestion) == []


def test_an_answer_stored_meanwhile_is_not_corrected_blind(client, setup):
    """Two staff members open the page; the second to confirm answered version 1 as well."""
    staff, suggestion = setup
    client.force_login(staff)
    action, fields = review_form(
        client.post(answer_url(suggestion), {"text": FIRST, "version": "1"})
    )
    services.suggestion_answer(suggestion=suggestion, text="另一位同事的答复", actor=staff)

    response = client.post(action or answer_url(suggestion), fields)

    assert response.status_code == 400
    assert stored(suggestion) == [(1, "另一位同事的答复", "")]


def test_spam_cannot_be_answered(client, setup):
    staff, suggestion = setup
    suggestion.status = Suggestion.Status.SPAM
    suggestion.save()
    client.force_login(staff)

    with pytest.raises(ValidationError, match="无效信息不能答复"):
        services.suggestion_answer(suggestion=suggestion, text=FIRST, actor=staff)
    response = client.post(answer_url(suggestion), {"text": FIRST, "version": "1"})

    assert response.status_code == 400 and "无效信息不能答复" in response.content.decode()
    assert stored(suggestion) == []


# ---------------------------------------------------------------------------- scoping
def test_staff_of_another_committee_get_404_and_nothing_is_stored(client, setup):
    _, suggestion = setup
    client.force_login(StaffFactory())  # another organizer

    assert client.get(detail_url(suggestion)).status_code == 404
    assert client.post(answer_url(suggestion), {"text": FIRST, "version": "1"}).status_code == 404
    assert stored(suggestion) == []


@pytest.mark.parametrize(
    "make", [LiaisonFactory, DeputyFactory, MemberFactory, None], ids=lambda f: str(f)
)
def test_other_roles_and_anonymous_cannot_answer(client, setup, make):
    _, suggestion = setup
    if make is not None:
        user = make()
        if make is DeputyFactory:  # even the deputy who made the suggestion
            suggestion.submitted_by = user
            suggestion.save()
        client.force_login(user)

    response = client.post(answer_url(suggestion), {"text": FIRST, "version": "1"})

    if make is None:
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    else:
        assert response.status_code == 403
    assert stored(suggestion) == []


def test_the_answer_route_takes_no_get(client, setup):
    staff, suggestion = setup
    client.force_login(staff)
    assert client.get(answer_url(suggestion)).status_code == 405


# ------------------------------------------------------------------------- immutability
def test_an_answer_is_never_changed_or_deleted(setup):
    staff, suggestion = setup
    answer = services.suggestion_answer(suggestion=suggestion, text=FIRST, actor=staff)

    answer.text = "改过"
    attempts = (
        answer.save,
        answer.delete,
        lambda: SuggestionAnswer.objects.filter(pk=answer.pk).update(text="改过"),
        lambda: suggestion.answers.all().delete(),
    )
    for attempt in attempts:
        with pytest.raises(ValidationError, match="已发出的答复不能修改或删除"):
            attempt()
    assert stored(suggestion) == [(1, FIRST, "")]


def test_a_correction_without_reason_is_refused_by_the_database_too(setup):
    _, suggestion = setup
    SuggestionAnswer.objects.create(suggestion=suggestion, version=1, text=FIRST)
    with pytest.raises(IntegrityError), transaction.atomic():
        SuggestionAnswer.objects.create(suggestion=suggestion, version=2, text=SECOND)
    with pytest.raises(IntegrityError), transaction.atomic():
        SuggestionAnswer.objects.create(suggestion=suggestion, version=1, text=SECOND)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_raw_sql_cannot_change_an_answer_but_a_deleted_account_is_cleared(setup):
    staff, suggestion = setup
    answer = services.suggestion_answer(suggestion=suggestion, text=FIRST, actor=staff)

    for sql in (
        "UPDATE issues_suggestionanswer SET text = 'x' WHERE id = %s",
        "DELETE FROM issues_suggestionanswer WHERE id = %s",
    ):
        with (
            pytest.raises(IntegrityError, match="frozen"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [answer.pk])
    staff.delete()  # ON DELETE SET NULL passes; the text stays

    assert stored(suggestion) == [(1, FIRST, "")]
    assert SuggestionAnswer.objects.get().answered_by is None


# --------------------------------------------------------------------- where it is read
def test_receipt_pages_show_the_latest_answer_its_dates_and_no_staff_name(client, setup):
    staff, suggestion = setup
    pages = (
        reverse("issues:receipt-detail", args=[suggestion.receipt]),
        reverse("issues:receipt") + f"?receipt={suggestion.receipt}",
    )
    before = client.get(pages[0]).content.decode()
    assert "提交成功" in before and "已有办理答复" not in before
    services.suggestion_answer(suggestion=suggestion, text=FIRST, actor=staff)
    for url in pages:
        page = client.get(url).content.decode()
        assert FIRST in page and "答复日期" in page and "已更正" not in page
    assert "已有办理答复" in client.get(pages[0]).content.decode()  # no "submitted" heading

    services.suggestion_answer(suggestion=suggestion, text=SECOND, reason="时间有误", actor=staff)

    for url in pages:
        page = client.get(url).content.decode()
        assert SECOND in page and FIRST not in page
        assert "已更正" in page and "更正日期" in page
        assert staff.display_name not in page and "张答复" not in page
        assert "时间有误" not in page  # the reason goes to the people told, not the page


def test_the_deputy_workspace_lists_answers_to_their_own_suggestions(client, setup):
    staff, suggestion = setup
    deputy = DeputyFactory()
    mine = SuggestionFactory(department=suggestion.department, submitted_by=deputy)
    services.suggestion_answer(suggestion=mine, text=FIRST, actor=staff)
    services.suggestion_answer(suggestion=suggestion, text="别人的答复", actor=staff)
    client.force_login(deputy)

    page = client.get(reverse("accounts:workspace-deputy")).content.decode()

    assert mine.receipt in page and FIRST in page
    assert "别人的答复" not in page and suggestion.receipt not in page
    assert "张答复" not in page


def test_the_api_gives_staff_the_current_answer(client, setup):
    staff, suggestion = setup
    services.suggestion_answer(suggestion=suggestion, text=FIRST, actor=staff)
    services.suggestion_answer(suggestion=suggestion, text=SECOND, reason="时间有误", actor=staff)
    SuggestionFactory(department=suggestion.department)  # not answered
    client.force_login(staff)

    rows = client.get("/api/v1/suggestions/").json()["results"]

    by_receipt = {r["receipt"]: r["answer"] for r in rows}
    assert by_receipt[suggestion.receipt]["text"] == SECOND
    assert by_receipt[suggestion.receipt]["version"] == 2
    assert by_receipt[suggestion.receipt]["corrected_at"] is not None
    assert sorted(v is None for v in by_receipt.values()) == [False, True]
