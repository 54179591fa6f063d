"""One demo user per role. Passwords are set only when a user is created, so a second run
changes nothing (not even the password hash)."""

from typing import NamedTuple

from accounts.models import DeputyLevel, Role, User
from accounts.services import sync_admin_flags
from departments.models import Department, District, Organizer, Town

from .geography import BOSHAN_COMMITTEE, CITY_COMMITTEE

DEMO_PASSWORD = "pingyi2021"  # noqa: S105 - printed for the demo on purpose


class DemoLogin(NamedTuple):
    username: str
    password: str
    role: str
    who: str


def _admin_flags(role: str) -> dict[str, bool]:
    """Django's is_staff and is_superuser as the role gives them (only 管理员 opens /admin/),
    the rule the user pages and the import follow."""
    account = User(role=role)
    sync_admin_flags(account)
    return {"is_staff": account.is_staff, "is_superuser": account.is_superuser}


def load() -> list[DemoLogin]:
    city = Organizer.objects.get(name=CITY_COMMITTEE)
    boshan = Organizer.objects.get(name=BOSHAN_COMMITTEE)
    zhangdian = District.objects.get(name="张店区")
    people = [
        ("admin", "系统管理员", Role.ADMIN, {}),
        ("staff", "王敏（评议办）", Role.STAFF, {"organizer": city}),
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
            {"organizer": boshan},
        ),
    ]
    logins = []
    for username, name, role, extra in people:
        user, created = User.objects.update_or_create(
            username=username,
            defaults={"name": name, "role": role, **_admin_flags(role), **extra},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        logins.append(DemoLogin(username, DEMO_PASSWORD, Role(role).label, name))
    return logins
