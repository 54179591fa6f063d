"""Merging keeps every original linked and counted; proposals come from text similarity."""

import pytest
from django.urls import reverse

from issues import services
from issues.models import RejectedPair, Suggestion, Theme
from issues.selectors import department_funnels, merge_proposals, similar_suggestions
from tests.factories import EvaluatedDepartmentFactory, StaffFactory

from .factories import SuggestionFactory, ThemeFactory

pytestmark = pytest.mark.django_db

AFTER_SCHOOL = [
    "孩子下午三点半就放学了，双职工接不了，建议学校开展课后延时服务。",
    "小学放学太早，家长还在上班，孩子放学后没人看管，希望学校开展课后服务。",
    "建议全市小学全面推行课后延时服务，解决学生放学后无人照看的问题。",
]
PARKS = [
    "人民公园健身器材太少，座椅也不够，老人走累了没地方坐。",
    "公园里座椅少、路灯坏了没人修，建议增加健身器材和座椅。",
]


@pytest.fixture
def department():
    return EvaluatedDepartmentFactory()


@pytest.fixture
def staff(department):
    return StaffFactory(organizer=department.campaign.organizer)


def make(department, texts):
    return [SuggestionFactory(department=department, text=t) for t in texts]


def test_merging_keeps_every_original_and_counts_add_up(department, staff):
    after_school = make(department, AFTER_SCHOOL)
    parks = make(department, PARKS)
    loner = make(department, ["医保个人账户的钱父母用不了。"])
    campaign = department.campaign

    theme = services.suggestions_merge(
        campaign=campaign, ids=[s.id for s in after_school], title="课后服务", actor=staff
    )
    services.suggestions_merge(
        campaign=campaign, ids=[s.id for s in parks], title="公园设施", actor=staff
    )
    # Merging more into an existing theme adds to it; nothing is deleted.
    extra = make(department, ["放学早没人接孩子。"])
    services.suggestions_merge(campaign=campaign, ids=[extra[0].id], theme=theme, actor=staff)

    assert Suggestion.objects.count() == 7
    assert theme.suggestions.count() == 4
    [row] = department_funnels(campaign=campaign, evaluated=department)
    assert row.collected == 7 and row.merged == 6 and row.unmerged == 1 and row.themes == 2
    theme_total = sum(t.suggestions.count() for t in Theme.objects.all())
    assert theme_total + row.unmerged == row.collected
    assert all(
        s.status == Suggestion.Status.MERGED for s in Suggestion.objects.exclude(id=loner[0].id)
    )
    assert theme.department == department


def test_spam_leaves_its_theme_and_the_counts(department, staff):
    items = make(department, AFTER_SCHOOL)
    theme = services.suggestions_merge(
        campaign=department.campaign, ids=[s.id for s in items], title="课后服务", actor=staff
    )

    services.suggestions_mark_spam(campaign=department.campaign, ids=[items[0].id], actor=staff)

    assert theme.suggestions.count() == 2
    [row] = department_funnels(campaign=department.campaign, evaluated=department)
    assert row.collected == 2 and row.merged == 2


def test_bulk_merge_through_the_triage_page(client, department, staff):
    items = make(department, AFTER_SCHOOL)
    client.force_login(staff)

    response = client.post(
        reverse("issues:triage", args=[department.campaign.slug]),
        {"ids": [s.id for s in items], "action": "merge_new", "title": "课后服务不能满足需求"},
    )

    assert response.status_code == 302
    theme = Theme.objects.get()
    assert theme.title == "课后服务不能满足需求" and theme.suggestions.count() == 3


def test_suggestions_of_another_campaign_are_never_merged(department, staff):
    mine = make(department, AFTER_SCHOOL[:1])
    foreign = SuggestionFactory(text=AFTER_SCHOOL[1])

    theme = services.suggestions_merge(
        campaign=department.campaign, ids=[mine[0].id, foreign.id], title="课后服务", actor=staff
    )

    assert list(theme.suggestions.all()) == mine
    foreign.refresh_from_db()
    assert foreign.theme is None


def test_bulk_assign_and_tag(client, department, staff):
    unassigned = SuggestionFactory(department=None, campaign=department.campaign)
    client.force_login(staff)
    url = reverse("issues:triage", args=[department.campaign.slug])

    client.post(
        url, {"ids": [unassigned.id], "action": "assign", "target_department": department.id}
    )
    client.post(url, {"ids": [unassigned.id], "action": "tag", "tag_name": "涉及多部门"})

    unassigned.refresh_from_db()
    assert unassigned.department == department
    assert [t.name for t in unassigned.tags.all()] == ["涉及多部门"]


def test_similar_suggestions_rank_paraphrases_first_and_respect_rejections(department, staff):
    after_school = make(department, AFTER_SCHOOL)
    parks = make(department, PARKS)

    similar = similar_suggestions(suggestion=after_school[0])

    assert {s.id for s, _ in similar[:2]} == {after_school[1].id, after_school[2].id}
    assert parks[0].id not in {s.id for s, _ in similar[:2]}

    services.merge_proposal_reject(
        campaign=department.campaign,
        suggestion_id=after_school[0].id,
        other_ids=[after_school[1].id],
        actor=staff,
    )

    assert RejectedPair.objects.count() == 1
    assert after_school[1].id not in {
        s.id for s, _ in similar_suggestions(suggestion=after_school[0])
    }


def test_department_proposals_group_paraphrases(department):
    after_school = make(department, AFTER_SCHOOL)
    make(department, PARKS)

    groups = merge_proposals(campaign=department.campaign, department=department)

    assert any({s.id for s in g} >= {s.id for s in after_school[:2]} for g in groups)
    for group in groups:
        assert len(group) >= 2


def test_proposals_page_and_suggestion_page_render(client, department, staff):
    items = make(department, AFTER_SCHOOL + PARKS)
    client.force_login(staff)
    slug = department.campaign.slug

    page = client.get(reverse("issues:proposals", args=[slug, department.id]))
    detail = client.get(reverse("issues:suggestion", args=[slug, items[0].id]))

    assert page.status_code == 200 and "归并" in page.content.decode()
    assert detail.status_code == 200 and items[1].receipt in detail.content.decode()


def test_theme_summary_needs_text_before_approval(department, staff):
    theme = ThemeFactory(department=department)

    with pytest.raises(Exception, match="公开摘要"):
        services.theme_update(
            theme=theme,
            title="t",
            summary=" ",
            summary_approved=True,
            is_focus=False,
            department=department,
            actor=staff,
        )


def test_bulk_actions_never_redirect_off_site(client, department, staff):
    item = make(department, AFTER_SCHOOL[:1])[0]
    client.force_login(staff)

    response = client.post(
        reverse("issues:triage", args=[department.campaign.slug]),
        {"ids": [item.id], "action": "tag", "tag_name": "t", "next": "//evil.example/x"},
    )

    assert response.url == reverse("issues:triage", args=[department.campaign.slug])
