"""One URL scheme per audience (issue 12): every old address answers 301 to its new place,
the new place serves the page, and campaign slugs cannot take a system path."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from campaigns.forms import CampaignCreateForm
from campaigns.models import Campaign, VoteSession
from hotline.services import import_batch_create
from scoring.services.committee import session_open
from scoring.services.public_vote import vote_set_open
from scoring.services.sheets import sheet_recompute
from scoring.services.surveys import survey_create
from tests.campaigns.voting_helpers import open_vote
from tests.factories import (
    CampaignFactory,
    EvaluatedDepartmentFactory,
    MemberFactory,
    ResearcherFactory,
    StaffFactory,
)
from tests.issues.factories import ConfirmedKeyIssueFactory, SuggestionFactory, ThemeFactory

pytestmark = pytest.mark.django_db

# Who opens the new page and what it answers to a GET: a staff page (200), a page of another
# role (200 for that role), or a form target that takes only POST (405 to a GET).
STAFF, RESEARCHER, MEMBER, POST_ONLY = "staff", "researcher", "member", "post-only"


def legacy_names() -> set[str]:
    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace == "legacy":
                yield f"legacy:{pattern.name}"

    return set(walk(get_resolver().url_patterns))


@pytest.fixture
def world(tmp_path):
    """One campaign with an object of every kind an old address names."""
    staff, batch, voters, vote, _ = open_vote()
    campaign = batch.campaign
    ev = EvaluatedDepartmentFactory(batch=batch)
    committee = session_open(batch=batch, actor=staff)
    vote_set_open(batch=batch, is_open=True, actor=staff)
    imported = import_batch_create(
        source_name="12345", path=str(tmp_path / "a.csv"), file_name="a.csv"
    )
    return {
        "staff": staff,
        "researcher": ResearcherFactory(organizer=staff.organizer),
        "member": MemberFactory(organizer=staff.organizer),
        "c": campaign.slug,
        "n": batch.number,
        "dept": ev.department.slug,
        "ev": ev.pk,
        "vote": vote.pk,
        "suggestion": SuggestionFactory(department=ev).pk,
        "theme": ThemeFactory(department=ev).pk,
        "key_issue": ConfirmedKeyIssueFactory(department=ev).pk,
        "survey": survey_create(batch=batch, title="", actor=staff).pk,
        "committee": committee.pk,
        "sheet": sheet_recompute(campaign=campaign, actor=staff).version,
        "import": imported.pk,
    }


def examples(w: dict) -> list[tuple[str, str, str]]:
    """(old address, new address, who) for every old pattern: written out, not reversed, so
    the test pins both schemes."""
    c, n, dept, ki, imp = w["c"], w["n"], w["dept"], w["key_issue"], w["import"]
    return [
        ("/workspace/staff/", "/staff/", STAFF),
        # campaigns
        ("/workspace/staff/campaigns/", "/staff/campaigns/", STAFF),
        ("/workspace/staff/campaigns/new/", "/staff/campaigns/new/", STAFF),
        (f"/workspace/staff/campaigns/{c}/", f"/staff/{c}/", STAFF),
        (f"/workspace/staff/campaigns/{c}/batches/{n}/", f"/staff/{c}/batches/{n}/", STAFF),
        (
            f"/workspace/staff/campaigns/{c}/batches/{n}/stage/",
            f"/staff/{c}/batches/{n}/stage/",
            POST_ONLY,
        ),
        (
            f"/workspace/staff/campaigns/{c}/batches/{n}/plan/",
            f"/staff/{c}/batches/{n}/plan/",
            POST_ONLY,
        ),
        (
            f"/workspace/staff/campaigns/{c}/batches/{n}/slots/",
            f"/staff/{c}/batches/{n}/slots/",
            POST_ONLY,
        ),
        (
            f"/workspace/staff/campaigns/{c}/batches/{n}/nominations/",
            f"/staff/{c}/batches/{n}/nominations/",
            POST_ONLY,
        ),
        (
            f"/workspace/staff/campaigns/{c}/batches/{n}/nominations/7/remove/",
            f"/staff/{c}/batches/{n}/nominations/7/remove/",
            POST_ONLY,
        ),
        (
            f"/workspace/staff/campaigns/{c}/batches/{n}/vote/open/",
            f"/staff/{c}/batches/{n}/vote/open/",
            POST_ONLY,
        ),
        (
            f"/workspace/staff/votes/{w['vote']}/turnout/",
            f"/staff/{c}/votes/{w['vote']}/turnout/",
            STAFF,
        ),
        (
            f"/workspace/staff/votes/{w['vote']}/close/",
            f"/staff/{c}/votes/{w['vote']}/close/",
            POST_ONLY,
        ),
        (
            f"/workspace/staff/votes/{w['vote']}/runoff/",
            f"/staff/{c}/votes/{w['vote']}/runoff/",
            POST_ONLY,
        ),
        (
            f"/workspace/staff/votes/{w['vote']}/publish/",
            f"/staff/{c}/votes/{w['vote']}/publish/",
            POST_ONLY,
        ),
        (
            f"/workspace/staff/campaigns/{c}/departments/{dept}/statement/",
            f"/staff/{c}/departments/{dept}/statement/",
            STAFF,
        ),
        # suggestions, themes, proposals, funnel
        (f"/workspace/staff/{c}/suggestions/", f"/staff/{c}/suggestions/", STAFF),
        (
            f"/workspace/staff/{c}/suggestions/{w['suggestion']}/",
            f"/staff/{c}/suggestions/{w['suggestion']}/",
            STAFF,
        ),
        (f"/workspace/staff/{c}/suggestions/record/", f"/staff/{c}/suggestions/record/", STAFF),
        (f"/workspace/staff/{c}/suggestions/import/", f"/staff/{c}/suggestions/import/", STAFF),
        (
            f"/workspace/staff/{c}/suggestions/export.xlsx",
            f"/staff/{c}/suggestions/export.xlsx",
            STAFF,
        ),
        (f"/workspace/staff/{c}/themes/", f"/staff/{c}/suggestions/themes/", STAFF),
        (
            f"/workspace/staff/{c}/themes/{w['theme']}/",
            f"/staff/{c}/suggestions/themes/{w['theme']}/",
            STAFF,
        ),
        (f"/workspace/staff/{c}/proposals/", f"/staff/{c}/suggestions/proposals/", STAFF),
        (
            f"/workspace/staff/{c}/proposals/{w['ev']}/",
            f"/staff/{c}/suggestions/proposals/{w['ev']}/",
            STAFF,
        ),
        (f"/workspace/staff/{c}/funnel/", f"/staff/{c}/suggestions/funnel/", STAFF),
        (f"/workspace/staff/{c}/funnel.xlsx", f"/staff/{c}/suggestions/funnel.xlsx", STAFF),
        # key issues
        (f"/workspace/{c}/key-issues/", f"/staff/{c}/key-issues/", STAFF),
        (
            f"/workspace/{c}/key-issues/new/{w['ev']}/",
            f"/staff/{c}/key-issues/new/{w['ev']}/",
            STAFF,
        ),
        (f"/workspace/{c}/key-issues/{ki}/", f"/staff/{c}/key-issues/{ki}/", STAFF),
        (
            f"/workspace/{c}/key-issues/{ki}/confirm/",
            f"/staff/{c}/key-issues/{ki}/confirm/",
            POST_ONLY,
        ),
        # rectification (staff side)
        (f"/workspace/staff/{c}/rectification/", f"/staff/{c}/rectification/", STAFF),
        (
            f"/workspace/staff/{c}/rectification/ledger.xlsx",
            f"/staff/{c}/rectification/ledger.xlsx",
            STAFF,
        ),
        (f"/workspace/staff/{c}/rectification/{ki}/", f"/staff/{c}/rectification/{ki}/", STAFF),
        (
            f"/workspace/staff/{c}/rectification/{ki}/publish/",
            f"/staff/{c}/rectification/{ki}/publish/",
            POST_ONLY,
        ),
        (
            f"/workspace/staff/{c}/rectification/{ki}/updates/5/",
            f"/staff/{c}/rectification/{ki}/updates/5/",
            POST_ONLY,
        ),
        (
            f"/workspace/staff/{c}/rectification/{ki}/measures/6/close/",
            f"/staff/{c}/rectification/{ki}/measures/6/close/",
            POST_ONLY,
        ),
        (
            f"/workspace/staff/{c}/rectification/{ki}/verdict/",
            f"/staff/{c}/rectification/{ki}/verdict/",
            POST_ONLY,
        ),
        (
            f"/workspace/staff/{c}/rectification/{ki}/rebound/",
            f"/staff/{c}/rectification/{ki}/rebound/",
            POST_ONLY,
        ),
        (
            f"/workspace/staff/{c}/rectification/{ki}/rebound/8/resolve/",
            f"/staff/{c}/rectification/{ki}/rebound/8/resolve/",
            POST_ONLY,
        ),
        # scoring
        (f"/manage/{c}/hotline/", f"/staff/{c}/hotline/", STAFF),
        (f"/manage/{c}/scoring/", f"/staff/{c}/scoring/", STAFF),
        (f"/manage/{c}/scoring/settings/", f"/staff/{c}/scoring/settings/", STAFF),
        (
            f"/manage/{c}/scoring/batches/{n}/session/",
            f"/staff/{c}/scoring/batches/{n}/session/",
            POST_ONLY,
        ),
        (
            f"/manage/{c}/scoring/batches/{n}/vote/toggle/",
            f"/staff/{c}/scoring/batches/{n}/vote/toggle/",
            POST_ONLY,
        ),
        (f"/manage/{c}/scoring/batches/{n}/vote/", f"/staff/{c}/scoring/batches/{n}/vote/", STAFF),
        (
            f"/manage/{c}/scoring/batches/{n}/surveys/new/",
            f"/staff/{c}/scoring/batches/{n}/surveys/new/",
            POST_ONLY,
        ),
        (
            f"/manage/{c}/scoring/surveys/{w['survey']}/",
            f"/staff/{c}/scoring/surveys/{w['survey']}/",
            STAFF,
        ),
        (
            f"/manage/{c}/scoring/surveys/{w['survey']}/rates/",
            f"/staff/{c}/scoring/surveys/{w['survey']}/rates/",
            STAFF,
        ),
        (
            f"/manage/{c}/scoring/sessions/{w['committee']}/turnout/",
            f"/staff/{c}/scoring/sessions/{w['committee']}/turnout/",
            STAFF,
        ),
        (
            f"/manage/{c}/scoring/surveys/{w['survey']}/invitations/",
            f"/staff/{c}/scoring/surveys/{w['survey']}/invitations/",
            STAFF,
        ),
        (
            f"/manage/{c}/scoring/sheets/recompute/",
            f"/staff/{c}/scoring/sheets/recompute/",
            POST_ONLY,
        ),
        (
            f"/manage/{c}/scoring/sheets/{w['sheet']}/",
            f"/staff/{c}/scoring/sheets/{w['sheet']}/",
            STAFF,
        ),
        (
            f"/manage/{c}/scoring/sheets/{w['sheet']}/publish/",
            f"/staff/{c}/scoring/sheets/{w['sheet']}/publish/",
            STAFF,  # the review page of what goes public (GET); publishing is its POST
        ),
        (
            f"/manage/{c}/scoring/sheets/{w['sheet']}/export/",
            f"/staff/{c}/scoring/sheets/{w['sheet']}/export/",
            STAFF,
        ),
        (f"/manage/{c}/scoring/research/", f"/workspace/research/{c}/scoring/", RESEARCHER),
        (f"/committee/{w['committee']}/", f"/workspace/member/scoring/{w['committee']}/", MEMBER),
        # hotline
        ("/hotline/imports/", "/staff/hotline/imports/", STAFF),
        (f"/hotline/imports/{imp}/", f"/staff/hotline/imports/{imp}/", STAFF),
        (f"/hotline/imports/{imp}/progress/", f"/staff/hotline/imports/{imp}/progress/", STAFF),
        (
            f"/hotline/imports/{imp}/rejected.csv",
            f"/staff/hotline/imports/{imp}/rejected.csv",
            STAFF,
        ),
        (f"/hotline/imports/{imp}/aliases/", f"/staff/hotline/imports/{imp}/aliases/", POST_ONLY),
        (f"/hotline/campaigns/{c}/", f"/staff/{c}/hotline/", STAFF),
        (
            f"/hotline/campaigns/{c}/departments/{dept}/",
            f"/staff/{c}/hotline/departments/{dept}/",
            STAFF,
        ),
    ]


def test_the_examples_cover_every_old_pattern(world):
    seen = {resolve(old).view_name for old, _, _ in examples(world)}
    assert seen == legacy_names()


def test_every_old_address_answers_301_to_its_new_place_with_the_query_kept(client, world):
    client.force_login(world["staff"])  # the old vote addresses look the vote up for staff
    wrong = []
    for old, new, _ in examples(world):
        response = client.get(f"{old}?batch=1&q=%E8%B7%AF")
        if response.status_code != 301 or response["Location"] != f"{new}?batch=1&q=%E8%B7%AF":
            wrong.append((old, response.status_code, response.get("Location")))
        bare = client.get(old)
        if bare.status_code != 301 or bare["Location"] != new:
            wrong.append((old, bare.status_code, bare.get("Location")))
    assert wrong == []


def test_a_form_posted_to_an_old_address_is_redirected_too(client, world):
    client.force_login(world["staff"])
    old = f"/workspace/staff/votes/{world['vote']}/close/"

    response = client.post(old)

    # 308, not 301: the browser sends the same POST to the new address instead of a GET.
    assert response.status_code == 308
    assert response["Location"] == f"/staff/{world['c']}/votes/{world['vote']}/close/"


def test_a_form_posted_to_an_old_address_reaches_the_new_form_target(client, world):
    client.force_login(world["staff"])

    response = client.post(f"/workspace/staff/votes/{world['vote']}/close/", follow=True)

    assert [code for _, code in response.redirect_chain][:1] == [308]
    assert response.status_code != 405  # a GET would have been refused by the POST-only target


def test_every_new_address_serves_its_page(client, world):
    wrong = []
    for _, new, who in examples(world):
        client.force_login(world[STAFF if who == POST_ONLY else who])
        response = client.get(new)
        expected = 405 if who == POST_ONLY else 200
        if response.status_code != expected:
            wrong.append((new, who, response.status_code))
    assert wrong == []


def test_the_new_addresses_are_the_named_routes(world):
    """Templates and the matrix reverse the same names; they now give the new addresses."""
    c, vote = world["c"], world["vote"]
    assert reverse("accounts:workspace-staff") == "/staff/"
    assert reverse("campaigns-staff:campaign", args=[c]) == f"/staff/{c}/"
    assert (
        reverse("campaigns-staff:vote-close", args=[c, vote]) == f"/staff/{c}/votes/{vote}/close/"
    )
    assert reverse("issues:themes", args=[c]) == f"/staff/{c}/suggestions/themes/"
    assert reverse("hotline:imports") == "/staff/hotline/imports/"
    assert reverse("scoring:ballot", args=[7]) == "/workspace/member/scoring/7/"


def test_the_other_old_addresses_redirect_before_any_login(client, world):
    c = world["c"]

    response = client.get(f"/workspace/staff/{c}/suggestions/?page=2")

    assert response.status_code == 301
    assert response["Location"] == f"/staff/{c}/suggestions/?page=2"


def test_an_old_vote_address_tells_a_stranger_nothing(client, world):
    old = f"/workspace/staff/votes/{world['vote']}/turnout/"

    anonymous = client.get(old)
    client.force_login(StaffFactory())  # staff of another committee
    stranger = client.get(old)
    client.force_login(MemberFactory(organizer=world["staff"].organizer))
    member = client.get(old)

    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert world["c"] not in anonymous["Location"]  # the vote's campaign is not given away
    assert stranger.status_code == 404
    assert member.status_code == 403


def test_an_old_vote_address_of_a_vote_that_is_gone_is_404(client, world):
    client.force_login(world["staff"])

    assert client.get("/workspace/staff/votes/999999/turnout/").status_code == 404


def test_a_vote_under_another_campaigns_slug_is_404_and_unchanged(client, world):
    staff = world["staff"]
    other = CampaignFactory(organizer=staff.organizer)
    client.force_login(staff)

    close = client.post(reverse("campaigns-staff:vote-close", args=[other.slug, world["vote"]]))
    turnout = client.get(reverse("campaigns-staff:vote-turnout", args=[other.slug, world["vote"]]))

    assert close.status_code == 404 and turnout.status_code == 404
    assert VoteSession.objects.get(pk=world["vote"]).state == VoteSession.State.OPEN


# --------------------------------------------------------------------- reserved slugs
RESERVED = [
    "staff",
    "workspace",
    "api",
    "admin",
    "accounts",
    "hotline",
    "static",
    "media",
    "healthz",
    "s",
    "suggestions",
    "rectification",
    "manage",
    "committee",
    "campaigns",  # /staff/campaigns/ is the campaign list
]


def _create_form(slug: str) -> CampaignCreateForm:
    return CampaignCreateForm(
        {
            "title": "2030年专项工作评议",
            "year": 2030,
            "slug": slug,
            "evaluation_start": "2030-01-01",
            "evaluation_end": "2030-10-31",
            "batch_count": 2,
        },
        campaigns=Campaign.objects.none(),
    )


@pytest.mark.parametrize("slug", RESERVED)
def test_the_create_form_refuses_a_slug_that_is_a_system_path(slug):
    form = _create_form(slug)

    assert not form.is_valid()
    assert form.errors["slug"] == [f"该网址标识与系统路径冲突（{slug}），请换一个。"]


@pytest.mark.parametrize("slug", ["2030", "zibo-2030", "progress", "departments"])
def test_the_create_form_takes_an_ordinary_slug(slug):
    assert _create_form(slug).is_valid()


def test_creating_a_campaign_with_an_ordinary_slug_through_the_page_works(client):
    staff = StaffFactory()
    client.force_login(staff)

    response = client.post(reverse("campaigns-staff:campaign-new"), _create_form("y2030").data)

    assert response.status_code == 302 and response["Location"] == "/staff/y2030/"
    assert Campaign.objects.filter(slug="y2030").exists()


def test_creating_a_campaign_with_a_reserved_slug_through_the_page_is_refused(client):
    client.force_login(StaffFactory())

    response = client.post(reverse("campaigns-staff:campaign-new"), _create_form("staff").data)

    assert response.status_code == 200
    assert "该网址标识与系统路径冲突（staff），请换一个。" in response.content.decode()
    assert not Campaign.objects.filter(slug="staff").exists()


@pytest.mark.parametrize("slug", ["staff", "hotline", "api"])
def test_model_validation_refuses_a_reserved_slug(slug):
    campaign = CampaignFactory.build(organizer=CampaignFactory().organizer, slug=slug)

    with pytest.raises(ValidationError) as refused:
        campaign.full_clean()

    assert refused.value.message_dict["slug"] == [f"该网址标识与系统路径冲突（{slug}），请换一个。"]


def test_model_validation_takes_an_ordinary_slug():
    campaign = CampaignFactory.build(organizer=CampaignFactory().organizer, slug="y2031")

    campaign.full_clean()


def test_a_route_added_later_is_reserved_too(settings):
    """The rule reads the URLconf: a new top-level route takes its slug with it."""
    from core.routing import slug_clashes

    assert not slug_clashes("reports", route_names=["campaigns:detail"])
    settings.ROOT_URLCONF = "tests.support.urls_with_reports"

    assert slug_clashes("reports", route_names=["campaigns:detail"])
