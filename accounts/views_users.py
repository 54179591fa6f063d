"""Users and roles, managed by admins in the app (/workspace/admin/users/, issue 17), and
the change-password page every account with `must_change_password` is held on."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core.confirm import Review, confirmed, review_response
from core.malformed import control_characters
from core.spreadsheets import Sheet, workbook_bytes

from . import services
from .forms import PasswordResetForm, PeopleImportForm, UserCreateForm, UserFilterForm, UserForm
from .importing import TEMPLATE_HEADERS, PeopleFileError, read_people
from .models import Role, User
from .permissions import role_required
from .selectors import users_filtered, workspace_url_name

PAGE_SIZE = 50
ADMIN = (Role.ADMIN,)


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _no_store(response: HttpResponse) -> HttpResponse:
    # Pages that show a password once: never kept by the browser or a proxy.
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@role_required(*ADMIN)
def users(request: HttpRequest) -> HttpResponse:
    filters = UserFilterForm(request.GET or None)
    values = filters.cleaned_data if filters.is_valid() else {}
    listing = users_filtered(
        q=(values.get("q") or "").strip(),
        role=values.get("role") or "",
        organizer_id=values["organizer"].pk if values.get("organizer") else None,
        department_id=values["department"].pk if values.get("department") else None,
        active=values.get("active") or "",
    )
    page = Paginator(listing, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])
    return render(
        request, "accounts/users.html", {"filters": filters, "page": page, "query": query}
    )


@role_required(*ADMIN)
def user_new(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "password"}
        try:
            user, password = services.user_create(
                actor=request.user, data=data, password=form.cleaned_data["password"]
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            return _password_shown(request, user, password, created=True)
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "account": None},
        status=400 if form.errors else 200,
    )


def _password_shown(request: HttpRequest, account: User, password: str, *, created: bool):
    """The page that shows a new or reset password once (never cached)."""
    return _no_store(
        render(
            request,
            "accounts/user_password_shown.html",
            {"account": account, "password": password, "created": created},
        )
    )


@role_required(*ADMIN)
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User.objects.select_related("organizer", "department"), pk=pk)
    form = UserForm(request.POST or None, instance=User.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(user=account, actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"已保存用户“{account.display_name}”。")
            return redirect("accounts:user", pk=pk)
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "account": account, "reset_form": PasswordResetForm()},
        status=400 if form.errors else 200,
    )


@require_POST
@role_required(*ADMIN)
def user_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate (after a review) or reactivate an account. There is no delete."""
    account = get_object_or_404(User, pk=pk)
    active = request.POST.get("active") == "1"
    back = reverse("accounts:user", args=[pk])
    if not active and not confirmed(
        request, action="user.deactivate", payload={"user": account.pk}
    ):
        review = Review(
            title=f"停用账号“{account.display_name}”",
            lead="停用后该账号不能再登录；其已办理的事项仍记在其名下，不会删除。需要时可以重新启用。",
            rows=[
                ("用户名", account.username),
                ("姓名", account.name or "—"),
                ("角色", account.get_role_display()),
            ],
            fields=[("active", "0")],
            confirm_label="确认停用",
            back_url=back,
            irreversible=False,
        )
        return review_response(
            request, action="user.deactivate", payload={"user": account.pk}, review=review
        )
    try:
        services.user_set_active(user=account, actor=request.user, active=active)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已{'启用' if active else '停用'}账号“{account.display_name}”。")
    return redirect(back)


@role_required(*ADMIN)
def user_password(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User, pk=pk)
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password = services.user_password_reset(
            user=account, actor=request.user, password=form.cleaned_data["password"]
        )
        return _password_shown(request, account, password, created=False)
    return render(
        request,
        "accounts/user_password.html",
        {"form": form, "account": account},
        status=400 if form.errors else 200,
    )


@role_required(*ADMIN)
def users_import(request: HttpRequest) -> HttpResponse:
    form = PeopleImportForm(request.POST or None, request.FILES or None)
    report, file_error = None, None
    if request.method == "POST" and form.is_valid():
        try:
            rows = read_people(form.cleaned_data["file"])  # not read whole into memory
        except PeopleFileError as exc:
            file_error = str(exc)
        else:
            report = services.people_import(rows=rows, actor=request.user)
    response = render(
        request,
        "accounts/users_import.html",
        {"form": form, "report": report, "file_error": file_error},
        status=400 if file_error or form.errors else 200,
    )
    return _no_store(response) if report else response


@require_POST
@role_required(*ADMIN)
def users_import_passwords(request: HttpRequest) -> HttpResponse:
    """The new accounts' initial passwords of the import just shown, as a workbook to print
    or hand out. The passwords come back from the result page itself (they are stored
    nowhere but as hashes); the form's one-time token makes it a one-time download."""
    # Usernames that could be accounts only: a NUL reached PostgreSQL's lookup as a 500.
    usernames = [
        u if len(u) <= 150 and not control_characters(u) else ""
        for u in request.POST.getlist("username")
    ]
    names = request.POST.getlist("name")
    passwords = request.POST.getlist("password")
    known = set(
        User.objects.filter(username__in=usernames, must_change_password=True).values_list(
            "username", flat=True
        )
    )
    rows = [
        [username, name, password]
        for username, name, password in zip(usernames, names, passwords, strict=False)
        if username in known
    ]
    sheet = Sheet(title="初始密码", headers=["用户名", "姓名", "初始密码"], rows=rows)
    response = HttpResponse(
        workbook_bytes([sheet]),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('初始密码.xlsx')}"
    return _no_store(response)


@require_GET
@role_required(*ADMIN)
def users_import_template(request: HttpRequest) -> HttpResponse:
    sheet = Sheet(
        title="人员名单",
        headers=list(TEMPLATE_HEADERS),
        rows=[
            ["zhangsan", "张三", "常委会组成人员", "13800000001", "", "淄博市人大常委会", ""],
            ["lisi", "李四", "人大代表", "13800000002", "区县人大代表", "", "张店区"],
        ],
    )
    response = HttpResponse(
        workbook_bytes([sheet]),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('人员名单模板.xlsx')}"
    return response


@never_cache
@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """Every account may change its own password here; one that must (a new account, a
    reset) is held on this page by MatrixMiddleware until it has."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        services.user_password_changed(user=user)
        update_session_auth_hash(request, user)
        messages.success(request, "密码已修改。")
        return redirect(workspace_url_name(user))
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "forced": request.user.must_change_password},
        status=400 if form.errors else 200,
    )
