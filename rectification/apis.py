"""JSON API for department liaisons (and staff reading): the same scoping as the views."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from campaigns.selectors import campaigns_for_user
from issues.models import KeyIssue
from pingyi.accounts.models import Role

from . import selectors, services


def _issue_for(user, pk: int) -> KeyIssue:
    if user.role == Role.LIAISON:
        return selectors.key_issue_for_liaison(user=user, pk=pk)
    if user.role in (Role.STAFF, Role.ADMIN):
        issue = KeyIssue.objects.filter(
            pk=pk,
            status=KeyIssue.Status.CONFIRMED,
            department__campaign__in=campaigns_for_user(user=user),
        ).first()
        if issue is None:
            raise Http404
        return issue
    raise PermissionDenied("您的角色无权访问。")


@api_view(["GET"])
def issue_detail(request, pk: int):
    issue = _issue_for(request.user, pk)
    p = selectors.workspace_issue(issue=issue, today=timezone.localdate())
    plan = p.plan
    return Response(
        {
            "id": issue.pk,
            "title": issue.title,
            "department": issue.department.department.name,
            "plan": plan
            and {
                "goals": plan.goals,
                "deadline": plan.deadline,
                "state": plan.state,
                "round": plan.round,
                "measures": [
                    {
                        "id": m.id,
                        "title": m.title,
                        "responsible_unit": m.responsible_unit,
                        "deadline": m.deadline,
                        "state": m.state,
                        "target_value": m.target_value,
                        "current_value": m.current_value,
                    }
                    for m in plan.measures.all()
                ],
            },
            "status": p.badge.code,
            "updates": [
                {"id": u.id, "state": u.state, "percent": u.percent, "text": u.text}
                for u in p.updates
            ],
        }
    )


@api_view(["POST"])
def update_create(request, pk: int):
    if request.user.role != Role.LIAISON:
        raise PermissionDenied("只有部门联络员可以报送整改进展。")
    issue = selectors.key_issue_for_liaison(user=request.user, pk=pk)
    plan = services.plan_get_or_create(key_issue=issue)
    try:
        percent = int(request.data.get("percent", ""))
        values = {int(k): Decimal(str(v)) for k, v in (request.data.get("values") or {}).items()}
    except (TypeError, ValueError, InvalidOperation):
        return Response({"detail": "进度或指标数值格式不正确。"}, status=400)
    try:
        update = services.update_create(
            plan=plan,
            actor=request.user,
            text=str(request.data.get("text", "")),
            percent=percent,
            values=values,
            files=[(f.name, f.read()) for f in request.FILES.getlist("files")],
        )
    except ValidationError as exc:
        return Response({"detail": "；".join(exc.messages)}, status=400)
    return Response({"id": update.pk, "state": update.state}, status=status.HTTP_201_CREATED)
