"""The navigation each role sees. One table, read by the header template."""

from django.urls import reverse

from .models import Role

# (label, url name) per role; the workspace link comes first.
NAVIGATION: dict[str, list[tuple[str, str]]] = {
    Role.STAFF: [("评议办工作台", "accounts:workspace-staff"), ("12345热线", "hotline:imports")],
    Role.MEMBER: [("常委会组成人员工作台", "accounts:workspace-member")],
    Role.RESEARCHER: [("调研组工作台", "accounts:workspace-researcher")],
    Role.LIAISON: [("部门联络员工作台", "accounts:workspace-liaison")],
    Role.DEPUTY: [("人大代表工作台", "accounts:workspace-deputy")],
    Role.ADMIN: [
        ("管理员工作台", "accounts:workspace-admin"),
        ("用户和角色", "accounts:users"),
        ("评议办工作台", "accounts:workspace-staff"),
        ("12345热线", "hotline:imports"),
        ("后台管理", "admin:index"),
    ],
}


def navigation_for(user) -> list[tuple[str, str]]:
    if not user.is_authenticated:
        return []
    return [(label, reverse(name)) for label, name in NAVIGATION.get(user.role, [])]
