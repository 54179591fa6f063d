"""The pages of the campaign workflow: permissions, scoping, bad input and query counts."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from campaigns import services
from campaigns.models import (
    Ballot,
    Campaign,
    CommitmentStatement,
    EvaluatedDepartment,
    Nomination,
    StagePlan,
    VoteParticipation,
    VoteSession,
)
from campaigns.stages import Stage
from tests.campaigns.voting_helpers import cast, open_vote
from tests.confirming import post_confirmed
from tests.factories import (
    ROLE_FACTORIES,
    BatchFactory,
    CampaignFactory,
    DepartmentFactory,
    EvaluatedDepartmentFactory,
    MemberFactory,
    NominationFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db


def batch_url(batch, name="campaigns-staff:batch"):
    return reverse(name, args=[batch.campaign.slug, batch.number])


def full_batch(n: int):
    """A batch with n candidates voted, published, with statements and stage history."""
    staff, batch, voters, session, cands = open_vote(candidates=n, slots=max(1, n // 2), members=3)
    letters = "".join("ABCDEFGH"[i] for i in range(min(n // 2, 8)))
    cast(session, voters, cands, letters, letters, letters)
    services.vote_close(session=session, actor=staff)
    services.vote_publish(session=session, actor=staff)
    for ev in EvaluatedDepartment.objects.filter(batch=batch):
        services.statement_save(
            evaluated=ev,
            actor=staff,
            speaker="局长",
            date=dt.date(2021, 3, 1),
            text="表态",
            publish=True,
        )
    services.batch_stage_change(batch=batch, target=Stage.SUGGESTIONS, actor=staff, note="开始")
    services.stage_plan_set(
        batch=batch,
        stage=Stage.SUGGESTIONS,
        planned_start=dt.date(2021, 3, 1),
        planned_end=None,
        actor=staff,
    )
    return staff, batch, voters


# ------------------------------------------------------------------------ permissions
@pytest.mark.parametrize("role", [Role.MEMBER, Role.RESEARCHER, Role.LIAISON, Role.DEPUTY])
def test_only_staff_may_open_the_campaign_pages_or_change_anything(client, role):
    staff, batch, voters = open_vote()[:3]
    other = ROLE_FACTORIES[role](
        **({"organizer": staff.organizer} if role in (Role.MEMBER, Role.RESEARCHER) else {})
    )
    client.force_login(other)

    assert client.get(reverse("campaigns-staff:campaigns")).status_code == 403
    assert client.get(batch_url(batch)).status_code == 403
    session = VoteSession.objects.get(batch=batch)
    assert (
        client.post(
            reverse("campaigns-staff:vote-close", args=[batch.campaign.slug, session.pk])
        ).status_code
        == 403
    )
    response = client.post(
        batch_url(batch, "campaigns-staff:batch-stage"), {"target": "suggestions"}
    )
    assert response.status_code == 403

    session.refresh_from_db()
    assert session.state == VoteSession.State.OPEN


def test_staff_of_another_committee_get_404_and_change_nothing(client):
    _, batch, voters, session, cands = open_vote()
    client.force_login(StaffFactory())

    assert client.get(batch_url(batch)).status_code == 404
    assert (
        client.post(
            reverse("campaigns-staff:vote-close", args=[batch.campaign.slug, session.pk])
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("campaigns-staff:vote-turnout", args=[batch.campaign.slug, session.pk])
        ).status_code
        == 404
    )
    session.refresh_from_db()
    assert session.state == VoteSession.State.OPEN


def test_anonymous_visitors_are_sent_to_login(client):
    _, batch, *_ = open_vote()

    response = client.get(batch_url(batch))

    assert response.status_code == 302 and "/accounts/login/" in response.url


# ---------------------------------------------------------------------- staff workflow
def test_staff_nominate_set_slots_and_see_departments_evaluated_recently_flagged(client):
    staff = StaffFactory()
    old = CampaignFactory(organizer=staff.organizer, year=2020)
    campaign = CampaignFactory(organizer=staff.organizer, year=2021)
    batch = BatchFactory(campaign=campaign, number=1)
    police = DepartmentFactory(name="淄博市公安局")
    EvaluatedDepartmentFactory(batch__campaign=old, department=police)
    client.force_login(staff)

    client.post(
        batch_url(batch, "campaigns-staff:nomination-add"),
        {"department": police.pk, "reason": "交通秩序投诉集中"},
    )
    client.post(batch_url(batch, "campaigns-staff:batch-slots"), {"slots": "1"})
    body = client.get(batch_url(batch)).content.decode()

    assert Nomination.objects.get(batch=batch).reason == "交通秩序投诉集中"
    batch.refresh_from_db()
    assert batch.slots == 1
    assert "淄博市公安局" in body and "2020年已评议" in body


def test_bad_input_gives_chinese_messages_and_writes_nothing(client):
    staff = StaffFactory()
    batch = BatchFactory(campaign__organizer=staff.organizer)
    client.force_login(staff)

    r1 = client.post(
        batch_url(batch, "campaigns-staff:nomination-add"), {"department": "x"}, follow=True
    )
    r2 = client.post(batch_url(batch, "campaigns-staff:batch-slots"), {"slots": "0"}, follow=True)
    r3 = client.post(
        batch_url(batch, "campaigns-staff:batch-stage"), {"target": "rectification"}, follow=True
    )
    r4 = client.post(batch_url(batch, "campaigns-staff:vote-open"), {}, follow=True)

    assert "提名理由" in r1.content.decode()
    assert "应选名额" in r2.content.decode()
    assert "不能从“确定评议对象”直接进入“整改落实”" in r3.content.decode()
    assert "请至少选择一名" in r4.content.decode()
    assert not Nomination.objects.exists() and not VoteSession.objects.exists()
    batch.refresh_from_db()
    assert batch.slots is None and batch.stage == Stage.SELECTION


def test_staff_see_turnout_but_never_interim_counts_while_open(client):
    staff, batch, voters, session, cands = open_vote(members=4)
    cast(session, voters, cands, "A", "A")
    client.force_login(staff)

    page = client.get(batch_url(batch)).content.decode()
    fragment = client.get(
        reverse("campaigns-staff:vote-turnout", args=[batch.campaign.slug, session.pk])
    ).content.decode()

    assert "已投票 2 / 4 人" in page and "已投票 2 / 4 人" in fragment
    assert "result-sheet" not in page and '<th class="num">得票</th>' not in page
    assert "得票" not in fragment


def test_staff_close_run_off_and_publish_through_the_pages(client):
    staff, batch, voters, session, cands = open_vote(candidates=4, slots=2, members=5)
    cast(session, voters, cands, "AB", "AC", "AB", "AC", "BC")
    client.force_login(staff)

    slug = batch.campaign.slug
    body = post_confirmed(
        client, reverse("campaigns-staff:vote-close", args=[slug, session.pk]), follow=True
    ).content.decode()
    assert "开启再次投票" in body and "票数相同，需再次投票" in body
    post_confirmed(client, reverse("campaigns-staff:vote-runoff", args=[slug, session.pk]))
    runoff = VoteSession.objects.get(batch=batch, round=2)
    runoff_cands = list(runoff.candidates.order_by("position"))
    cast(runoff, voters, runoff_cands, "B", "B", "B", "A", "")
    post_confirmed(client, reverse("campaigns-staff:vote-close", args=[slug, runoff.pk]))
    post_confirmed(client, reverse("campaigns-staff:vote-publish", args=[slug, runoff.pk]))

    evaluated = EvaluatedDepartment.objects.filter(batch=batch).values_list("department", flat=True)
    assert list(evaluated) == [cands[0].department_id, cands[2].department_id]
    public = client.get(reverse("campaigns:detail", args=[batch.campaign.slug])).content.decode()
    assert cands[2].department.name in public and "第2轮" in public


def test_campaign_created_from_scratch_and_copied_from_last_year(client):
    staff = StaffFactory()
    client.force_login(staff)

    client.post(
        reverse("campaigns-staff:campaign-new"),
        {
            "title": "2021年专项工作评议",
            "year": "2021",
            "slug": "y2021",
            "evaluation_start": "2021-01-01",
            "evaluation_end": "2021-10-31",
            "batch_count": "2",
        },
    )
    first = Campaign.objects.get(slug="y2021")
    batch = first.batches.get(number=2)
    services.batch_slots_set(batch=batch, slots=11, actor=staff)
    NominationFactory(batch=batch)
    StagePlan.objects.create(batch=batch, stage=Stage.SELECTION, planned_start=dt.date(2021, 4, 1))
    client.post(
        reverse("campaigns-staff:campaign-new"),
        {
            "copy_from": first.pk,
            "title": "2022年专项工作评议",
            "year": "2022",
            "slug": "y2022",
            "batch_count": "1",
        },
    )

    copy = Campaign.objects.get(slug="y2022")
    assert copy.organizer == staff.organizer and copy.evaluation_start == dt.date(2022, 1, 1)
    assert list(copy.batches.values_list("number", "slots")) == [(1, None), (2, 11)]
    assert StagePlan.objects.get(batch__campaign=copy).planned_start == dt.date(2022, 4, 1)
    assert not Nomination.objects.filter(batch__campaign=copy).exists()
    duplicate = client.post(
        reverse("campaigns-staff:campaign-new"),
        {
            "title": "重复",
            "year": "2022",
            "slug": "other",
            "evaluation_start": "2022-01-01",
            "evaluation_end": "2022-10-31",
            "batch_count": "1",
        },
    )
    assert "已有2022年度的评议活动" in duplicate.content.decode()


def test_copy_from_is_limited_to_own_committee(client):
    staff = StaffFactory()
    foreign = CampaignFactory()
    client.force_login(staff)

    response = client.post(
        reverse("campaigns-staff:campaign-new"),
        {
            "copy_from": foreign.pk,
            "title": "x",
            "year": "2030",
            "slug": "x2030",
            "batch_count": "1",
        },
    )

    assert response.status_code == 200
    assert not Campaign.objects.filter(slug="x2030").exists()


# ----------------------------------------------------------------------- statements
def test_statement_text_and_pdf_published_on_the_department_page(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    staff = StaffFactory()
    ev = EvaluatedDepartmentFactory(batch__campaign__organizer=staff.organizer)
    client.force_login(staff)
    url = reverse("campaigns-staff:statement", args=[ev.campaign.slug, ev.department.slug])

    client.post(
        url,
        {
            "speaker": "市教育局局长",
            "date": "2021-03-05",
            "text": "虚心接受、照单全收、坚决整改。",
            "file": SimpleUploadedFile("表态发言.pdf", b"%PDF-1.4 test", "application/pdf"),
            "publish": "on",
        },
    )
    client.logout()
    page = client.get(reverse("campaigns:department", args=[ev.campaign.slug, ev.department.slug]))
    pdf = client.get(
        reverse("campaigns:statement-file", args=[ev.campaign.slug, ev.department.slug])
    )

    body = page.content.decode()
    assert "虚心接受、照单全收、坚决整改。" in body and "市教育局局长" in body
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("speech.exe", b"MZ", "只能是 PDF 或 DOCX"),
        ("speech.pdf", b"not a pdf", "不是有效的 PDF"),
        ("speech.docx", b"%PDF-1.4", "不是有效的 DOCX"),
    ],
)
def test_bad_statement_files_are_refused(client, settings, tmp_path, name, content, message):
    settings.MEDIA_ROOT = tmp_path
    staff = StaffFactory()
    ev = EvaluatedDepartmentFactory(batch__campaign__organizer=staff.organizer)
    client.force_login(staff)

    response = client.post(
        reverse("campaigns-staff:statement", args=[ev.campaign.slug, ev.department.slug]),
        {"speaker": "局长", "date": "2021-03-05", "file": SimpleUploadedFile(name, content)},
    )

    assert message in response.content.decode()
    assert not CommitmentStatement.objects.exists()
    assert not list(tmp_path.rglob("*.*"))


def test_unpublished_statement_is_not_public(client):
    staff = StaffFactory()
    ev = EvaluatedDepartmentFactory(batch__campaign__organizer=staff.organizer)
    services.statement_save(
        evaluated=ev, actor=staff, speaker="局长", date=dt.date(2021, 3, 1), text="草稿内容"
    )

    body = client.get(
        reverse("campaigns:department", args=[ev.campaign.slug, ev.department.slug])
    ).content.decode()

    assert "草稿内容" not in body


# -------------------------------------------------------------------------- members
def test_member_sees_the_open_vote_and_votes_once(client):
    _, batch, voters, session, cands = open_vote(candidates=3, slots=2, members=2)
    client.force_login(voters[0])

    workspace = client.get(reverse("accounts:workspace-member")).content.decode()
    assert "去投票" in workspace
    url = reverse("campaigns-staff:ballot", args=[session.pk])
    response = post_confirmed(client, url, {"candidates": [cands[0].pk, cands[1].pk]})
    assert response.status_code == 302
    again = client.post(url, {"candidates": [cands[2].pk], "submit": "1"})

    assert "已投票" in client.get(reverse("accounts:workspace-member")).content.decode()
    assert again.status_code == 400 and "您已投票" in again.content.decode()
    assert VoteParticipation.objects.count() == 1 and Ballot.objects.count() == 1


def test_member_abstains_explicitly_and_empty_submission_is_explained(client):
    _, _, voters, session, cands = open_vote(members=2)
    client.force_login(voters[0])
    url = reverse("campaigns-staff:ballot", args=[session.pk])

    empty = client.post(url, {"submit": "1"})
    too_many = client.post(url, {"candidates": [c.pk for c in cands[:3]], "submit": "1"})
    abstain = post_confirmed(client, url, {"abstain": "1"})

    assert empty.status_code == 400 and "请至少勾选一个" in empty.content.decode()
    assert too_many.status_code == 400 and "最多只能选择2个" in too_many.content.decode()
    assert abstain.status_code == 302
    assert Ballot.objects.count() == 1 and not Ballot.objects.get().choices.exists()


def test_member_not_on_the_roll_is_refused(client):
    _, _, voters, session, cands = open_vote(members=1)
    outsider = MemberFactory(organizer=voters[0].organizer)
    client.force_login(outsider)
    url = reverse("campaigns-staff:ballot", args=[session.pk])

    page = client.get(url)
    post = client.post(url, {"candidates": [cands[0].pk], "submit": "1"})

    assert page.status_code == 403 and "不在本次票决的投票人名单中" in page.content.decode()
    assert post.status_code == 403
    assert not VoteParticipation.objects.exists()


def test_member_of_another_committee_gets_404(client):
    _, _, _, session, _ = open_vote()
    client.force_login(MemberFactory())

    assert client.get(reverse("campaigns-staff:ballot", args=[session.pk])).status_code == 404


# -------------------------------------------------------------------- query counts
# Measured: the same counts for 4, 16 and 40 departments (session and user lookups included).
@pytest.mark.parametrize("n", [4, 16])
def test_every_page_renders_in_a_bounded_number_of_queries(
    client, django_assert_max_num_queries, n
):
    staff, batch, voters = full_batch(n)
    campaign = batch.campaign
    ev = EvaluatedDepartment.objects.filter(batch=batch).select_related("department").first()
    _, open_batch, open_voters, open_session, _ = open_vote(candidates=n, members=n)
    client.force_login(staff)

    pages = [
        (reverse("campaigns-staff:campaigns"), 6),
        (reverse("campaigns-staff:campaign-new"), 4),
        (reverse("campaigns-staff:campaign", args=[campaign.slug]), 6),
        (batch_url(batch), 13),
        (reverse("campaigns-staff:statement", args=[campaign.slug, ev.department.slug]), 4),
    ]
    for url, limit in pages:
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200, url
    open_staff = StaffFactory(organizer=open_batch.campaign.organizer)
    client.force_login(open_staff)
    for url, limit in [
        (batch_url(open_batch), 13),
        (
            reverse(
                "campaigns-staff:vote-turnout", args=[open_batch.campaign.slug, open_session.pk]
            ),
            4,
        ),
    ]:
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200, url
    client.force_login(open_voters[0])
    for url, limit in [
        # 7 for the workspace and its open votes, 1 for open scoring sessions (scoring app),
        # 1 for the inbox's count of sessions still to score.
        (reverse("accounts:workspace-member"), 9),
        (reverse("campaigns-staff:ballot", args=[open_session.pk]), 6),
    ]:
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200, url
    client.logout()
    for url, limit in [
        (reverse("home"), 3),
        # 7 for the campaign page, 1 for the scoring links (open public votes, scores).
        (reverse("campaigns:detail", args=[campaign.slug]), 8),
        # 1 for the page, up to 4 for key issues (issues app), 2 for the hotline figures
        # (aggregates), 1 for the published scores, 2 for the stage stepper (plans,
        # transitions): fixed, whatever the data volume.
        (reverse("campaigns:department", args=[campaign.slug, ev.department.slug]), 10),
    ]:
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200, url


def test_admin_pages_of_the_campaign_models_open(client):
    staff, batch, voters = full_batch(4)
    session = VoteSession.objects.get(batch=batch)
    client.force_login(ROLE_FACTORIES[Role.ADMIN]())

    for url in [
        reverse("admin:campaigns_batch_change", args=[batch.pk]),
        reverse("admin:campaigns_votesession_change", args=[session.pk]),
        reverse("admin:campaigns_commitmentstatement_changelist"),
    ]:
        assert client.get(url).status_code == 200, url


def test_staff_may_open_an_unpublished_statement_file_the_public_may_not(
    client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    staff = StaffFactory()
    ev = EvaluatedDepartmentFactory(batch__campaign__organizer=staff.organizer)
    services.statement_save(
        evaluated=ev,
        actor=staff,
        speaker="局长",
        date=dt.date(2021, 3, 1),
        upload=SimpleUploadedFile("发言.docx", b"PK\x03\x04docx"),
    )
    url = reverse("campaigns:statement-file", args=[ev.campaign.slug, ev.department.slug])

    assert client.get(url).status_code == 404
    client.force_login(StaffFactory())
    assert client.get(url).status_code == 404
    client.force_login(staff)
    assert client.get(url).status_code == 200


def test_staff_save_the_committee_decision_shown_on_the_public_page(client):
    staff = StaffFactory()
    campaign = CampaignFactory(organizer=staff.organizer)
    client.force_login(staff)

    client.post(
        reverse("campaigns-staff:campaign", args=[campaign.slug]),
        {
            "title": campaign.title,
            "evaluation_start": "2021-01-01",
            "evaluation_end": "2020-01-01",
            "decision_text": "决定内容",
        },
    )
    campaign.refresh_from_db()
    assert campaign.decision_text == ""  # refused: the window ends before it starts
    client.post(
        reverse("campaigns-staff:campaign", args=[campaign.slug]),
        {
            "title": campaign.title,
            "evaluation_start": "2021-01-01",
            "evaluation_end": "2021-10-31",
            "decision_text": "常委会决定：开展2021年专项工作评议。",
        },
    )

    public = client.get(reverse("campaigns:detail", args=[campaign.slug])).content.decode()
    assert "常委会决定：开展2021年专项工作评议。" in public
