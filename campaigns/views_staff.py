"""Committee staff run a campaign: setup, stages, nominations, the vote, statements.

Every view checks the role, then scopes through campaigns_for_user (404 outside the
organizer); every write is one service call whose ValidationError becomes a message."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import WORKSPACE_ROLES, role_required
from core.confirm import Review, confirmed, review_response
from core.messages import form_errors_flash as _form_errors
from core.messages import validation_error_flash as _refused

from . import services
from .forms import (
    CampaignCreateForm,
    CampaignEditForm,
    NominationForm,
    SlotsForm,
    StageForm,
    StagePlanForm,
    StatementForm,
    VoteOpenForm,
)
from .models import EvaluatedDepartment, Nomination
from .selectors import (
    batch_for_user,
    batch_workspace,
    campaign_for_user,
    campaign_overviews,
    campaigns_for_user,
    committee_members,
    nominable_departments,
    ordered_candidates,
    turnout,
    vote_session_for_staff,
)
from .stages import TRANSITIONS, Stage

staff_only = role_required(*WORKSPACE_ROLES["staff"])


def _batch_url(batch) -> str:
    return reverse("campaigns-staff:batch", args=[batch.campaign.slug, batch.number])


# ------------------------------------------------------------------------- campaigns
@staff_only
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = campaign_overviews(campaigns=campaigns_for_user(user=request.user))
    return render(request, "campaigns/staff/campaign_list.html", {"campaigns": campaigns})


@staff_only
def campaign_new(request: HttpRequest) -> HttpResponse:
    mine = campaigns_for_user(user=request.user)
    organizer = request.user.organizer
    form = CampaignCreateForm(request.POST or None, campaigns=mine)
    if organizer is None:
        messages.error(request, "您的账号没有所属人大常委会，不能创建评议活动。")
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["copy_from"]:
                campaign = services.campaign_copy(
                    source=data["copy_from"],
                    actor=request.user,
                    year=data["year"],
                    title=data["title"],
                    slug=data["slug"],
                )
            else:
                campaign = services.campaign_create(
                    organizer=organizer,
                    actor=request.user,
                    title=data["title"],
                    year=data["year"],
                    slug=data["slug"],
                    evaluation_start=data["evaluation_start"],
                    evaluation_end=data["evaluation_end"],
                    batch_count=data["batch_count"],
                )
        except ValidationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, f"已创建“{campaign.title}”。")
            return redirect("campaigns-staff:campaign", campaign.slug)
    return render(request, "campaigns/staff/campaign_new.html", {"form": form})


@staff_only
def campaign_manage(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_for_user(user=request.user, slug=slug)
    form = CampaignEditForm(request.POST or None, instance=campaign)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.campaign_update(
                    campaign=campaign,
                    actor=request.user,
                    **{k: form.cleaned_data[k] for k in form.Meta.fields},
                )
            except ValidationError as exc:
                _refused(request, exc)
            else:
                messages.success(request, "评议活动设置已保存。")
                return redirect("campaigns-staff:campaign", slug)
        campaign.refresh_from_db()
    campaign = campaign_overviews(campaigns=campaigns_for_user(user=request.user)).get(
        pk=campaign.pk
    )
    return render(
        request, "campaigns/staff/campaign_manage.html", {"campaign": campaign, "form": form}
    )


# --------------------------------------------------------------------------- batches
@staff_only
def batch_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    batch = batch_for_user(user=request.user, slug=slug, number=number)
    context = batch_workspace(batch=batch)
    batch = context["batch"]
    context.update(
        {
            "next_stages": [Stage(s) for s in TRANSITIONS[Stage(batch.stage)]],
            "current_stage": Stage(batch.stage),
            "nomination_form": NominationForm(
                departments=nominable_departments(campaign=batch.campaign).exclude(
                    pk__in=[n.department_id for n in context["nominations"]]
                )
            ),
            "slots_form": SlotsForm(initial={"slots": batch.slots}),
            "plan_form": StagePlanForm(),
            "open_form": VoteOpenForm(
                members=committee_members(organizer_id=batch.campaign.organizer_id),
                initial={
                    "members": list(
                        committee_members(organizer_id=batch.campaign.organizer_id).values_list(
                            "pk", flat=True
                        )
                    )
                },
            ),
        }
    )
    return render(request, "campaigns/staff/batch_detail.html", context)


@staff_only
@require_POST
def batch_stage(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    batch = batch_for_user(user=request.user, slug=slug, number=number)
    form = StageForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(_batch_url(batch))
    try:
        services.batch_stage_change(
            batch=batch,
            target=form.cleaned_data["target"],
            actor=request.user,
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, f"{batch.name}已进入“{Stage(batch.stage).label}”阶段。")
    return redirect(_batch_url(batch))


@staff_only
@require_POST
def batch_plan(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    batch = batch_for_user(user=request.user, slug=slug, number=number)
    form = StagePlanForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(_batch_url(batch) + "#timeline")
    try:
        services.stage_plan_set(batch=batch, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, "阶段计划已保存。")
    return redirect(_batch_url(batch) + "#timeline")


@staff_only
@require_POST
def nomination_add(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    batch = batch_for_user(user=request.user, slug=slug, number=number)
    form = NominationForm(request.POST, departments=nominable_departments(campaign=batch.campaign))
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(_batch_url(batch) + "#nominations")
    try:
        services.nomination_add(batch=batch, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, f"已提名“{form.cleaned_data['department'].name}”。")
    return redirect(_batch_url(batch) + "#nominations")


@staff_only
@require_POST
def nomination_remove(request: HttpRequest, slug: str, number: int, pk: int) -> HttpResponse:
    batch = batch_for_user(user=request.user, slug=slug, number=number)
    nomination = get_object_or_404(Nomination, pk=pk, batch=batch)
    try:
        services.nomination_remove(nomination=nomination, actor=request.user)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, "已移除该候选部门。")
    return redirect(_batch_url(batch) + "#nominations")


@staff_only
@require_POST
def batch_slots(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    batch = batch_for_user(user=request.user, slug=slug, number=number)
    form = SlotsForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(_batch_url(batch) + "#nominations")
    try:
        services.batch_slots_set(batch=batch, slots=form.cleaned_data["slots"], actor=request.user)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, f"应选名额已设为{form.cleaned_data['slots']}个。")
    return redirect(_batch_url(batch) + "#nominations")


# ------------------------------------------------------------------------------ vote
# Opening, closing, a run-off and publication cannot be undone: each first renders a review
# of exactly what will change (core.confirm), and writes only on the confirmed second POST.
@staff_only
@require_POST
def vote_open(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    batch = batch_for_user(user=request.user, slug=slug, number=number)
    form = VoteOpenForm(
        request.POST, members=committee_members(organizer_id=batch.campaign.organizer_id)
    )
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(_batch_url(batch) + "#vote")
    members = list(form.cleaned_data["members"])
    nominations = list(batch.nominations.select_related("department").order_by("id"))
    payload = {
        "batch": batch.pk,
        "members": sorted(m.pk for m in members),
        "nominations": [[n.pk, n.department_id] for n in nominations],
        "slots": batch.slots,
        "closes_at": form.closes_at_value(),
    }
    closes_at = form.cleaned_data["closes_at"]
    if not confirmed(request, action="vote.open", payload=payload):
        return review_response(
            request,
            action="vote.open",
            payload=payload,
            review=Review(
                title=f"开始{batch.name}票决",
                lead="开始后候选名单、应选名额和投票人名单锁定，不能再修改；票决只能结束，不能撤回。",
                rows=[
                    ("应选名额", f"{batch.slots or 0} 个"),
                    ("候选部门（单位）", f"{len(nominations)} 个"),
                    ("投票人", f"{len(members)} 人：" + "、".join(m.display_name for m in members)),
                    (
                        "计划截止时间",
                        f"{timezone.localtime(closes_at):%Y-%m-%d %H:%M}"
                        if closes_at
                        else "未设定",
                    ),
                ],
                items=[n.department.name for n in nominations],
                fields=[("members", m.pk) for m in members]
                + [("closes_at", form.closes_at_value())],
                confirm_label="确认开始票决",
                back_url=_batch_url(batch) + "#vote",
            ),
        )
    try:
        services.vote_open(batch=batch, actor=request.user, members=members, closes_at=closes_at)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, "票决已开始，候选名单和应选名额已锁定。")
    return redirect(_batch_url(batch) + "#vote")


def _vote_session(request: HttpRequest, slug: str, pk: int):
    """The vote in the URL, which must belong to the campaign in the URL (404 otherwise)."""
    session = vote_session_for_staff(user=request.user, pk=pk)
    if session.batch.campaign.slug != slug:
        raise Http404("没有找到该票决")
    return session


@staff_only
def vote_turnout(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Live turnout for the staff page (polled by htmx): how many voted, never for whom."""
    session = _vote_session(request, slug, pk)
    return render(
        request,
        "campaigns/staff/_turnout.html",
        {"session": session, "turnout": turnout(session=session)},
    )


def _vote_review(session, action: str) -> Review:
    """What closing, a run-off or publication will change, in the numbers staff see."""
    candidates = ordered_candidates(session.candidates.select_related("department"))
    back = _batch_url(session.batch) + "#vote"
    counts = turnout(session=session)
    if action == "vote.close":
        return Review(
            title=f"结束{session.batch.name}第{session.round}轮票决",
            lead="结束后不能再投票，系统随即计票；结束不能撤回。",
            rows=[
                ("已投票", f"{counts['voted']} / {counts['eligible']} 人（{counts['percent']}%）"),
                ("未投票", f"{counts['eligible'] - counts['voted']} 人，结束后不能再投"),
            ],
            confirm_label="确认结束票决并计票",
            back_url=back,
            back_label="返回，不执行",
        )
    if action == "vote.runoff":
        tied = [c for c in candidates if c.outcome == c.Outcome.TIED]
        selected = sum(c.outcome == c.Outcome.SELECTED for c in candidates)
        return Review(
            title=f"开启{session.batch.name}第{session.round + 1}轮再次投票",
            lead="再次投票只在票数相同的候选部门之间进行，投票人与上一轮相同。",
            rows=[("应选名额", f"{session.slots - selected} 个")],
            items=[f"{c.department.name}（{c.votes or 0} 票）" for c in tied],
            confirm_label="确认开启再次投票",
            back_url=back,
            back_label="返回，不执行",
        )
    return Review(
        title=f"公布{session.batch.name}票决结果",
        lead="公布后以下数字在评议公开页面向社会公开，当选部门列为被评议部门（单位）；公布不能撤回。",
        rows=[
            ("投票人", f"{session.eligible_count} 人"),
            ("收回选票", f"{session.ballots_cast or 0} 张（弃权 {session.abstentions or 0} 张）"),
            ("当选所需票数", f"{session.threshold or 0} 票"),
        ],
        items=[
            f"{c.department.name}：{c.votes or 0} 票，{c.get_outcome_display()}" for c in candidates
        ],
        confirm_label="确认公布",
        back_url=back,
        back_label="返回，不执行",
    )


def _vote_action(
    request: HttpRequest, slug: str, pk: int, action, name: str, done: str
) -> HttpResponse:
    session = _vote_session(request, slug, pk)
    payload = {"session": session.pk, "state": session.state, "round": session.round}
    if not confirmed(request, action=name, payload=payload):
        return review_response(
            request, action=name, payload=payload, review=_vote_review(session, name)
        )
    try:
        action(session=session, actor=request.user)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, done)
    return redirect(_batch_url(session.batch) + "#vote")


@staff_only
@require_POST
def vote_close(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _vote_action(
        request, slug, pk, services.vote_close, "vote.close", "票决已结束，计票结果如下。"
    )


@staff_only
@require_POST
def vote_runoff(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _vote_action(
        request,
        slug,
        pk,
        services.runoff_open,
        "vote.runoff",
        "已开启再次投票，候选部门为票数相同的部门。",
    )


@staff_only
@require_POST
def vote_publish(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _vote_action(
        request,
        slug,
        pk,
        services.vote_publish,
        "vote.publish",
        "票决结果已公布，当选部门已列为被评议部门（单位）。",
    )


# ------------------------------------------------------------------------ statements
@staff_only
def statement_edit(request: HttpRequest, slug: str, department_slug: str) -> HttpResponse:
    campaign = campaign_for_user(user=request.user, slug=slug)
    evaluated = get_object_or_404(
        EvaluatedDepartment.objects.select_related("department", "batch", "statement"),
        campaign=campaign,
        department__slug=department_slug,
    )
    statement = getattr(evaluated, "statement", None)
    initial = {}
    if statement:
        initial = {
            "speaker": statement.speaker,
            "date": statement.date,
            "text": statement.text,
            "publish": statement.is_published,
        }
    form = StatementForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.statement_save(
                evaluated=evaluated,
                actor=request.user,
                speaker=data["speaker"],
                date=data["date"],
                text=data["text"],
                upload=data["file"] or None,
                remove_file=data["remove_file"],
                publish=data["publish"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "表态发言已保存" + ("并公布。" if data["publish"] else "。"))
            return redirect(
                reverse("campaigns-staff:batch", args=[campaign.slug, evaluated.batch.number])
                + "#evaluated"
            )
    return render(
        request,
        "campaigns/staff/statement_form.html",
        {"campaign": campaign, "evaluated": evaluated, "statement": statement, "form": form},
    )
