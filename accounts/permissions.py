"""Who may open which workspace. Checked on the server for every view."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from .models import Role

# Which roles may open each workspace. Admins see the staff workspace too: they run imports
# and exports for the committee.
WORKSPACE_ROLES: dict[str, tuple[str, ...]] = {
    "staff": (Role.STAFF, Role.ADMIN),
    "member": (Role.MEMBER,),
    "researcher": (Role.RESEARCHER,),
    "liaison": (Role.LIAISON,),
    "deputy": (Role.DEPUTY,),
    "admin": (Role.ADMIN,),
}


def has_role(user, *roles: str) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in roles)


def role_required(*roles: str) -> Callable:
    """Anonymous visitors go to the login page; a signed-in user of another role gets 403
    (an explicit refusal, not a redirect loop back to the login page)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *roles):
                raise PermissionDenied("您的角色无权访问此页面。")
            return view(request, *args, **kwargs)

        # Read by the permission-matrix test, which compares it with accounts/matrix.py.
        wrapped.allowed_roles = frozenset(roles)
        return wrapped

    return decorator
