"""Public pages show confirmed key issues, approved theme summaries and counts, never a
suggestion's text or contact; hostile text is escaped on every page that shows it."""

import pytest
from django.urls import reverse

from issues import services
from tests.factories import DeputyFactory, StaffFactory

from .factories import ConfirmedKeyIssueFactory, KeyIssueFactory, SuggestionFactory, ThemeFactory

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def department_url(evaluated):
    return reverse(
        "campaigns:department", args=[evaluated.campaign.slug, evaluated.department.slug]
    )


def test_department_page_lists_key_issues_with_counts_but_no_original_text(client):
    theme = ThemeFactory(
        title="放学早无人看管", summary="家长反映放学时间早于下班时间。", summary_approved=True
    )
    hidden = ThemeFactory(department=theme.department, title="未审核主题", summary="不应公开")
    SuggestionFactory.create_batch(
        3,
        department=theme.department,
        theme=theme,
        status="merged",
        text="群众原话：我家孩子三点半放学",
        contact="13900001111",
    )
    SuggestionFactory(department=theme.department, theme=hidden, status="merged")
    issue = ConfirmedKeyIssueFactory(
        department=theme.department, title="学校课后服务不能满足群众需求"
    )
    issue.themes.set([theme, hidden])
    KeyIssueFactory(department=theme.department, title="只是提出、尚未确定的问题")

    body = client.get(department_url(theme.department)).content.decode()

    assert "学校课后服务不能满足群众需求" in body
    assert "来自 4 条群众和代表意见建议" in body
    assert "家长反映放学时间早于下班时间" in body
    assert "不应公开" not in body and "未审核主题" not in body
    assert "只是提出、尚未确定的问题" not in body
    assert "群众原话" not in body and "13900001111" not in body
    assert "征集意见建议" in body


def test_hostile_text_is_escaped_on_every_page(client):
    theme = ThemeFactory(title=SCRIPT, summary=SCRIPT, summary_approved=True)
    ev = theme.department
    suggestion = SuggestionFactory(department=ev, text=SCRIPT, contact=SCRIPT)
    merged = SuggestionFactory(department=ev, text=SCRIPT, theme=theme, status="merged")
    issue = ConfirmedKeyIssueFactory(
        department=ev, title=SCRIPT, description=SCRIPT, hotline_categories=SCRIPT
    )
    issue.themes.add(theme)
    campaign = ev.campaign
    deputy = DeputyFactory()
    services.suggestion_submit_deputy(campaign=campaign, department=ev, text=SCRIPT, deputy=deputy)

    pages = {"public department": client.get(department_url(ev))}
    pages["receipt"] = client.get(reverse("issues:receipt"), {"receipt": merged.receipt})
    client.force_login(deputy)
    pages["deputy"] = client.get(reverse("issues:deputy-suggest", args=[campaign.slug]))
    client.force_login(StaffFactory(organizer=campaign.organizer))
    slug = campaign.slug
    for name, url in {
        "triage": reverse("issues:triage", args=[slug]),
        "detail": reverse("issues:suggestion", args=[slug, suggestion.id]),
        "theme": reverse("issues:theme", args=[slug, theme.id]),
        "themes": reverse("issues:themes", args=[slug]),
        "proposals": reverse("issues:proposals", args=[slug, ev.id]),
        "key issues": reverse("issues:key-issues", args=[slug]),
        "funnel": reverse("issues:funnel", args=[slug]),
    }.items():
        pages[name] = client.get(url)

    for name, response in pages.items():
        body = response.content.decode()
        assert response.status_code == 200, name
        assert "<script>alert" not in body, name
        assert "<img src=x" not in body, name
    assert "&lt;script&gt;alert" in pages["triage"].content.decode()
    assert "&lt;script&gt;alert" in pages["public department"].content.decode()
