from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from departments.models import Organizer

from .forms import LoginForm
from .models import Role, User
from .permissions import WORKSPACE_ROLES, role_required
from .selectors import workspace_url_name
from .workspaces import workspace_context


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return reverse(workspace_url_name(self.request.user))


class LogoutView(auth_views.LogoutView):
    pass


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own workspace."""
    return redirect(workspace_url_name(request.user))


@role_required(*WORKSPACE_ROLES["staff"])
def staff_workspace(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/workspace_staff.html", workspace_context("staff", request))


@role_required(*WORKSPACE_ROLES["member"])
def member_workspace(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/workspace_member.html", workspace_context("member", request))


@role_required(*WORKSPACE_ROLES["researcher"])
def researcher_workspace(request: HttpRequest) -> HttpResponse:
    context = workspace_context("researcher", request)
    return render(request, "accounts/workspace_researcher.html", context)


@role_required(*WORKSPACE_ROLES["liaison"])
def liaison_workspace(request: HttpRequest) -> HttpResponse:
    context = {"department": request.user.department, **workspace_context("liaison", request)}
    return render(request, "accounts/workspace_liaison.html", context)


@role_required(*WORKSPACE_ROLES["deputy"])
def deputy_workspace(request: HttpRequest) -> HttpResponse:
    user = User.objects.select_related("district", "town").get(pk=request.user.pk)
    return render(
        request,
        "accounts/workspace_deputy.html",
        {"profile": user, **workspace_context("deputy", request)},
    )


@role_required(*WORKSPACE_ROLES["admin"])
def admin_workspace(request: HttpRequest) -> HttpResponse:
    role_labels = dict(Role.choices)
    counts = (
        User.objects.filter(is_active=True).values("role").annotate(n=Count("id")).order_by("role")
    )
    return render(
        request,
        "accounts/workspace_admin.html",
        {
            "role_counts": [(role_labels.get(c["role"], c["role"]), c["n"]) for c in counts],
            "organizers": Organizer.objects.annotate(n_campaigns=Count("campaigns")),
        },
    )
