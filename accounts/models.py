from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from departments.models import Department, District, Organizer, Town


class Role(models.TextChoices):
    STAFF = "staff", "评议办工作人员"
    MEMBER = "member", "常委会组成人员"
    RESEARCHER = "researcher", "调研组成员"
    LIAISON = "liaison", "部门联络员"
    DEPUTY = "deputy", "人大代表"
    ADMIN = "admin", "管理员"


class DeputyLevel(models.TextChoices):
    CITY = "city", "市人大代表"
    DISTRICT = "district", "区县人大代表"
    TOWN = "town", "镇（街道）人大代表"


# Roles that act for one standing committee and must name it.
ORGANIZER_ROLES = (Role.STAFF, Role.MEMBER, Role.RESEARCHER)


class User(AbstractUser):
    """One person, one role. Chinese names are one field, so `name` replaces first/last."""

    name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("手机", max_length=20, blank=True)
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.DEPUTY)
    organizer = models.ForeignKey(
        Organizer,
        verbose_name="所属人大常委会",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    department = models.ForeignKey(
        Department,
        verbose_name="所属部门（联络员）",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="liaisons",
    )
    deputy_level = models.CharField(
        "代表层级", max_length=10, choices=DeputyLevel.choices, blank=True
    )
    district = models.ForeignKey(
        District, verbose_name="所属区县", on_delete=models.PROTECT, null=True, blank=True
    )
    town = models.ForeignKey(
        Town, verbose_name="所属镇（街道）", on_delete=models.PROTECT, null=True, blank=True
    )
    # Set when an admin creates the account or resets its password: the first sign-in
    # leads to the change-password page and nowhere else until it is changed.
    must_change_password = models.BooleanField("下次登录须修改密码", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "用户"
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="liaison") | Q(department__isnull=False),
                name="liaison_has_department",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=[r.value for r in ORGANIZER_ROLES])
                | Q(organizer__isnull=False),
                name="committee_roles_have_organizer",
            ),
            models.CheckConstraint(
                condition=~Q(role="deputy") | ~Q(deputy_level=""),
                name="deputy_has_level",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.username

    @property
    def display_name(self) -> str:
        return self.name or self.username
