from django.db import models
from django.db.models import Q

from .naming import normalize_name


class District(models.Model):
    """A district or county (区县) of the city: the second level of 三级联动."""

    class Kind(models.TextChoices):
        DISTRICT = "district", "区"
        COUNTY = "county", "县"
        ZONE = "zone", "功能区"

    name = models.CharField("名称", max_length=50, unique=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.DISTRICT)
    position = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "区县"
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Town(models.Model):
    """A town or street office (镇/街道): the third level of 三级联动."""

    class Kind(models.TextChoices):
        TOWN = "town", "镇"
        STREET = "street", "街道"

    district = models.ForeignKey(
        District, verbose_name="所属区县", on_delete=models.PROTECT, related_name="towns"
    )
    name = models.CharField("名称", max_length=50)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)

    class Meta:
        verbose_name = verbose_name_plural = "镇（街道）"
        ordering = ["district__position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="town_unique_per_district")
        ]

    def __str__(self) -> str:
        return f"{self.district.name}{self.name}"


class Organizer(models.Model):
    """A people's congress standing committee that runs campaigns: the city's or a
    district's. Staff and committee members belong to one organizer and manage only its
    campaigns; one install serves a city and its districts."""

    class Level(models.TextChoices):
        CITY = "city", "市级"
        DISTRICT = "district", "区县级"

    name = models.CharField("名称", max_length=80, unique=True)
    short_name = models.CharField("简称", max_length=40, blank=True)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    district = models.OneToOneField(
        District,
        verbose_name="所属区县",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text="区县人大常委会填写；市人大常委会留空。",
    )

    class Meta:
        verbose_name = verbose_name_plural = "人大常委会"
        ordering = ["level", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level="city", district__isnull=True)
                | Q(level="district", district__isnull=False),
                name="organizer_district_matches_level",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A government department or public institution that can be evaluated."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", "政府部门"
        INSTITUTION = "institution", "事业单位"
        OTHER = "other", "其他"

    name = models.CharField("全称", max_length=80, unique=True)
    short_name = models.CharField("简称", max_length=40)
    slug = models.SlugField("网址标识", max_length=60, unique=True)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.GOVERNMENT)
    district = models.ForeignKey(
        District,
        verbose_name="所属区县",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text="区县部门填写；市直部门留空。",
    )

    class Meta:
        verbose_name = verbose_name_plural = "部门（单位）"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DepartmentAlias(models.Model):
    """Another name a department goes by in hotline exports (市公安局, 公安局交警支队 ...).
    Stored normalised so that matching is one indexed equality lookup."""

    department = models.ForeignKey(
        Department, verbose_name="部门", on_delete=models.CASCADE, related_name="aliases"
    )
    name = models.CharField("别名", max_length=80, unique=True)

    class Meta:
        verbose_name = verbose_name_plural = "部门别名"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.name = normalize_name(self.name)
