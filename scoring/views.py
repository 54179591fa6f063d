"""HTTP for scoring: staff pages, the research and committee entry pages, the survey and
public vote pages, and the public scores page. Parse, check permission, call a service."""

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from accounts.models import Role
from accounts.permissions import WORKSPACE_ROLES, role_required
from campaigns.forms import ClosesAtForm
from campaigns.models import Batch, Campaign, EvaluatedDepartment
from campaigns.selectors import campaign_for_user, public_batch_window, public_campaign
from campaigns.stages import Stage
from core.confirm import Review, confirmed, review_response
from core.malformed import uuid_or_none, whole_number
from core.messages import validation_error_flash as _errors
from core.publiccache import public_page

from . import selectors
from .export import workbook_bytes
from .formulas import Component, Quorum, Rating, SurveyGroup
from .models import CommitteeSession, PublicVote, PublicVoter, ScoreSheet, Survey, SurveyRespondent
from .services import committee, public_vote, research, sheets, surveys
from .services.config import (
    CONFIG_FIELDS,
    WEIGHT_FIELDS,
    config_copy_last_year,
    config_get,
    config_update,
)
from .services.corrections import is_published

STAFF = WORKSPACE_ROLES["staff"]
RATINGS = [(r.value, r.label) for r in Rating]
RESEARCH_FIELDS = ("score", "justification")


def _manage(slug: str) -> str:
    return reverse("scoring:manage", args=[slug])


def _batch(campaign: Campaign, number: int) -> Batch:
    return get_object_or_404(Batch, campaign=campaign, number=number)


def _client_ip(request: HttpRequest) -> str:
    # Behind a proxy, configure it to set REMOTE_ADDR (gunicorn forwarded_allow_ips).
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104 - a value, not a bind


# --- staff ------------------------------------------------------------------------------------
@role_required(*STAFF)
def manage(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_for_user(user=request.user, slug=slug)
    config = config_get(campaign=campaign)
    batches = list(selectors.batches_with_inputs(campaign=campaign))
    votes = {
        v.batch_id: v
        for v in PublicVote.objects.filter(campaign=campaign).annotate(n=Count("voters"))
    }
    # ?research=missing: only the departments the staff inbox counts as lacking a score.
    missing_only = request.GET.get("research") == "missing"
    for batch in batches:
        batch.vote = votes.get(batch.id)
        batch.session = next(iter(batch.committee_sessions.all()), None)
        if batch.session and batch.session.is_open:
            batch.turnout = committee.session_turnout(session=batch.session)
        batch.shown_evaluated = [
            ev for ev in batch.evaluated.all() if not missing_only or selectors.research_missing(ev)
        ]
    return render(
        request,
        "scoring/manage.html",
        {
            "campaign": campaign,
            "config": config,
            "weights": [
                (c.label, f"{Decimal(getattr(config, WEIGHT_FIELDS[c])).normalize():f}")
                for c in Component
            ],
            "batches": batches,
            "surveys": selectors.surveys_of(campaign=campaign),
            "sheets": selectors.sheets_of(campaign=campaign),
            "events": selectors.events_of(campaign=campaign),
            "groups": [(g.value, g.label) for g in SurveyGroup],
            "published": selectors.published_sheet(campaign=campaign) is not None,
            "missing_only": missing_only,
            "missing_count": sum(len(b.shown_evaluated) for b in batches) if missing_only else 0,
            # ?inputs=incomplete: the departments the staff inbox counts as lacking an input.
            "incomplete": (
                [
                    {
                        "evaluated": row.evaluated,
                        "missing": [(c.label, reason) for c, reason in row.missing.items()],
                    }
                    for row in selectors.incomplete_inputs(campaign_ids=[campaign.id])
                ]
                if request.GET.get("inputs") == "incomplete"
                else None
            ),
        },
    )


@role_required(*STAFF)
def settings_edit(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_for_user(user=request.user, slug=slug)
    config = config_get(campaign=campaign)
    if request.method == "POST":
        if "copy" in request.POST:
            try:
                config_copy_last_year(campaign=campaign, actor=request.user)
                messages.success(request, "已复制上年评分设置")
            except ValidationError as exc:
                _errors(request, exc)
            return redirect("scoring:settings", slug)
        values = {f: request.POST.get(f, "").strip() for f in CONFIG_FIELDS}
        values["committee_named"] = bool(request.POST.get("committee_named"))
        values["committee_quorum"] = values["committee_quorum"] or config.committee_quorum
        values["survey_group_weights"] = {
            g.value: request.POST.get(f"group_{g.value}", "1").strip() or "1" for g in SurveyGroup
        }
        try:
            config_update(campaign=campaign, actor=request.user, **values)
            messages.success(request, "评分设置已保存")
            return redirect("scoring:manage", slug)
        except ValidationError as exc:
            _errors(request, exc)
            for name, value in values.items():
                setattr(config, name, value)
    group_weights = config.survey_group_weights or {}
    return render(
        request,
        "scoring/settings.html",
        {
            "campaign": campaign,
            "config": config,
            "groups": [(g.value, g.label, group_weights.get(g.value, "1")) for g in SurveyGroup],
            "quorum_choices": [(q.value, q.label) for q in Quorum],
        },
    )


def _staff_act(request: HttpRequest, *, action: str, payload: dict, review, back: str, check=None):
    """The review page of an irreversible staff act, or None once it is confirmed. `check`
    (the service's own read-only precondition) runs first, so an act the service would
    refuse (a missing reason) is refused before the review, not after the confirmation.
    `review` builds the page's Review only when it is shown."""
    if check is not None:
        try:
            check()
        except ValidationError as exc:
            _errors(request, exc)
            return redirect(back)
    if confirmed(request, action=action, payload=payload):
        return None
    return review_response(request, action=action, payload=payload, review=review())


def _reason_row(reason: str) -> list[tuple[str, str]]:
    return [("理由", reason)] if reason else []


@require_POST
@role_required(*STAFF)
def session_toggle(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    campaign = campaign_for_user(user=request.user, slug=slug)
    batch = _batch(campaign, number)
    opening = request.POST.get("action") == "open"
    reason = request.POST.get("reason", "").strip()
    session = None
    closes_at = None
    if not opening:
        session = get_object_or_404(CommitteeSession, batch=batch, closed_at__isnull=True)
    payload = {"batch": batch.pk, "open": opening, "reason": reason}
    if opening:
        when = ClosesAtForm(request.POST)
        if not when.is_valid():
            _errors(request, ValidationError(when.errors["closes_at"]))
            return redirect(_manage(slug))
        closes_at = when.cleaned_data["closes_at"]
        payload["closes_at"] = when.closes_at_value()
    if session is not None:
        payload["session"] = session.pk

    def review() -> Review:
        if session is not None:
            turnout = committee.session_turnout(session=session)
            return Review(
                title=f"结束{batch.name}电子表决测评",
                lead="结束后委员不能再评分，本轮评分计入测评结果；结束不能撤回。",
                rows=[("已评分", f"{turnout['submitted']} / {turnout['members']} 人")],
                fields=[("action", "close")],
                confirm_label="确认结束测评",
                back_url=_manage(slug),
                back_label="返回，不执行",
            )
        return Review(
            title=f"开始{batch.name}电子表决测评",
            lead="开始时确定本轮的委员名单（法定人数以此计算）；评分提交后不能修改。",
            rows=_reason_row(reason)
            + [
                (
                    "计划截止时间",
                    f"{timezone.localtime(closes_at):%Y-%m-%d %H:%M}" if closes_at else "未设定",
                )
            ],
            warnings=(
                ["评议结果已公布：再次测评是一次更正，新版本须另行发布并说明理由。"]
                if is_published(campaign=campaign)
                else []
            ),
            fields=[("action", "open"), ("reason", reason), ("closes_at", payload["closes_at"])],
            confirm_label="确认开始测评",
            back_url=_manage(slug),
            back_label="返回，不执行",
        )

    pending = _staff_act(
        request,
        action="scoring.session",
        payload=payload,
        review=review,
        back=_manage(slug),
        check=(lambda: committee.session_open_check(batch=batch, reason=reason))
        if opening
        else None,
    )
    if pending is not None:
        return pending
    try:
        if opening:
            committee.session_open(
                batch=batch, actor=request.user, reason=reason, closes_at=closes_at
            )
            messages.success(request, f"{batch.name}电子表决测评已开始")
        else:
            assert session is not None
            committee.session_close(session=session, actor=request.user)
            messages.success(request, f"{batch.name}电子表决测评已结束")
    except ValidationError as exc:
        _errors(request, exc)
    return redirect(_manage(slug))


@require_POST
@role_required(*STAFF)
def session_void(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = campaign_for_user(user=request.user, slug=slug)
    session = get_object_or_404(CommitteeSession, pk=pk, batch__campaign=campaign)
    reason = request.POST.get("reason", "").strip()
    payload = {"session": session.pk, "reason": reason}

    def review() -> Review:
        return Review(
            title=f"作废{session.batch.name}该轮电子表决测评",
            lead="作废后本轮的评分不再计入测评结果（选票保留，不能恢复计入）；作废不能撤回。",
            rows=_reason_row(reason),
            fields=[("reason", reason)],
            confirm_label="确认作废本轮",
            back_url=_manage(slug),
            back_label="返回，不执行",
        )

    pending = _staff_act(
        request,
        action="scoring.session-void",
        payload=payload,
        review=review,
        back=_manage(slug),
        check=lambda: committee.session_void_check(reason=reason),
    )
    if pending is not None:
        return pending
    try:
        committee.session_void(session=session, reason=reason, actor=request.user)
        messages.success(request, f"{session.batch.name}该轮电子表决测评已作废")
    except ValidationError as exc:
        _errors(request, exc)
    return redirect(_manage(slug))


@role_required(*STAFF)
def session_turnout(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Live turnout of an open session (polled by htmx): counts only, never scores."""
    campaign = campaign_for_user(user=request.user, slug=slug)
    session = get_object_or_404(CommitteeSession, pk=pk, batch__campaign=campaign)
    return render(
        request,
        "scoring/_turnout.html",
        {
            "campaign": campaign,
            "session": session,
            "turnout": committee.session_turnout(session=session),
        },
    )


@role_required(*STAFF)
def survey_rates(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Live response rate per group (polled by htmx)."""
    campaign = campaign_for_user(user=request.user, slug=slug)
    survey = get_object_or_404(Survey, pk=pk, batch__campaign=campaign)
    return render(
        request,
        "scoring/_rates.html",
        {
            "campaign": campaign,
            "survey": survey,
            "rates": selectors.survey_response_rates(survey=survey),
        },
    )


@require_POST
@role_required(*STAFF)
def vote_toggle(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    campaign = campaign_for_user(user=request.user, slug=slug)
    batch = _batch(campaign, number)
    is_open = request.POST.get("action") == "open"
    reason = request.POST.get("reason", "").strip()
    payload = {"batch": batch.pk, "open": is_open, "reason": reason}

    def review() -> Review:
        return Review(
            title=f"{'开始' if is_open else '结束'}{batch.name}网上社会投票",
            lead=(
                "开始后公众可以凭手机验证码投票，每人一票，投出后不能修改。"
                if is_open
                else "结束后不能再投票；选票随即打乱重写，与投票人再无关联。结束不能撤回。"
            ),
            rows=_reason_row(reason),
            fields=[("action", "open" if is_open else "close"), ("reason", reason)],
            confirm_label=f"确认{'开始' if is_open else '结束'}投票",
            back_url=_manage(slug),
            back_label="返回，不执行",
        )

    pending = _staff_act(
        request,
        action="scoring.public-vote",
        payload=payload,
        review=review,
        back=_manage(slug),
        check=lambda: public_vote.vote_open_check(batch=batch, is_open=is_open, reason=reason),
    )
    if pending is not None:
        return pending
    try:
        public_vote.vote_set_open(batch=batch, is_open=is_open, actor=request.user, reason=reason)
        messages.success(request, f"{batch.name}网上社会投票已{'开始' if is_open else '结束'}")
    except ValidationError as exc:
        _errors(request, exc)
    return redirect(_manage(slug))


@role_required(*STAFF)
def vote_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    campaign = campaign_for_user(user=request.user, slug=slug)
    vote = get_object_or_404(PublicVote, batch=_batch(campaign, number))
    if request.method == "POST":
        voter_id = uuid_or_none(request.POST.get("voter"))  # None finds no voter: a 404
        voter = get_object_or_404(PublicVoter, vote=vote, pk=voter_id)
        reason = request.POST.get("reason", "").strip()
        pending = _staff_act(
            request,
            check=lambda: public_vote.voter_void_check(reason=reason),
            action="scoring.voter-void",
            payload={"voter": str(voter.pk), "reason": reason},
            back=reverse("scoring:vote", args=[slug, number]),
            review=lambda: Review(
                title="作废一张网上投票选票",
                lead="作废后这张选票不再计入网上社会投票得分；作废不能撤回。",
                rows=[
                    ("投票时间", f"{timezone.localtime(voter.voted_at):%Y-%m-%d %H:%M}"),
                    ("网络", voter.client_network),
                    *_reason_row(reason),
                ],
                fields=[("voter", str(voter.pk)), ("reason", reason)],
                confirm_label="确认作废",
                back_url=reverse("scoring:vote", args=[slug, number]),
                back_label="返回，不执行",
            ),
        )
        if pending is not None:
            return pending
        try:
            public_vote.voter_void(voter=voter, reason=reason, actor=request.user)
            messages.success(request, "已作废该选票")
        except ValidationError as exc:
            _errors(request, exc)
        return redirect("scoring:vote", slug, number)
    anomalies = public_vote.vote_anomalies(vote=vote)
    network = request.GET.get("network", "")
    voters = PublicVoter.objects.filter(vote=vote).order_by("-voted_at")
    if network:
        voters = voters.filter(client_network=network)
    return render(
        request,
        "scoring/vote_detail.html",
        {
            "campaign": campaign,
            "vote": vote,
            "totals": selectors.public_vote_totals(vote=vote),
            "anomalies": anomalies,
            "network": network,
            "voters": voters[:100],
        },
    )


@require_POST
@role_required(*STAFF)
def survey_new(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    campaign = campaign_for_user(user=request.user, slug=slug)
    try:
        survey = surveys.survey_create(
            batch=_batch(campaign, number),
            title=request.POST.get("title", ""),
            actor=request.user,
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        _errors(request, exc)
        return redirect(_manage(slug))
    return redirect("scoring:survey", slug, survey.pk)


@role_required(*STAFF)
def survey_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = campaign_for_user(user=request.user, slug=slug)
    survey = get_object_or_404(
        Survey.objects.select_related("batch"), pk=pk, batch__campaign=campaign
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add":
                count = int(request.POST.get("count") or 0)
                surveys.respondents_add(
                    survey=survey,
                    group=request.POST.get("group", ""),
                    count=count,
                    label=request.POST.get("label", ""),
                    actor=request.user,
                )
                messages.success(request, f"已增加 {count} 份邀请")
            elif action == "deputies":
                n = surveys.deputies_invite(survey=survey, actor=request.user)
                messages.success(request, f"已邀请 {n} 位人大代表（从代表工作台作答）")
            elif action in ("open", "close"):
                surveys.survey_set_open(
                    survey=survey,
                    is_open=action == "open",
                    actor=request.user,
                    reason=request.POST.get("reason", ""),
                )
        except (ValidationError, ValueError) as exc:
            _errors(
                request, exc if isinstance(exc, ValidationError) else ValidationError("份数无效")
            )
        return redirect("scoring:survey", slug, pk)
    return render(
        request,
        "scoring/survey_detail.html",
        {
            "campaign": campaign,
            "survey": survey,
            "rates": selectors.survey_response_rates(survey=survey),
            "groups": [(g.value, g.label) for g in SurveyGroup],
        },
    )


@role_required(*STAFF)
def survey_invitations(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Printable invitation sheet: one card per unanswered link respondent, with a QR code."""
    import segno

    campaign = campaign_for_user(user=request.user, slug=slug)
    survey = get_object_or_404(Survey, pk=pk, batch__campaign=campaign)
    respondents = survey.respondents.filter(user=None, participation__isnull=True)
    group = request.GET.get("group")
    if group:
        respondents = respondents.filter(group=group)
    cards = []
    for respondent in respondents[:500]:
        url = request.build_absolute_uri(reverse("scoring:answer", args=[respondent.token]))
        qr = segno.make(url, error="m").svg_inline(scale=3, omitsize=False)
        cards.append({"respondent": respondent, "url": url, "qr": qr})
    return render(
        request,
        "scoring/invitations.html",
        {"campaign": campaign, "survey": survey, "cards": cards},
    )


@require_POST
@role_required(*STAFF)
def sheet_recompute(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_for_user(user=request.user, slug=slug)
    try:
        sheet = sheets.sheet_recompute(campaign=campaign, actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect(_manage(slug))
    messages.success(request, f"已计算成绩表第 {sheet.version} 版")
    return redirect("scoring:sheet", slug, sheet.version)


@role_required(*STAFF)
def sheet_detail(request: HttpRequest, slug: str, version: int) -> HttpResponse:
    campaign = campaign_for_user(user=request.user, slug=slug)
    sheet = get_object_or_404(ScoreSheet, campaign=campaign, version=version)
    previous = campaign.score_sheets.filter(version__lt=version).order_by("-version").first()
    return render(
        request,
        "scoring/sheet_detail.html",
        {
            "campaign": campaign,
            "sheet": sheet,
            "rows": selectors.sheet_rows(sheet=sheet),
            "incomplete": sheets.incomplete_rows(sheet),
            "previous": previous,
            "diff": selectors.sheet_diff(old=previous, new=sheet) if previous else None,
            "is_latest": not campaign.score_sheets.filter(version__gt=version).exists(),
            "published": selectors.published_sheet(campaign=campaign) is not None,
        },
    )


@role_required(*STAFF)
def sheet_publish(request: HttpRequest, slug: str, version: int) -> HttpResponse:
    """Review then publish: GET shows exactly the numbers that go public and what differs
    from the last published version; the POST (with 更正理由 for a correction, and the
    reviewed version's fingerprint) publishes. The server checks everything again."""
    campaign = campaign_for_user(user=request.user, slug=slug)
    sheet = get_object_or_404(ScoreSheet, campaign=campaign, version=version)
    previous = sheets.last_published(campaign=campaign)
    reason = ""
    if request.method == "POST":
        reason = request.POST.get("reason", "")
        try:
            if request.POST.get("reviewed") != sheet.inputs_digest:
                raise ValidationError("请先核对要公布的成绩，再确认公布")
            sheets.sheet_publish(sheet=sheet, actor=request.user, reason=reason)
            messages.success(
                request,
                f"更正版本第 {version} 版已发布" if previous else f"成绩表第 {version} 版已公布",
            )
            return redirect("scoring:sheet", slug, version)
        except ValidationError as exc:
            _errors(request, exc)
    is_latest = not campaign.score_sheets.filter(version__gt=version).exists()
    return render(
        request,
        "scoring/publish_review.html",
        {
            "campaign": campaign,
            "sheet": sheet,
            "rows": selectors.sheet_rows(sheet=sheet),
            "components": [{"label": c.label, "weight": _weight(sheet, c)} for c in Component],
            "previous": previous,
            "diff": selectors.sheet_diff(old=previous, new=sheet) if previous else None,
            "incomplete": sheets.incomplete_rows(sheet),
            "can_publish": is_latest and not sheet.is_published and sheet.complete,
            "reason": reason,
        },
    )


@role_required(*STAFF)
def sheet_export(request: HttpRequest, slug: str, version: int) -> HttpResponse:
    campaign = campaign_for_user(user=request.user, slug=slug)
    sheet = get_object_or_404(ScoreSheet, campaign=campaign, version=version)
    response = HttpResponse(
        workbook_bytes(sheet),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="scores-{slug}-v{version}.xlsx"'
    return response


# --- research group ---------------------------------------------------------------------------
@role_required(Role.RESEARCHER)
def research_entry(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_for_user(user=request.user, slug=slug)
    failed = None
    if request.method == "POST":
        evaluated = get_object_or_404(
            EvaluatedDepartment.objects.select_related("department", "campaign"),
            campaign=campaign,
            pk=whole_number(request.POST.get("evaluated")) or 0,
        )
        score = request.POST.get("score", "")
        justification = request.POST.get("justification", "")
        try:
            research.research_score_set(
                evaluated=evaluated, score=score, justification=justification, actor=request.user
            )
            messages.success(request, f"已保存{evaluated.department.name}的调研评分")
            return redirect("scoring:research", slug)
        except ValidationError as exc:
            # The page again (400) with this department's row as typed and its summary
            # naming the department and each field; the other rows are as stored (issue 19).
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
            failed = (evaluated.pk, score, justification, errors)
    batches = list(selectors.batches_with_inputs(campaign=campaign))
    # ?missing=1: only the departments still waiting for a score (the researcher's inbox).
    missing_only = request.GET.get("missing") == "1" and failed is None
    for batch in batches:
        batch.shown_evaluated = [
            ev for ev in batch.evaluated.all() if not missing_only or selectors.research_missing(ev)
        ]
        for ev in batch.shown_evaluated:
            ev.typed = ev.errors = ev.problems = None
            if failed and ev.pk == failed[0]:
                _, score, justification, errors = failed
                ev.typed, ev.errors = {"score": score, "justification": justification}, errors
                ev.problems = [
                    {
                        "href": f"#{name}_{ev.pk}" if name in RESEARCH_FIELDS else "",
                        "text": f"{ev.department.name}：{message}",
                    }
                    for name, messages_ in errors.items()
                    for message in messages_
                ]
    if missing_only:
        batches = [b for b in batches if b.shown_evaluated]
    return render(
        request,
        "scoring/research.html",
        {"campaign": campaign, "batches": batches, "missing_only": missing_only},
        status=400 if failed else 200,
    )


# --- committee member -------------------------------------------------------------------------
@role_required(Role.MEMBER)
def committee_ballot(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(
        CommitteeSession.objects.select_related("batch__campaign"),
        pk=pk,
        batch__campaign__organizer_id=request.user.organizer_id,
    )
    evaluated = list(
        EvaluatedDepartment.objects.filter(batch=session.batch).select_related("department")
    )
    submitted = session.participations.filter(member=request.user).exists()
    values: dict = {}
    problems: dict = {}
    refused: list[str] = []
    if request.method == "POST" and not submitted:
        values = {ev.id: request.POST.get(f"score_{ev.id}", "").strip() for ev in evaluated}
        # Every score is checked before the review: each bad one is marked at its field and
        # named (with its department) in the error summary.
        problems = committee.committee_ballot_problems(evaluated=evaluated, scores=values)
    if request.method == "POST" and not submitted and not problems:
        try:
            # A score ballot cannot be changed once submitted: the member reviews the
            # scores as entered; only the confirmed second POST writes (core.confirm).
            payload = {"session": session.pk, "scores": {str(k): v for k, v in values.items()}}
            if session.is_open and not confirmed(
                request, action="committee.ballot", payload=payload
            ):
                return review_response(
                    request,
                    action="committee.ballot",
                    payload=payload,
                    review=Review(
                        title="请核对您的测评票",
                        lead=f"{session.batch.name}：以下为您填写的分数（0–100）。",
                        rows=[(ev.department.name, values[ev.id]) for ev in evaluated],
                        warnings=["测评票提交后不能修改。"],
                        fields=[(f"score_{ev.id}", values[ev.id]) for ev in evaluated],
                        confirm_label="确认提交测评票",
                        back_url=request.path,
                    ),
                )
            committee.committee_ballot_submit(session=session, member=request.user, scores=values)
            messages.success(request, "测评票已提交，谢谢！")
            return redirect("scoring:ballot", pk)
        except ValidationError as exc:
            # Closed or submitted meanwhile: said in the error summary, the scores kept.
            refused = exc.messages
    for ev in evaluated:
        ev.value = values.get(ev.id, "")
        ev.problem = problems.get(ev.id, "")
    return render(
        request,
        "scoring/ballot.html",
        {
            "session": session,
            "evaluated": evaluated,
            "submitted": submitted or session.participations.filter(member=request.user).exists(),
            "turnout": committee.session_turnout(session=session),
            "problems": [
                {"href": f"#score_{ev.pk}", "text": ev.problem} for ev in evaluated if ev.problem
            ]
            + [{"href": "", "text": message} for message in refused],
        },
        status=400 if problems or refused else 200,
    )


# --- survey respondents (one-time link) -------------------------------------------------------
def survey_answer(request: HttpRequest, token: str) -> HttpResponse:
    respondent = get_object_or_404(
        SurveyRespondent.objects.select_related("survey__batch__campaign"), token=token
    )
    if respondent.user_id and respondent.user_id != request.user.pk:
        raise Http404("该链接只能由受邀代表本人使用")
    survey = respondent.survey
    window = public_batch_window(
        batch_id=survey.batch_id, stage=Stage.EVALUATION, today=timezone.localdate()
    )
    if not window.is_open:
        return _closed(request, survey.batch.campaign, window, action="问卷调查")
    evaluated = list(
        EvaluatedDepartment.objects.filter(batch=survey.batch).select_related("department")
    )
    answered = hasattr(respondent, "participation")
    problems: list[dict] = []
    if request.method == "POST" and not answered:
        answers = {
            ev.id: (
                request.POST.get(f"rating_{ev.id}", ""),
                request.POST.get(f"comment_{ev.id}", ""),
            )
            for ev in evaluated
        }
        # Each unanswered question is named (number and department) in the error summary
        # and marked at its group of radios, before the service is asked (issue 19).
        valid = {value for value, _ in RATINGS}
        for number, ev in enumerate(evaluated, start=1):
            ev.rating, ev.comment = answers[ev.id]
            ev.problem = (
                f"请回答第{number}题：{ev.department.name}"
                if not ev.rating
                else f"第{number}题（{ev.department.name}）：评价只能是满意、基本满意或不满意"
                if ev.rating not in valid
                else ""
            )
            if ev.problem:
                problems.append({"href": f"#rating_{ev.pk}_0", "text": ev.problem})
        if not problems:
            try:
                surveys.survey_answer_submit(respondent=respondent, answers=answers)
                return render(request, "scoring/answer_done.html", {"survey": survey})
            except ValidationError as exc:
                # Closed meanwhile, answered in another tab: no field to point at.
                problems = [{"href": "", "text": message} for message in exc.messages]
    return render(
        request,
        "scoring/answer.html",
        {
            "survey": survey,
            "respondent": respondent,
            "evaluated": evaluated,
            "answered": answered,
            "ratings": RATINGS,
            "problems": problems,
        },
        status=400 if problems else 200,
    )


# --- public -----------------------------------------------------------------------------------
def _closed(request: HttpRequest, campaign, window, *, action: str) -> HttpResponse:
    """Outside the evaluation stage: when the survey or vote was or will be open; a POST is
    refused (403) so no answer or ballot is taken outside the window."""
    return render(
        request,
        "campaigns/public_closed.html",
        {"campaign": campaign, "window": window, "action": action},
        status=403 if request.method == "POST" else 200,
    )


def public_vote_page(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    campaign = public_campaign(slug=slug)
    vote = get_object_or_404(
        PublicVote.objects.select_related("batch"), campaign=campaign, batch__number=number
    )
    evaluated = list(
        EvaluatedDepartment.objects.filter(batch=vote.batch).select_related("department")
    )
    window = public_batch_window(
        batch_id=vote.batch_id, stage=Stage.EVALUATION, today=timezone.localdate()
    )
    if not window.is_open:
        return _closed(request, campaign, window, action=f"{vote.batch.name}网上社会投票")
    context = {"campaign": campaign, "vote": vote, "evaluated": evaluated, "ratings": RATINGS}
    if not vote.is_open:
        return render(request, "scoring/vote.html", {**context, "step": "closed"})
    if request.method != "POST":
        return render(request, "scoring/vote.html", {**context, "step": "phone"})
    # Every POST (code requests and ballots) counts per client address, on top of the
    # per-phone and per-code limits of the service: it caps guessing and scripted floods.
    if any(
        is_ratelimited(request, group=f"public-vote:{rate}", key="ip", rate=rate, increment=True)
        for rate in settings.PUBLIC_VOTE_POST_RATE_LIMITS
    ):
        return render(request, "issues/rate_limited.html", status=429)
    phone = request.POST.get("phone", "")
    if request.POST.get("action") == "code":
        try:
            public_vote.code_request(vote=vote, phone=phone, client_ip=_client_ip(request))
            messages.success(request, "验证码已发送，10 分钟内有效")
        except ValidationError as exc:
            # Named in the error summary and at the phone field when it is about the number.
            return render(
                request,
                "scoring/vote.html",
                {**context, "step": "phone", "phone": phone, **_vote_problems(exc, "phone")},
                status=400,
            )
        return render(request, "scoring/vote.html", {**context, "step": "ballot", "phone": phone})
    ratings = {ev.id: request.POST.get(f"rating_{ev.id}", "") for ev in evaluated}
    # What is missing is named per field (the code, each department) in the error summary,
    # before the code is checked (issue 19).
    problems = [] if request.POST.get("code", "").strip() else [("code", "请输入短信验证码")]
    problems += [
        (f"rating_{ev.pk}_0", f"请对{ev.department.name}作出评价")
        for ev in evaluated
        if not ratings[ev.id]
    ]
    if problems:
        for ev in evaluated:
            ev.rating = ratings[ev.id]
            ev.problem = next((t for i, t in problems if i == f"rating_{ev.pk}_0"), "")
        return render(
            request,
            "scoring/vote.html",
            {
                **context,
                "step": "ballot",
                "phone": phone,
                "problems": [{"href": f"#{i}", "text": t} for i, t in problems],
                "code_problem": problems[0][1] if problems[0][0] == "code" else "",
            },
            status=400,
        )
    try:
        public_vote.public_ballot_submit(
            vote=vote,
            phone=phone,
            code=request.POST.get("code", ""),
            ratings=ratings,
            client_ip=_client_ip(request),
        )
    except ValidationError as exc:
        # A wrong, spent or expired code is named at the code field; the ratings are kept.
        for ev in evaluated:
            ev.rating = ratings[ev.id]
        return render(
            request,
            "scoring/vote.html",
            {**context, "step": "ballot", "phone": phone, **_vote_problems(exc, "code")},
            status=400,
        )
    return render(request, "scoring/vote.html", {**context, "step": "done"})


def _vote_problems(exc: ValidationError, field: str) -> dict:
    """A refusal of the public vote's service as the page's error summary: the messages that
    name `field` (the phone number or the code, whose control has that id) link to it and
    mark it invalid; any other is listed without a link (issue 19)."""
    named = exc.message_dict.get(field, []) if hasattr(exc, "error_dict") else []
    others = [m for m in exc.messages if m not in named]
    return {
        "problems": [{"href": f"#{field}", "text": m} for m in named]
        + [{"href": "", "text": m} for m in others],
        f"{field}_problem": "；".join(named),
    }


def _weight(sheet: ScoreSheet | None, component: Component) -> str:
    weight = sheet.weight(component) if sheet is not None else None
    return "" if weight is None else f"{weight:f}"


@public_page
def public_scores(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = public_campaign(slug=slug)
    versions = selectors.published_versions(campaign=campaign)
    return _public_scores(request, campaign, versions[0] if versions else None, versions)


@public_page
def public_scores_version(request: HttpRequest, slug: str, version: int) -> HttpResponse:
    """An earlier (or the current) published version, still readable at its own address."""
    campaign = public_campaign(slug=slug)
    sheet = (
        campaign.score_sheets.filter(version=version, published_at__isnull=False)
        .select_related("published_by", "corrects")
        .first()
    )
    if sheet is None:
        raise Http404("没有该版本的评议结果")
    return _public_scores(request, campaign, sheet, selectors.published_versions(campaign=campaign))


def _public_scores(request: HttpRequest, campaign: Campaign, sheet, versions) -> HttpResponse:
    rows = list(selectors.sheet_rows(sheet=sheet)) if sheet else []
    chart = {
        "names": [r.evaluated.department.short_name or r.department_name for r in rows],
        "scores": [str(r.composite) for r in rows],
    }
    return render(
        request,
        "scoring/public_scores.html",
        {
            "campaign": campaign,
            "sheet": sheet,
            "rows": rows,
            "chart": chart,
            "components": [{"label": c.label, "weight": _weight(sheet, c)} for c in Component],
            "versions": versions,
            "current": versions[0] if versions else None,
            "note": selectors.correction_note(sheet=sheet) if sheet else None,
        },
    )


@role_required(Role.STAFF, Role.ADMIN)
def hotline_comparison(request: HttpRequest, slug: str) -> HttpResponse:
    """The 12345 figures of every evaluated department side by side, with the hotline
    component as this campaign's settings compute it."""
    campaign = campaign_for_user(user=request.user, slug=slug)
    rows = selectors.hotline_comparison(campaign=campaign)
    chart = {
        "labels": [r["department"].short_name for r in rows],
        "total": [r["total"] for r in rows],
        "last_year": [r["last_year"] for r in rows],
        "rate": [float(r["rate"]) if r["rate"] is not None else None for r in rows],
    }
    return render(
        request,
        "hotline/campaign_analytics.html",
        {"campaign": campaign, "rows": rows, "chart": chart},
    )
