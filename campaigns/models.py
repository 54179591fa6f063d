from django.db import models
from django.db.models import F, Q

from departments.models import Department, Organizer


class Campaign(models.Model):
    """One year's special work evaluation (年度专项工作评议) run by one organizer."""

    organizer = models.ForeignKey(
        Organizer, verbose_name="组织单位", on_delete=models.PROTECT, related_name="campaigns"
    )
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("名称", max_length=120)
    slug = models.SlugField(
        "网址标识", max_length=40, unique=True, help_text="公开页面的网址，如 2021。"
    )
    evaluation_start = models.DateField("评价期开始")
    evaluation_end = models.DateField("评价期结束")
    key_issues_min = models.PositiveSmallIntegerField(
        "每个部门重点整改问题下限", default=2, help_text="默认 2 个。"
    )
    key_issues_max = models.PositiveSmallIntegerField(
        "每个部门重点整改问题上限", default=3, help_text="默认 3 个。"
    )

    class Meta:
        verbose_name = verbose_name_plural = "评议活动"
        ordering = ["-year", "organizer__level", "organizer__name"]
        constraints = [
            models.UniqueConstraint(fields=["organizer", "year"], name="campaign_one_per_year"),
            models.CheckConstraint(
                condition=Q(evaluation_end__gte=F("evaluation_start")),
                name="campaign_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(key_issues_max__gte=F("key_issues_min")),
                name="campaign_key_issue_bounds_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Batch(models.Model):
    """A batch (批次) of evaluated departments, voted and heard together."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="评议活动", on_delete=models.CASCADE, related_name="batches"
    )
    number = models.PositiveSmallIntegerField("批次序号")
    name = models.CharField("名称", max_length=60)
    vote_date = models.DateField("票决日期", null=True, blank=True)
    hearing_date = models.DateField("听取报告日期", null=True, blank=True)
    departments = models.ManyToManyField(
        Department, through="EvaluatedDepartment", verbose_name="被评议部门（单位）"
    )

    class Meta:
        verbose_name = verbose_name_plural = "批次"
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="batch_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.title} {self.name}"


class EvaluatedDepartment(models.Model):
    """A department evaluated in a batch. A department sits in at most one batch of a
    campaign; `campaign` is stored alongside the batch so the database can guard that."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="评议活动", on_delete=models.CASCADE, related_name="+"
    )
    batch = models.ForeignKey(
        Batch, verbose_name="批次", on_delete=models.CASCADE, related_name="evaluated"
    )
    department = models.ForeignKey(
        Department, verbose_name="部门（单位）", on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "被评议部门（单位）"
        ordering = ["batch", "position", "department__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "department"], name="evaluated_once_per_campaign"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch} · {self.department}"
