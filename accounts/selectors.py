from .models import Role

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
