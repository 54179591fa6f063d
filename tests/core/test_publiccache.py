"""The public page cache (core/publiccache.py): every act that changes public content shows
on the very next request; signed-in visitors and forms never go through the shared cache;
conditional GET and Cache-Control."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.test import Client

from campaigns import services as campaign_services
from campaigns.services.setup import campaign_update
from campaigns.stages import Stage
from core import publiccache
from hotline.services import import_batch_create, import_batch_run
from issues.services import key_issue_confirm, key_issue_propose
from rectification import services as rect
from rectification.models import Verdict
from scoring.services.sheets import sheet_publish, sheet_recompute
from tests.campaigns.voting_helpers import cast, open_vote
from tests.factories import LiaisonFactory, StaffFactory
from tests.hotline.factories import ticket, write_csv
from tests.rectification.factories import MeasureFactory, PlanFactory
from tests.scoring.factories import (
    campaign_with_batch,
    committee_scores,
    no_hotline,
    public_ballots,
    research,
    survey_answers,
)

pytestmark = pytest.mark.django_db


def fetch(url: str, client: Client | None = None, **headers):
    response = (client or Client()).get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    return response


def cached(url: str) -> str:
    """The page as the cache holds it: the second anonymous request is a hit."""
    fetch(url)
    again = fetch(url)
    assert again["X-Public-Cache"] == "HIT", url
    return again.content.decode()


def fresh(url: str) -> str:
    """The next anonymous request renders afresh."""
    response = fetch(url)
    assert response["X-Public-Cache"] == "MISS", url
    return response.content.decode()


# ------------------------------------------------------------------ every publishing act
def test_campaign_edit_shows_on_its_page_and_on_the_home_page():
    staff, campaign, _, _ = campaign_with_batch(1)
    pages = ["/", f"/{campaign.slug}/"]
    for url in pages:
        assert "评议新标题" not in cached(url)

    campaign_update(
        campaign=campaign,
        actor=staff,
        title="评议新标题",
        evaluation_start=campaign.evaluation_start,
        evaluation_end=campaign.evaluation_end,
        decision_text="",
    )

    for url in pages:
        assert "评议新标题" in fresh(url)


def test_vote_result_and_stage_change_show_on_the_campaign_page():
    staff, batch, voters, session, cands = open_vote(candidates=3, slots=1, members=3)
    url = f"/{batch.campaign.slug}/"
    chosen = cands[0].department.name
    cast(session, voters, cands, "A", "A", "B")
    campaign_services.vote_close(session=session, actor=staff)
    assert chosen not in cached(url)

    campaign_services.vote_publish(session=session, actor=staff)
    page = fresh(url)
    assert chosen in page
    assert f"stage-{Stage.SUGGESTIONS.value}" not in cached(url)

    campaign_services.batch_stage_change(batch=batch, target=Stage.SUGGESTIONS, actor=staff)

    assert f"stage-{Stage.SUGGESTIONS.value}" in fresh(url)


def test_key_issue_confirmation_shows_on_the_department_page_and_moves_the_home_page():
    staff, campaign, _, (ev,) = campaign_with_batch(1)
    url = f"/{campaign.slug}/departments/{ev.department.slug}/"
    issue = key_issue_propose(department=ev, title="课后服务覆盖不足", actor=staff)
    assert "课后服务覆盖不足" not in cached(url)  # proposed: not public yet
    cached("/")

    key_issue_confirm(key_issue=issue, actor=staff)

    assert "课后服务覆盖不足" in fresh(url)
    fresh("/")


def _published_plan():
    plan = PlanFactory()
    ev = plan.key_issue.department
    MeasureFactory(plan=plan, title="建立课后服务经费保障机制")
    liaison = LiaisonFactory(department=ev.department)
    staff = StaffFactory(organizer=ev.campaign.organizer)
    rect.plan_submit(plan=plan, actor=liaison)
    rect.plan_publish(plan=plan, actor=staff)
    plan.refresh_from_db()
    return plan, liaison, staff


def test_plan_version_progress_update_and_verdict_show_on_the_progress_pages():
    plan, liaison, staff = _published_plan()
    slug = plan.key_issue.department.campaign.slug
    issue_url = f"/{slug}/progress/{plan.key_issue_id}/"
    board_url = f"/{slug}/progress/"
    feed_url = f"/{slug}/progress/feed/"
    assert "第二版整改目标" not in cached(issue_url)

    # A new version of the plan
    rect.plan_update(
        plan=plan, actor=liaison, goals="第二版整改目标", deadline=dt.date(2021, 9, 30)
    )
    rect.plan_submit(plan=plan, actor=liaison)
    rect.plan_publish(plan=plan, actor=staff)
    assert "第二版整改目标" in fresh(issue_url)

    # A progress update: pending is not public, published is
    board, feed = cached(board_url), cached(feed_url)
    update = rect.update_create(plan=plan, actor=liaison, text="已完成三所学校试点", percent=40)
    assert "已完成三所学校试点" not in fresh(issue_url)
    rect.update_publish(update=update, actor=staff)
    assert "已完成三所学校试点" in fresh(issue_url)
    assert "已完成三所学校试点" in fresh(feed_url) and "已完成三所学校试点" not in feed
    assert fresh(board_url) != board

    # A verdict
    assert "第1轮 满意" not in cached(issue_url)
    rect.verdict_record(key_issue=plan.key_issue, actor=staff, result=Verdict.Result.SATISFIED)
    assert "第1轮 满意" in fresh(issue_url)


def _scored_campaign():
    staff, campaign, batch, (a, b) = campaign_with_batch(2)
    no_hotline(campaign, staff)
    for ev, score in ((a, 90), (b, 80)):
        research(ev, staff, score)
    survey_answers(batch, staff, {"public": [{a: "satisfied", b: "basic"}]})
    public_ballots(batch, staff, [{a: "satisfied", b: "dissatisfied"}])
    committee_scores(batch, staff, [{a: 90, b: 95}])
    return staff, campaign, b


def test_score_sheet_publication_and_correction_show_on_the_scores_page_and_api():
    staff, campaign, b = _scored_campaign()
    url, api = f"/{campaign.slug}/scores/", f"/api/v1/public/campaigns/{campaign.slug}/scores/"
    before = cached(url)
    v1 = sheet_recompute(campaign=campaign, actor=staff)
    assert fresh(url) == before  # a recomputed, unpublished sheet changes nothing public

    sheet_publish(sheet=v1, actor=staff)
    first = fresh(url)
    assert first != before and b.department.name in first
    assert '"version":1' in cached(api).replace(" ", "")

    # The correction: an input changes, a new version is computed and published
    research(b, staff, "99.5")
    v2 = sheet_recompute(campaign=campaign, actor=staff)
    assert cached(url) == first
    sheet_publish(sheet=v2, actor=staff, reason="调研组复核后更正调研评分")
    assert v2.rows.get(evaluated__department=b.department).research == Decimal("99.50")
    assert fresh(url) != first
    assert '"version":2' in fresh(api).replace(" ", "")


def test_hotline_import_changes_the_department_page(tmp_path):
    _, campaign, _, (ev,) = campaign_with_batch(1)
    url = f"/{campaign.slug}/departments/{ev.department.slug}/"
    before = cached(url)
    rows = [
        ticket(f"T{i}", when=f"{campaign.year}-03-{1 + i:02d} 10:00", dept=ev.department.name)
        for i in range(7)
    ]
    path = write_csv(tmp_path / "hotline.csv", rows)
    batch = import_batch_create(source_name="12345", path=str(path), file_name=path.name)

    assert import_batch_run(batch_id=batch.pk).inserted == 7

    assert fresh(url) != before


def test_a_change_in_one_campaign_keeps_the_other_campaigns_pages():
    staff, one, _, (ev,) = campaign_with_batch(1)
    _, other, _, _ = campaign_with_batch(1, staff=staff)
    cached(f"/{other.slug}/")

    key_issue_confirm(
        key_issue=key_issue_propose(department=ev, title="一个问题", actor=staff), actor=staff
    )

    assert fetch(f"/{other.slug}/")["X-Public-Cache"] == "HIT"


def test_a_bump_inside_a_transaction_is_repeated_on_commit(django_capture_on_commit_callbacks):
    staff, campaign, _, (ev,) = campaign_with_batch(1)
    cached(f"/{campaign.slug}/")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        key_issue_propose(department=ev, title="事务中的问题", actor=staff)
    assert fresh(f"/{campaign.slug}/")
    cached(f"/{campaign.slug}/")

    for callback in callbacks:
        callback()  # the commit: what was read before it is unreachable

    fresh(f"/{campaign.slug}/")


def test_a_lost_generation_restarts_above_every_earlier_one():
    _, campaign, _, _ = campaign_with_batch(1)
    _, first = publiccache.generations(campaign.slug)
    caches["public"].delete(f"gen:{campaign.slug}")

    assert publiccache.generations(campaign.slug)[1] > first


# -------------------------------------------------------------- who gets a cached page
def test_a_signed_in_visitor_is_never_served_nor_stored_in_the_shared_cache():
    staff, campaign, _, _ = campaign_with_batch(1)
    url = f"/{campaign.slug}/"
    signed_in = Client()
    signed_in.force_login(staff)

    own = fetch(url, signed_in)
    anonymous = fetch(url)
    assert staff.display_name in own.content.decode()
    assert "X-Public-Cache" not in own
    assert "private" in own["Cache-Control"] and "public" not in own["Cache-Control"]
    assert staff.display_name not in anonymous.content.decode()
    assert anonymous["X-Public-Cache"] == "MISS"

    # The anonymous page is cached now; the signed-in visitor still gets their own.
    assert fetch(url)["X-Public-Cache"] == "HIT"
    again = fetch(url, signed_in)
    assert "X-Public-Cache" not in again and staff.display_name in again.content.decode()


def test_a_cached_page_sets_no_cookie():
    _, campaign, _, _ = campaign_with_batch(1)
    url = f"/{campaign.slug}/"
    fetch(url)

    hit = fetch(url)

    assert hit["X-Public-Cache"] == "HIT"
    assert not hit.cookies
    assert "Set-Cookie" not in hit


def test_a_page_with_a_csrf_token_is_never_stored():
    """A decorated view that renders a form: every visitor gets their own token."""
    from django.contrib.auth.models import AnonymousUser
    from django.middleware.csrf import get_token
    from django.test import RequestFactory

    @publiccache.public_page(campaign_kwarg=None)
    def form_page(request):
        from django.http import HttpResponse

        return HttpResponse(f'<input name="csrfmiddlewaretoken" value="{get_token(request)}">')

    def visit():
        request = RequestFactory().get("/form/")
        request.user = AnonymousUser()
        return form_page(request)

    first, second = visit(), visit()
    assert first.content != second.content
    assert "X-Public-Cache" not in second or second["X-Public-Cache"] == "MISS"


def test_the_public_suggestion_form_gives_every_visitor_their_own_csrf_token():
    _, campaign, batch, _ = campaign_with_batch(1)
    batch.stage = "suggestions"  # the form is open only while suggestions are collected
    batch.save(update_fields=["stage"])
    one, two = Client(), Client()

    first = one.get(f"/{campaign.slug}/suggest/")
    second = two.get(f"/{campaign.slug}/suggest/")

    assert first.status_code == second.status_code == 200
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    assert "X-Public-Cache" not in second


def test_a_visitor_with_a_pending_message_gets_a_fresh_page():
    _, campaign, _, _ = campaign_with_batch(1)
    url = f"/{campaign.slug}/"
    cached(url)
    client = Client()
    client.cookies["messages"] = "pending"

    assert "X-Public-Cache" not in fetch(url, client)


# ------------------------------------------------------------------ conditional GET
def test_matching_etag_answers_304_without_rendering(django_assert_num_queries):
    staff, campaign, _, (ev,) = campaign_with_batch(1)
    url = f"/{campaign.slug}/departments/{ev.department.slug}/"
    etag = fetch(url)["ETag"]

    with django_assert_num_queries(0):
        response = Client().get(url, headers={"if-none-match": etag})

    assert response.status_code == 304
    assert response["ETag"] == etag and not response.content

    # After a change the old tag no longer matches.
    key_issue_confirm(
        key_issue=key_issue_propose(department=ev, title="新问题", actor=staff), actor=staff
    )
    changed = Client().get(url, headers={"if-none-match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_if_modified_since_answers_304():
    _, campaign, _, _ = campaign_with_batch(1)
    url = f"/{campaign.slug}/"
    last_modified = fetch(url)["Last-Modified"]

    response = Client().get(url, headers={"if-modified-since": last_modified})

    assert response.status_code == 304


def test_the_etag_differs_between_pages_of_one_generation():
    _, campaign, _, _ = campaign_with_batch(1)
    assert fetch(f"/{campaign.slug}/")["ETag"] != fetch(f"/{campaign.slug}/progress/")["ETag"]
    assert fetch("/")["ETag"] != fetch(f"/{campaign.slug}/")["ETag"]


# ------------------------------------------------------------------- Cache-Control
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/{slug}/",
        "/{slug}/departments/{dept}/",
        "/{slug}/progress/",
        "/{slug}/progress/feed/",
        "/{slug}/scores/",
        "/api/v1/public/campaigns/",
        "/api/v1/public/campaigns/{slug}/",
        "/api/v1/public/campaigns/{slug}/progress/",
    ],
)
def test_anonymous_public_pages_are_public_and_revalidated(path):
    _, campaign, _, (ev,) = campaign_with_batch(1)
    url = path.format(slug=campaign.slug, dept=ev.department.slug)

    response = fetch(url)

    control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=0", "must-revalidate"} <= control
    assert "Cookie" in response["Vary"]
    assert response["ETag"] and response["Last-Modified"]
    assert fetch(url)["X-Public-Cache"] == "HIT"


def test_signed_in_pages_are_private():
    staff, campaign, _, _ = campaign_with_batch(1)
    client = Client()
    client.force_login(staff)

    response = fetch(f"/{campaign.slug}/scores/", client)

    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_switched_off_nothing_is_cached(settings):
    settings.PUBLIC_CACHE_ENABLED = False
    _, campaign, _, _ = campaign_with_batch(1)
    fetch(f"/{campaign.slug}/")

    assert "X-Public-Cache" not in fetch(f"/{campaign.slug}/")


def test_with_the_cache_server_down_pages_render_and_writes_go_through(settings, caplog):
    staff, campaign, _, (ev,) = campaign_with_batch(1)
    settings.CACHES = {
        **settings.CACHES,
        "public": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens there
        },
    }
    url = f"/{campaign.slug}/departments/{ev.department.slug}/"

    issue = key_issue_propose(department=ev, title="缓存故障时的问题", actor=staff)
    key_issue_confirm(key_issue=issue, actor=staff)
    response = fetch(url)

    assert "缓存故障时的问题" in response.content.decode()
    assert "X-Public-Cache" not in response
    assert "public cache" in caplog.text


def test_the_refresh_command_makes_every_cached_page_stale():
    from django.core.management import call_command

    _, campaign, _, _ = campaign_with_batch(1)
    for url in ("/", f"/{campaign.slug}/"):
        cached(url)

    call_command("public_cache_refresh")

    for url in ("/", f"/{campaign.slug}/"):
        fresh(url)
