"""Merging never moves a suggestion out of its theme silently (issue 14, point 2)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from issues import services
from issues.models import Suggestion, Theme
from issues.selectors import public_key_issues
from tests.confirming import post_confirmed, review_form
from tests.factories import EvaluatedDepartmentFactory, StaffFactory

from .factories import ConfirmedKeyIssueFactory, SuggestionFactory, ThemeFactory

pytestmark = pytest.mark.django_db

TRANSPORT = [
    "农村客运班次太少，早上进城看病要等两个小时。",
    "乡村公交班次少，末班车太早，建议增加农村客运班次。",
    "农村客运班次少，学生周末回家坐不上车。",
    "建议增加农村客运班次，方便村民进城。",
]


@pytest.fixture
def setup():
    """Three suggestions in theme “农村客运班次少” behind a confirmed key issue, one free."""
    department = EvaluatedDepartmentFactory()
    staff = StaffFactory(organizer=department.campaign.organizer)
    theme = ThemeFactory(department=department, title="农村客运班次少")
    issue = ConfirmedKeyIssueFactory(department=department, title="农村客运服务不足")
    issue.themes.add(theme)
    merged = [
        SuggestionFactory(department=department, text=t, theme=theme, status="merged")
        for t in TRANSPORT[:3]
    ]
    free = SuggestionFactory(department=department, text=TRANSPORT[3])
    return department, staff, theme, issue, merged, free


def _count(department) -> int:
    [issue] = public_key_issues(evaluated=department)
    return issue.suggestion_count


def test_service_refuses_to_move_out_of_a_theme_unless_told(setup):
    department, staff, theme, _, merged, free = setup

    with pytest.raises(ValidationError, match="已归入其他主题"):
        services.suggestions_merge(
            campaign=department.campaign,
            ids=[free.id, merged[0].id],
            title="新主题",
            actor=staff,
        )
    assert theme.suggestions.count() == 3 and Theme.objects.count() == 1

    new = services.suggestions_merge(
        campaign=department.campaign,
        ids=[free.id, merged[0].id],
        title="新主题",
        actor=staff,
        move_from_themes=True,
    )
    assert new.suggestions.count() == 2 and theme.suggestions.count() == 2


def test_merging_into_the_same_theme_is_not_a_move(setup):
    department, staff, theme, _, merged, free = setup

    services.suggestions_merge(
        campaign=department.campaign, ids=[free.id, merged[0].id], theme=theme, actor=staff
    )

    assert theme.suggestions.count() == 4


def test_merge_that_moves_shows_themes_and_public_counts_and_changes_nothing(client, setup):
    department, staff, theme, issue, merged, free = setup
    client.force_login(staff)
    url = reverse("issues:triage", args=[department.campaign.slug])
    data = {"ids": [free.id, *[s.id for s in merged]], "action": "merge_new", "title": "班次"}

    review = client.post(url, data)

    body = review.content.decode()
    assert review.status_code == 200
    assert "农村客运班次少" in body and "由 3 条变为 0 条" in body
    assert "农村客运服务不足" in body and "公开页面显示的意见建议数由 3 条变为 0 条" in body
    assert body.index("只归并未归入其他主题的 1 条") < body.index("移出原主题并归并全部 4 条")
    assert theme.suggestions.count() == 3 and _count(department) == 3
    assert Theme.objects.count() == 1


def test_safe_choice_merges_only_the_free_suggestions(client, setup):
    department, staff, theme, _, merged, free = setup
    client.force_login(staff)
    url = reverse("issues:triage", args=[department.campaign.slug])
    data = {"ids": [free.id, merged[0].id], "action": "merge_new", "title": "班次"}

    action, fields = review_form(client.post(url, data), "confirm-alternative")
    client.post(action, fields)

    new = Theme.objects.get(title="班次")
    assert list(new.suggestions.all()) == [free]
    assert theme.suggestions.count() == 3 and _count(department) == 3


def test_confirmed_move_changes_the_counts(client, setup):
    department, staff, theme, _, merged, free = setup
    client.force_login(staff)
    url = reverse("issues:triage", args=[department.campaign.slug])

    post_confirmed(
        client, url, {"ids": [free.id, merged[0].id], "action": "merge_new", "title": "班次"}
    )

    assert Theme.objects.get(title="班次").suggestions.count() == 2
    assert _count(department) == 2


def test_suggestion_page_leaves_suggestions_in_other_themes_unticked(client, setup):
    department, staff, theme, _, merged, free = setup
    client.force_login(staff)

    body = client.get(
        reverse("issues:suggestion", args=[department.campaign.slug, free.id])
    ).content.decode()

    for s in merged:
        tag = body[body.index(f'value="{s.id}"') - 80 : body.index(f'value="{s.id}"') + 120]
        assert "checked" not in tag and "农村客运班次少" in tag
    assert body.index('value="merge"') < body.index('value="merge_new"')


def test_unmerge_is_offered_on_a_merged_suggestion(client, setup):
    department, staff, theme, _, merged, free = setup
    client.force_login(staff)
    page = reverse("issues:suggestion", args=[department.campaign.slug, merged[0].id])

    action, fields = review_form(client.get(page), "unmerge-form")
    client.post(action, {**fields, "action": "unmerge"})

    merged[0].refresh_from_db()
    assert merged[0].theme is None and merged[0].status == Suggestion.Status.RECEIVED


def test_status_has_one_name_in_list_filter_and_receipt(client, setup):
    department, staff, theme, _, merged, free = setup
    client.force_login(staff)

    triage = client.get(reverse("issues:triage", args=[department.campaign.slug])).content.decode()

    assert "待归并" not in triage
    assert triage.count(Suggestion.Status.RECEIVED.label) >= 2  # the filter and the row
