"""Committee members cast their selection-vote ballot from their own workspace."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.permissions import WORKSPACE_ROLES, role_required
from core.confirm import Review, confirmed, review_response

from . import services
from .models import VoteSession
from .selectors import vote_session_for_member


@role_required(*WORKSPACE_ROLES["member"])
def ballot(request: HttpRequest, pk: int) -> HttpResponse:
    session = vote_session_for_member(user=request.user, pk=pk)
    errors: list[str] = []
    chosen: set[str] = set()
    if request.method == "POST":
        chosen = set(request.POST.getlist("candidates"))
        abstain = "abstain" in request.POST
        if abstain and chosen:
            errors.append("选择“弃权”时不能同时勾选部门（单位）。")
        elif not abstain and not chosen:
            errors.append("请至少勾选一个部门（单位），或点击“弃权”。")
        elif len(chosen) > session.slots:
            errors.append(f"最多只能选择{session.slots}个部门（单位），您选择了{len(chosen)}个。")
        else:
            # A ballot cannot be changed once cast: review it first, write on confirmation.
            # (A ballot the service will refuse goes straight to it, for its message.)
            payload = {"session": session.pk, "chosen": sorted(chosen), "abstain": abstain}
            may_vote = session.state == VoteSession.State.OPEN and session.is_eligible
            if (
                may_vote
                and not session.has_voted
                and not confirmed(request, action="ballot.submit", payload=payload)
            ):
                return _review(request, session, chosen, abstain, payload)
            try:
                services.selection_ballot_submit(
                    session=session, member=request.user, candidate_ids=chosen
                )
            except ValidationError as exc:
                errors.extend(exc.messages)
            else:
                messages.success(request, "您的选票已提交。选票不记名，提交后不能更改。")
                return redirect("accounts:workspace-member")
    status = 200
    if request.method == "POST" and errors:
        status = 400
    if not session.is_eligible and session.state == VoteSession.State.OPEN:
        status = 403
    return render(
        request,
        "campaigns/member/ballot.html",
        {"session": session, "errors": errors, "chosen": chosen},
        status=status,
    )


def _review(request: HttpRequest, session, chosen: set[str], abstain: bool, payload):
    names = [c.department.name for c in session.candidates.all() if str(c.pk) in chosen]
    fields = [("candidates", pk) for pk in sorted(chosen)]
    if abstain:
        fields.append(("abstain", "1"))
    return review_response(
        request,
        action="ballot.submit",
        payload=payload,
        review=Review(
            title="请核对您的选票",
            lead=(
                "您选择弃权，不选任何部门（单位）。"
                if abstain
                else f"您选择了以下 {len(names)} 个部门（单位）（应选不超过 {session.slots} 个）："
            ),
            items=names,
            warnings=["选票不记名，提交后不能更改或重复提交。"],
            fields=fields,
            confirm_label="确认弃权" if abstain else "确认提交选票",
            back_url=request.path,
        ),
    )
