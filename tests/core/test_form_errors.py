"""Errors people can act on (issue 19), through the views: after a failed submit the page has
one error summary naming every problem with a link to its field, the fields are marked
aria-invalid, and every aria-describedby points at an element that exists."""

import pytest
from django.urls import reverse

from issues.models import SourceType, Suggestion
from scoring.models import CommitteeParticipation
from scoring.services.committee import session_open
from tests.factories import EvaluatedDepartmentFactory, MemberFactory
from tests.scoring.factories import campaign_with_batch
from tests.support.a11y import Page

pytestmark = pytest.mark.django_db


def test_empty_suggestion_names_every_problem_including_the_challenge(client, settings):
    settings.SUGGESTION_RATE_LIMITS = ["50/h"]
    ev = EvaluatedDepartmentFactory(department__name="淄博市教育局", batch__stage="suggestions")
    url = reverse("issues:suggest", args=[ev.campaign.slug])

    response = client.post(url, {"source_type": SourceType.PUBLIC, "text": "", "altcha": ""})

    assert response.status_code == 400
    page = Page(response.content.decode())
    assert page.summaries == 1
    links = dict(page.summary_links)
    assert links["#id_text"].startswith("您的意见建议：")
    assert links["#altcha-field"].startswith("防刷验证：")
    assert "id_text" in page.invalid and "altcha-field" in page.ids
    assert page.dangling() == []
    assert not Suggestion.objects.exists()


def test_a_valid_form_without_errors_has_no_summary_and_no_dangling_description(client):
    ev = EvaluatedDepartmentFactory(batch__stage="suggestions")
    page = Page(client.get(reverse("issues:suggest", args=[ev.campaign.slug])).content.decode())

    assert page.summaries == 0 and page.invalid == set()
    assert page.dangling() == []
    # The help text of the contact field is wired to it by id.
    assert ("id_contact", "id_contact_helptext") in page.described


def test_committee_score_out_of_range_is_marked_at_the_department(client):
    staff, campaign, batch, (a, b) = campaign_with_batch(2)
    a.department.name, b.department.name = "淄博市教育局", "淄博市医疗保障局"
    a.department.save()
    b.department.save()
    session = session_open(batch=batch, actor=staff)
    member = MemberFactory(organizer=campaign.organizer)
    client.force_login(member)
    url = reverse("scoring:ballot", args=[session.pk])

    response = client.post(url, {f"score_{a.pk}": "101", f"score_{b.pk}": ""})

    assert response.status_code == 400
    body = response.content.decode()
    page = Page(body)
    assert dict(page.summary_links) == {
        f"#score_{a.pk}": "淄博市教育局的测评分必须在 0 到 100 之间",
        f"#score_{b.pk}": "请为淄博市医疗保障局打分",
    }
    assert page.invalid == {f"score_{a.pk}", f"score_{b.pk}"}
    assert page.dangling() == []
    assert 'value="101"' in body  # what was typed is kept
    assert "确认提交测评票" not in body  # no review of a ballot that cannot be submitted
    assert not CommitteeParticipation.objects.exists()


def test_a_group_of_radios_is_a_fieldset_described_by_its_help_and_error():
    from django import forms
    from django.template.loader import render_to_string

    class Form(forms.Form):
        rating = forms.ChoiceField(
            label="满意度",
            choices=[("a", "满意"), ("b", "不满意")],
            widget=forms.RadioSelect,
            help_text="选一项",
        )

    form = Form(data={})
    html = render_to_string("issues/_fields.html", {"form": form})
    page = Page(html)

    assert dict(page.summary_links) == {"#id_rating_0": "满意度：该字段是必填项。"}
    assert "id_rating_0" in page.ids
    assert ("fieldset", "id_rating_helptext") in page.described
    assert ("fieldset", "id_rating_error") in page.described
    assert page.dangling() == []
    assert "<legend>满意度</legend>" in html


def test_public_vote_names_the_code_and_each_department_left_unrated(client):
    from scoring.services.public_vote import vote_set_open

    staff, campaign, batch, (a, b) = campaign_with_batch(2)
    a.department.name, b.department.name = "淄博市教育局", "淄博市医疗保障局"
    a.department.save()
    b.department.save()
    vote_set_open(batch=batch, is_open=True, actor=staff)
    url = reverse("scoring:public-vote", args=[campaign.slug, 1])

    response = client.post(
        url, {"action": "vote", "phone": "13812345678", "code": "", f"rating_{a.pk}": "basic"}
    )

    body = response.content.decode()
    page = Page(body)
    assert dict(page.summary_links) == {
        "#code": "请输入短信验证码",
        f"#rating_{b.pk}_0": "请对淄博市医疗保障局作出评价",
    }
    assert f"rating_{b.pk}_0" in page.ids and "code" in page.invalid
    assert page.dangling() == []
    assert f'id="rating_{a.pk}_1" name="rating_{a.pk}" value="basic" required checked' in body
