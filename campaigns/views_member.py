"""Committee members cast their selection-vote ballot from their own workspace."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.permissions import WORKSPACE_ROLES, role_required

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
        else:
            try:
                services.ballot_submit(session=session, member=request.user, candidate_ids=chosen)
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
