"""Writes on user accounts: one function per verb, each in a transaction, each audited.

The User model is registered with django-auditlog (accounts/apps.py): role, organizer,
department, active and the other listed fields show up as before/after entries with the
actor. A password reset changes only the hash, which is never logged: it gets an entry of
its own (`audit_event`) that says what happened, not what the password is."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import Argon2PasswordHasher, get_hasher, make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.audit import audit_actor, audit_event, audited_bulk_create, audited_bulk_update
from departments.models import District, Organizer

from .importing import PersonRow
from .models import ORGANIZER_ROLES, DeputyLevel, Role, User

# Letters and digits that cannot be mistaken for one another when read aloud or copied from
# paper (no 0/O, 1/l/I).
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105
PASSWORD_LENGTH = 12
# The fields an admin edits on the user page (besides the password).
PROFILE_FIELDS = (
    "username",
    "name",
    "phone",
    "email",
    "role",
    "organizer",
    "department",
    "deputy_level",
    "district",
    "town",
)


def password_generate() -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))


class _GeneratedPasswordHasher(Argon2PasswordHasher):
    """Argon2 with light parameters, for generated passwords only. Argon2's default cost
    (0.7 s a hash on our 2-core test machine) protects weak passwords people choose; a
    generated one has 12 characters of 55 (69 bits) and needs no such cost, while an
    import of 500 deputies would otherwise hash for 6 minutes (7 ms each here: 3.5 s).
    The hash is verified by the standard Argon2 hasher (its parameters are in the hash),
    and the password is replaced at the first sign-in anyway."""

    time_cost = 1
    memory_cost = 4096
    parallelism = 1


def _set_generated_password(user: User, password: str) -> None:
    if get_hasher().algorithm == Argon2PasswordHasher.algorithm:
        user.password = make_password(password, hasher=_GeneratedPasswordHasher())
    else:  # tests run with a fast hasher already
        user.set_password(password)


def _role_problems(user: User) -> dict[str, str]:
    """The role's requirements (the same the database constraints hold), in Chinese."""
    problems = {}
    if user.role == Role.LIAISON and user.department_id is None:
        problems["department"] = "部门联络员须选择所属部门。"
    if user.role in ORGANIZER_ROLES and user.organizer_id is None:
        problems["organizer"] = "评议办工作人员、常委会组成人员和调研组成员须选择所属人大常委会。"
    if user.role == Role.DEPUTY and not user.deputy_level:
        problems["deputy_level"] = "人大代表须选择代表层级。"
    return problems


def sync_admin_flags(user: User) -> None:
    """Admin access follows the role: Django's is_staff and is_superuser (which open /admin/
    and its model permissions) are an admin's and nobody else's."""
    user.is_staff = user.is_superuser = user.role == Role.ADMIN


def _tidy(user: User) -> None:
    """Clear what the role does not use, so a former liaison names no department."""
    sync_admin_flags(user)
    if user.role != Role.LIAISON:
        user.department = None
    if user.role != Role.DEPUTY:
        user.deputy_level = ""


def _apply(user: User, data: Mapping[str, Any]) -> None:
    for name in PROFILE_FIELDS:
        if name in data:
            setattr(user, name, data[name])
    _tidy(user)
    problems = _role_problems(user)
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def user_create(*, actor: User, data: Mapping[str, Any], password: str = "") -> tuple[User, str]:
    """A new account that must change its password at the first sign-in. Returns the user
    and the initial password (the one given, or a generated one) to show once."""
    user = User(must_change_password=True)
    _apply(user, data)
    if password:
        user.set_password(password)
    else:
        password = password_generate()
        _set_generated_password(user, password)
    with audit_actor(actor):
        user.save()
    return user, password


@transaction.atomic
def user_update(*, user: User, actor: User, data: Mapping[str, Any]) -> User:
    if user.pk == actor.pk and data.get("role", user.role) != Role.ADMIN:
        raise ValidationError({"role": "不能取消自己的管理员角色（请由另一位管理员操作）。"})
    _apply(user, data)
    with audit_actor(actor):
        user.save()
    return user


@transaction.atomic
def user_set_active(*, user: User, actor: User, active: bool) -> User:
    """Deactivate or reactivate. Accounts are never deleted: what a person did stays
    attributed to them; a deactivated account cannot sign in."""
    if user.pk == actor.pk and not active:
        raise ValidationError("不能停用自己的账号。")
    if user.is_active != active:
        user.is_active = active
        with audit_actor(actor):
            user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def user_password_reset(*, user: User, actor: User, password: str = "") -> str:
    """Set a temporary password (given or generated) that must be changed at the next
    sign-in. Returns it, to show once; the audit entry says only that it was reset."""
    if password:
        user.set_password(password)
    else:
        password = password_generate()
        _set_generated_password(user, password)
    user.must_change_password = True
    with audit_actor(actor):
        user.save(update_fields=["password", "must_change_password"])
        audit_event(
            target=user,
            actor=actor,
            changes={"password": ("——", "管理员已重置为临时密码（下次登录须修改）")},
        )
    return password


@transaction.atomic
def user_password_changed(*, user: User) -> User:
    """The user chose their own password (Django's form has saved it): lift the block."""
    if user.must_change_password:
        user.must_change_password = False
        with audit_actor(user):
            user.save(update_fields=["must_change_password"])
    return user


# ------------------------------------------------------------------------------ import
IMPORT_ROLES = {
    "常委会组成人员": Role.MEMBER,
    "member": Role.MEMBER,
    "人大代表": Role.DEPUTY,
    "deputy": Role.DEPUTY,
}
DEPUTY_LEVELS = {
    **{label: value for value, label in DeputyLevel.choices},
    **{value: value for value, _ in DeputyLevel.choices},
    "市级": DeputyLevel.CITY,
    "区县级": DeputyLevel.DISTRICT,
    "镇（街道）级": DeputyLevel.TOWN,
    "镇街级": DeputyLevel.TOWN,
}
# The fields an import sets; a row that differs from the account in none of them is unchanged.
IMPORT_FIELDS = ["name", "role", "phone", "deputy_level", "organizer", "district"]


@dataclass
class NewAccount:
    username: str
    name: str
    password: str


@dataclass
class PeopleImportReport:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    new_accounts: list[NewAccount] = field(default_factory=list)
    updated_usernames: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return (
            f"新增 {self.created}，更新 {self.updated}，未变 {self.unchanged}，"
            f"错误 {len(self.errors)}"
        )


def _row_values(
    row: PersonRow, organizers: dict[str, Organizer], districts: dict[str, District]
) -> dict[str, Any]:
    """The account fields of one row, or ValueError with the row's problem in Chinese."""
    if row.problem:  # a row or a cell over the limits (core/tables.py)
        raise ValueError(row.problem)
    if not row.username:
        raise ValueError("用户名为空")
    if len(row.username) > 150 or any(c.isspace() for c in row.username):
        raise ValueError(f"用户名“{row.username}”无效（不能含空格，最长 150 字）")
    if not row.name:
        raise ValueError("姓名为空")
    role = IMPORT_ROLES.get(row.role.replace(" ", ""))
    if role is None:
        raise ValueError(f"角色“{row.role}”无效，只能是“常委会组成人员”或“人大代表”")
    organizer = None
    if row.organizer:
        organizer = organizers.get(row.organizer)
        if organizer is None:
            raise ValueError(f"所属人大常委会“{row.organizer}”不存在")
    elif role == Role.MEMBER:
        raise ValueError("常委会组成人员须填写所属人大常委会")
    level = ""
    if role == Role.DEPUTY:
        level = DEPUTY_LEVELS.get(row.deputy_level.replace(" ", ""), "")
        if not level:
            raise ValueError(
                f"代表层级“{row.deputy_level}”无效，应为市人大代表、区县人大代表或镇（街道）人大代表"
                if row.deputy_level
                else "人大代表须填写代表层级"
            )
    district = None
    if row.district:
        district = districts.get(row.district)
        if district is None:
            raise ValueError(f"所属区县“{row.district}”不存在")
    if row.phone and not row.phone.replace("-", "").replace("+", "").isdigit():
        raise ValueError(f"手机“{row.phone}”无效")
    return {
        "name": row.name[:50],
        "role": role,
        "phone": row.phone[:20],
        "deputy_level": level,
        "organizer": organizer,
        "district": district,
    }


def _differs(user: User, values: Mapping[str, Any]) -> bool:
    for name, value in values.items():
        if name in ("organizer", "district"):
            if getattr(user, f"{name}_id") != (value.pk if value else None):
                return True
        elif getattr(user, name) != value:
            return True
    return False


@dataclass
class PeopleImportPlan:
    """What an import will write, checked against the database as it was when read."""

    report: PeopleImportReport
    to_create: list[User] = field(default_factory=list)
    to_update: list[User] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)  # username → spreadsheet line


# A row whose new username another import (or an admin) took after this one read the
# accounts: the unique index refuses the insert, and the row is reported, not a server error.
USERNAME_TAKEN_MEANWHILE = "用户名“{}”已被同时进行的另一次导入或新建账号使用，请核对后重新导入该行"


def people_import_prepare(*, rows: Sequence[PersonRow]) -> PeopleImportPlan:
    """Each row checked and sorted into new accounts, updates, unchanged and errors."""
    plan = PeopleImportPlan(report=PeopleImportReport(total=len(rows)))
    report = plan.report
    organizers = {o.name: o for o in Organizer.objects.all()}
    districts = {d.name: d for d in District.objects.all()}
    existing = User.objects.in_bulk([r.username for r in rows if r.username], field_name="username")
    seen = plan.lines
    for row in rows:
        try:
            values = _row_values(row, organizers, districts)
            if row.username in seen:
                raise ValueError(f"用户名“{row.username}”与第 {seen[row.username]} 行重复")
        except ValueError as exc:
            report.errors.append((row.line, str(exc)))
            continue
        seen[row.username] = row.line
        user = existing.get(row.username)
        if user is None:
            password = password_generate()
            user = User(username=row.username, must_change_password=True, **values)
            _set_generated_password(user, password)
            plan.to_create.append(user)
            report.new_accounts.append(NewAccount(row.username, row.name, password))
        elif user.role not in (Role.MEMBER, Role.DEPUTY):
            report.errors.append(
                (
                    row.line,
                    f"用户名“{row.username}”已是{user.get_role_display()}的账号，不能由导入修改",
                )
            )
        elif _differs(user, values):
            for name, value in values.items():
                setattr(user, name, value)
            plan.to_update.append(user)
            report.updated_usernames.append(user.username)
        else:
            report.unchanged += 1
    return plan


def _create_new_accounts(plan: PeopleImportPlan, actor: User) -> list[User]:
    """The plan's new accounts in one INSERT, inside a savepoint: when a username was
    taken meanwhile, its rows become errors and the rest are inserted again."""
    pending = plan.to_create
    report = plan.report
    while pending:
        try:
            with transaction.atomic():
                audited_bulk_create(pending, actor=actor)
            return pending
        except IntegrityError:
            taken = set(
                User.objects.filter(username__in=[u.username for u in pending]).values_list(
                    "username", flat=True
                )
            )
            if not taken:
                raise  # another constraint: a bug, not a race
            pending = [u for u in pending if u.username not in taken]
            for user in pending:
                # An earlier batch of the INSERT may have handed out keys the rollback undid.
                user.pk, user._state.adding = None, True
            report.new_accounts = [a for a in report.new_accounts if a.username not in taken]
            report.errors.extend(
                (plan.lines[name], USERNAME_TAKEN_MEANWHILE.format(name)) for name in taken
            )
            report.errors.sort()
    return []


@transaction.atomic
def people_import_save(*, plan: PeopleImportPlan, actor: User) -> PeopleImportReport:
    report = plan.report
    with audit_actor(actor):
        created = _create_new_accounts(plan, actor)
        audited_bulk_update(plan.to_update, IMPORT_FIELDS, actor=actor)
    report.created, report.updated = len(created), len(plan.to_update)
    return report


@transaction.atomic
def people_import(*, rows: Sequence[PersonRow], actor: User) -> PeopleImportReport:
    """Committee members and deputies from a sheet, keyed on the username: a new username
    is a new account (generated password, changed at first sign-in), a known one is
    updated where it differs. Bad rows are reported by line and skipped; the others are
    kept. Only members and deputies are touched: a row naming another role's account is
    refused, so an import cannot demote staff or an admin."""
    return people_import_save(plan=people_import_prepare(rows=rows), actor=actor)
