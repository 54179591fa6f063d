from django.db.models import Q, QuerySet

from .models import Role, User

# The URL name of each role's landing page after login.
WORKSPACE_URL_NAMES = {
    Role.STAFF: "accounts:workspace-staff",
    Role.MEMBER: "accounts:workspace-member",
    Role.RESEARCHER: "accounts:workspace-researcher",
    Role.LIAISON: "accounts:workspace-liaison",
    Role.DEPUTY: "accounts:workspace-deputy",
    Role.ADMIN: "accounts:workspace-admin",
}


def workspace_url_name(user) -> str:
    return WORKSPACE_URL_NAMES.get(user.role, "home")


def users_filtered(
    *,
    q: str = "",
    role: str = "",
    organizer_id: int | None = None,
    department_id: int | None = None,
    active: str = "",
) -> QuerySet[User]:
    """The admins' user list: search by username, name or phone; filter by role, standing
    committee, department and active state. Related names in the same query."""
    users = User.objects.select_related("organizer", "department", "district")
    if q:
        users = users.filter(
            Q(username__icontains=q) | Q(name__icontains=q) | Q(phone__icontains=q)
        )
    if role:
        users = users.filter(role=role)
    if organizer_id:
        users = users.filter(organizer_id=organizer_id)
    if department_id:
        users = users.filter(department_id=department_id)
    if active in ("0", "1"):
        users = users.filter(is_active=active == "1")
    return users.order_by("username")
