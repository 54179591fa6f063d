"""One demo user per role. Passwords are set only when a user is created, so a second run
changes nothing (not even the password hash)."""

from typing import NamedTuple

from django.contrib.auth.models import Group, Permission

from accounts.models import DeputyLevel, Role, User
from departments.models import Department, District, Organizer, Town

from .geography import BOSHAN_COMMITTEE, CITY_COMMITTEE

DEMO_PASSWORD = "pingyi2021"  # noqa: S105 - printed for the demo on purpose
STAFF_GROUP = "评议办工作人员"
STAFF_APPS = ("departments", "campaigns", "issues", "scoring", "hotline", "rectification")


class DemoLogin(NamedTuple):
    username: str
    password: str
    role: str
    who: str


def _staff_group() -> Group:
    """Django admin access for committee staff: the evaluation data, never users or roles."""
    group, _ = Group.objects.get_or_create(name=STAFF_GROUP)
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=STAFF_APPS))
    return group


def load() -> list[DemoLogin]:
    city = Organizer.objects.get(name=CITY_COMMITTEE)
    boshan = Organizer.objects.get(name=BOSHAN_COMMITTEE)
    zhangdian = District.objects.get(name="张店区")
    people = [
        ("admin", "系统管理员", Role.ADMIN, {"is_staff": True, "is_superuser": True}),
        ("staff", "王敏（评议办）", Role.STAFF, {"organizer": city, "is_staff": True}),
        ("member", "李建国（常委会委员）", Role.MEMBER, {"organizer": city}),
        ("research", "赵立新（调研组）", Role.RESEARCHER, {"organizer": city}),
        (
            "liaison",
            "陈静（市教育局联络员）",
            Role.LIAISON,
            {"department": Department.objects.get(slug="education")},
        ),
        (
            "liaison-transport",
            "刘洋（市交通运输局联络员）",
            Role.LIAISON,
            {"department": Department.objects.get(slug="transport")},
        ),
        (
            "deputy",
            "孙红梅（市人大代表）",
            Role.DEPUTY,
            {"deputy_level": DeputyLevel.CITY, "district": zhangdian},
        ),
        (
            "deputy-town",
            "周志强（镇人大代表）",
            Role.DEPUTY,
            {
                "deputy_level": DeputyLevel.TOWN,
                "district": zhangdian,
                "town": Town.objects.get(district=zhangdian, name="马尚街道"),
            },
        ),
        (
            "boshan-staff",
            "高峰（博山区评议办）",
            Role.STAFF,
            {"organizer": boshan, "is_staff": True},
        ),
    ]
    group = _staff_group()
    logins = []
    for username, name, role, extra in people:
        user, created = User.objects.update_or_create(
            username=username, defaults={"name": name, "role": role, **extra}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if role == Role.STAFF:
            user.groups.add(group)
        logins.append(DemoLogin(username, DEMO_PASSWORD, Role(role).label, name))
    return logins
