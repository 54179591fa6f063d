"""Suggestions (意见建议), the themes staff merge them into (归并), and key issues (重点整改问题).

The trail a reader follows: key issue -> themes -> suggestions. Every original suggestion is
kept; merging only points it at a theme, so "collected" always equals the merged originals
plus the ones still waiting."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from campaigns.models import Campaign, EvaluatedDepartment
from core.frozen import FrozenModel, FrozenQuerySet
from departments.models import District


class Channel(models.TextChoices):
    WEB = "web", "网上征集"
    DEPUTY = "deputy", "代表提交"
    OPEN_LETTER = "open_letter", "公开信"
    OPINION_BOX = "opinion_box", "意见箱"
    SYMPOSIUM = "symposium", "座谈会"
    FIELD_VISIT = "field_visit", "实地走访"
    HOTLINE = "hotline", "12345热线"
    SURVEY = "survey", "问卷调查"
    OTHER = "other", "其他渠道"


# Channels staff record by hand or import; web and deputy have their own forms.
OFFLINE_CHANNELS = [c for c in Channel if c not in (Channel.WEB, Channel.DEPUTY)]


class SourceType(models.TextChoices):
    CITY_DEPUTY = "city_deputy", "市人大代表"
    DISTRICT_DEPUTY = "district_deputy", "区县人大代表"
    TOWN_DEPUTY = "town_deputy", "镇（街道）人大代表"
    PUBLIC = "public", "社会公众"
    ENTERPRISE = "enterprise", "企业"
    DEPARTMENT = "department", "市直部门"
    DISTRICT_COMMITTEE = "district_committee", "区县人大常委会"
    OTHER = "other", "其他"


DEPUTY_SOURCES = {
    "city": SourceType.CITY_DEPUTY,
    "district": SourceType.DISTRICT_DEPUTY,
    "town": SourceType.TOWN_DEPUTY,
}


class Tag(models.Model):
    campaign = models.ForeignKey(
        Campaign, verbose_name="评议活动", on_delete=models.CASCADE, related_name="suggestion_tags"
    )
    name = models.CharField("标签", max_length=30)

    class Meta:
        verbose_name = verbose_name_plural = "意见建议标签"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="tag_unique_per_campaign")
        ]

    def __str__(self) -> str:
        return self.name


class Theme(models.Model):
    """Several suggestions merged into one (归并整合). `summary` is what the public may read,
    and only once staff approved it; the originals are never published."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="评议活动", on_delete=models.CASCADE, related_name="themes"
    )
    department = models.ForeignKey(
        EvaluatedDepartment,
        verbose_name="被评议部门（单位）",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="themes",
    )
    title = models.CharField("主题", max_length=120)
    summary = models.TextField("公开摘要", blank=True)
    summary_approved = models.BooleanField("摘要已审核可公开", default=False)
    is_focus = models.BooleanField("重点关注", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="归并人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("归并时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "归并主题"
        ordering = ["campaign", "department", "-is_focus", "title"]

    def __str__(self) -> str:
        return self.title


class Suggestion(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", "已受理"
        MERGED = "merged", "已归并"
        SPAM = "spam", "无效信息"

    campaign = models.ForeignKey(
        Campaign, verbose_name="评议活动", on_delete=models.CASCADE, related_name="suggestions"
    )
    department = models.ForeignKey(
        EvaluatedDepartment,
        verbose_name="涉及部门（单位）",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
        help_text="不确定时留空，由工作人员分派。",
    )
    channel = models.CharField("征集渠道", max_length=20, choices=Channel.choices)
    source_type = models.CharField("来源类型", max_length=20, choices=SourceType.choices)
    district = models.ForeignKey(
        District, verbose_name="所属区县", on_delete=models.SET_NULL, null=True, blank=True
    )
    text = models.TextField("内容")
    submitted_on = models.DateField("日期")
    contact = models.CharField("联系方式", max_length=100, blank=True, help_text="不公开。")
    receipt = models.CharField("回执编号", max_length=20, unique=True)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    theme = models.ForeignKey(
        Theme,
        verbose_name="归并主题",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
    )
    tags = models.ManyToManyField(Tag, verbose_name="标签", blank=True, related_name="suggestions")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人/录入人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Natural key of an imported row (its 编号, or a hash of channel+source+text+date), so a
    # second import of the same spreadsheet inserts nothing. NULL (not "") for rows entered
    # by hand, so they never collide in the unique constraint.
    import_key = models.CharField(  # noqa: DJ001
        "导入键", max_length=64, null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "意见建议"
        ordering = ["-submitted_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "import_key"], name="suggestion_import_key_unique"
            ),
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(theme__isnull=False),
                name="merged_suggestion_has_theme",
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "department", "status"]),
            # Newest first, the API's cursor pages and the triage list: an index range scan.
            models.Index(fields=["campaign", "submitted_on", "id"], name="suggestion_campaign_day"),
            models.Index(fields=["submitted_on", "id"], name="suggestion_day"),
        ]

    def __str__(self) -> str:
        return f"{self.receipt}"

    @property
    def answer_summary(self) -> "AnswerSummary | None":
        """The answer as the public and the deputy read it, from `answers` (prefetch it on
        lists): the latest version's text, the first answer's time and, once corrected, the
        latest correction's. Never who answered."""
        versions = sorted(self.answers.all(), key=lambda a: a.version)
        if not versions:
            return None
        latest = versions[-1]
        return AnswerSummary(
            text=latest.text,
            version=latest.version,
            answered_at=versions[0].created_at,
            corrected_at=latest.created_at if latest.version > 1 else None,
        )


@dataclass(frozen=True)
class AnswerSummary:
    text: str
    version: int
    answered_at: dt.datetime
    corrected_at: dt.datetime | None

    @property
    def corrected(self) -> bool:
        return self.corrected_at is not None


ANSWER_MAX, ANSWER_REASON_MAX = 2000, 500


class SuggestionAnswer(FrozenModel, models.Model):
    """The committee's answer to a suggestion (办理答复), append-only: a stored version is
    never changed or deleted (FrozenModel, FrozenQuerySet and, on PostgreSQL, the trigger of
    migration 0005). A correction is a new version with its reason; the latest is shown."""

    suggestion = models.ForeignKey(
        Suggestion, verbose_name="意见建议", on_delete=models.CASCADE, related_name="answers"
    )
    version = models.PositiveSmallIntegerField("版本")
    text = models.TextField("答复内容")
    reason = models.TextField("更正理由", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="答复人",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    # A default, not auto_now_add, so the demo can date its answers in the campaign's past.
    created_at = models.DateTimeField("答复时间", default=timezone.now)

    objects = FrozenQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "意见建议答复"
        ordering = ["suggestion", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "version"], name="suggestion_answer_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="suggestion_answer_version_positive"
            ),
            # A correction says what was corrected and why.
            models.CheckConstraint(
                condition=Q(version=1) | ~Q(reason=""),
                name="suggestion_answer_correction_has_reason",
            ),
        ]

    frozen_message = "已发出的答复不能修改或删除；如需更正，请提交更正答复并说明理由。"

    def __str__(self) -> str:
        return f"{self.suggestion_id} 答复第{self.version}版"

    def is_stored_frozen(self) -> bool:
        return SuggestionAnswer.objects.filter(pk=self.pk).exists()  # every version is sent

    @classmethod
    def frozen_q(cls) -> Q:
        return Q()  # every version is sent


class RejectedPair(models.Model):
    """Staff said two suggestions are not the same theme: never propose them together again."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", verbose_name="评议活动"
    )
    first = models.ForeignKey(
        Suggestion, on_delete=models.CASCADE, related_name="+", verbose_name="第一条意见建议"
    )
    second = models.ForeignKey(
        Suggestion, on_delete=models.CASCADE, related_name="+", verbose_name="第二条意见建议"
    )
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="否决人",
    )

    class Meta:
        verbose_name = verbose_name_plural = "已否决的归并建议"
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="rejected_pair_unique"),
            models.CheckConstraint(
                condition=Q(first__lt=F("second")), name="rejected_pair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ≠ {self.second_id}"


class KeyIssue(models.Model):
    """A key issue (重点整改问题) of one evaluated department: proposed by the research group,
    confirmed by staff. Only confirmed ones count toward the campaign's bounds and go public."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "调研组提出"
        CONFIRMED = "confirmed", "已确定"

    department = models.ForeignKey(
        EvaluatedDepartment,
        verbose_name="被评议部门（单位）",
        on_delete=models.CASCADE,
        related_name="key_issues",
    )
    title = models.CharField("问题", max_length=120)
    description = models.TextField("问题描述", blank=True)
    themes = models.ManyToManyField(
        Theme, verbose_name="来源主题", blank=True, related_name="key_issues"
    )
    hotline_categories = models.TextField(
        "相关12345热线诉求类别",
        blank=True,
        help_text="每行一个类别，写法与热线数据相同，如“城乡建设>物业管理”；一个类别包含其下各子类。",
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    position = models.PositiveSmallIntegerField("排序", default=0)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="提出人",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="确认人",
    )
    confirmed_at = models.DateTimeField("确定时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "重点整改问题"
        ordering = ["department", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "title"], name="key_issue_title_unique_per_department"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def hotline_category_list(self) -> list[str]:
        return [line.strip() for line in self.hotline_categories.splitlines() if line.strip()]
