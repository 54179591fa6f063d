"""Rectification (整改落实) of confirmed key issues, and follow-up (跟踪问效).

A key issue gets one plan (整改方案) written by the department's liaison. Staff publish it as
the department's public commitment (公开承诺); every publication freezes a PlanVersion, so a
published commitment is never silently edited. Measures (整改措施) are the ledger (台账).
Progress updates go public only once staff publish them. Status badges and overdue days are
computed from dates (see `status.py`), never stored."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.frozen import FrozenModel, FrozenQuerySet
from issues.models import KeyIssue


class Plan(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "编制中"
        SUBMITTED = "submitted", "待审核"
        PUBLISHED = "published", "已公开"

    key_issue = models.OneToOneField(
        KeyIssue, verbose_name="重点整改问题", on_delete=models.CASCADE, related_name="plan"
    )
    goals = models.TextField("整改目标", blank=True)
    deadline = models.DateField("完成时限", null=True, blank=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.DRAFT)
    # 1 for the first rectification; +1 each time the committee orders re-rectification.
    round = models.PositiveSmallIntegerField("整改轮次", default=1)
    # Why staff sent the submitted plan back (plan_return); cleared when it is resubmitted.
    return_reason = models.TextField("退回理由", blank=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "整改方案"

    def __str__(self) -> str:
        return f"{self.key_issue} 整改方案"


class PlanVersion(FrozenModel, models.Model):
    """A published commitment, frozen: goals, deadline and measures as the public saw them."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="versions", verbose_name="整改方案"
    )
    number = models.PositiveSmallIntegerField("版本")
    goals = models.TextField("整改目标")
    deadline = models.DateField("完成时限", null=True, blank=True)
    measures = models.JSONField("整改措施", default=list)
    changes = models.JSONField("与上一版相比的变化", default=list)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="公布人",
    )
    published_at = models.DateTimeField("公开时间")

    objects = FrozenQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "公开承诺版本"
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plan} 第{self.number}版"

    frozen_message = "已公开的整改承诺版本不能修改或删除；如需调整，请重新提交并公开新版本。"

    def is_stored_frozen(self) -> bool:
        return PlanVersion.objects.filter(pk=self.pk).exists()  # every version is published

    @classmethod
    def frozen_q(cls) -> Q:
        return Q()  # every version is published


class Measure(models.Model):
    class State(models.TextChoices):
        NOT_STARTED = "not_started", "未开始"
        IN_PROGRESS = "in_progress", "推进中"
        DONE = "done", "已完成"
        CLOSED = "closed", "已销号"
        # A measure with progress that will not be carried on: kept, with its reason, in the
        # ledger and on the public page (published progress stays as it was published).
        WITHDRAWN = "withdrawn", "已撤回"

    OPEN_STATES = (State.NOT_STARTED, State.IN_PROGRESS)

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="measures", verbose_name="整改方案"
    )
    position = models.PositiveSmallIntegerField("排序", default=0)
    title = models.CharField("整改措施", max_length=300)
    responsible_unit = models.CharField("责任单位", max_length=100)
    responsible_person = models.CharField("责任人", max_length=50)
    deadline = models.DateField("完成时限")
    target_value = models.DecimalField(
        "目标值", max_digits=14, decimal_places=2, null=True, blank=True
    )
    target_unit = models.CharField("单位", max_length=20, blank=True, help_text="如：处、所、条")
    current_value = models.DecimalField(
        "当前值", max_digits=14, decimal_places=2, null=True, blank=True
    )
    state = models.CharField(
        "状态", max_length=12, choices=State.choices, default=State.NOT_STARTED, db_index=True
    )
    round = models.PositiveSmallIntegerField("整改轮次", default=1)
    evidence = models.TextField("完成佐证", blank=True)
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="完成确认人",
    )
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    withdraw_reason = models.TextField("撤回理由", blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="撤回人",
    )
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "整改措施"
        ordering = ["plan", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="closed") | Q(closed_at__isnull=False),
                name="closed_measure_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state="withdrawn")
                | (Q(withdrawn_at__isnull=False) & ~Q(withdraw_reason="")),
                name="withdrawn_measure_has_reason_and_time",
            ),
            models.CheckConstraint(
                condition=Q(target_value__isnull=True) | Q(target_value__gt=0),
                name="measure_target_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def is_withdrawn(self) -> bool:
        return self.state == self.State.WITHDRAWN


class ProgressUpdate(FrozenModel, models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "待审核"
        PUBLISHED = "published", "已公开"
        RETURNED = "returned", "已退回"

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="updates", verbose_name="整改方案"
    )
    text = models.TextField("进展情况")
    percent = models.PositiveSmallIntegerField("整体完成进度（%）")
    state = models.CharField(
        "状态", max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="报送人",
    )
    created_at = models.DateTimeField("报送时间")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审核人",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    published_at = models.DateTimeField("公开时间", null=True, blank=True, db_index=True)
    return_reason = models.TextField("退回理由", blank=True)

    objects = FrozenQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "整改进展"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="update_percent_range"),
            models.CheckConstraint(
                condition=~Q(state="published") | Q(published_at__isnull=False),
                name="published_update_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state="returned") | ~Q(return_reason=""),
                name="returned_update_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.key_issue} 进展 {self.created_at:%Y-%m-%d}"

    frozen_message = "已公开的整改进展不能修改或删除。"

    def is_stored_frozen(self) -> bool:
        return ProgressUpdate.objects.filter(pk=self.pk, state=self.State.PUBLISHED).exists()

    @classmethod
    def frozen_q(cls) -> Q:
        return Q(state=cls.State.PUBLISHED)


class IndicatorValue(models.Model):
    """A measure's numeric indicator as reported in one update (against its target)."""

    update = models.ForeignKey(
        ProgressUpdate, on_delete=models.CASCADE, related_name="values", verbose_name="整改进展"
    )
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="values", verbose_name="整改措施"
    )
    value = models.DecimalField("数值", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = verbose_name_plural = "指标数值"
        constraints = [
            models.UniqueConstraint(fields=["update", "measure"], name="indicator_once_per_update")
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {self.value}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", "图片"
        PDF = "pdf", "PDF"

    update = models.ForeignKey(
        ProgressUpdate,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name="整改进展",
    )
    kind = models.CharField("类型", max_length=5, choices=Kind.choices)
    file = models.FileField("文件", upload_to="rectification/")
    thumbnail = models.FileField("缩略图", upload_to="rectification/thumbs/", blank=True)
    original_name = models.CharField("原文件名", max_length=200)
    # The liaison's words for what a photo shows: part of its alt text (never the file name).
    caption = models.CharField("照片说明", max_length=200, blank=True)
    size = models.PositiveIntegerField("大小（字节）")
    width = models.PositiveIntegerField(null=True, blank=True, verbose_name="宽度")
    height = models.PositiveIntegerField(null=True, blank=True, verbose_name="高度")

    class Meta:
        verbose_name = verbose_name_plural = "进展附件"
        ordering = ["update", "id"]

    def __str__(self) -> str:
        return self.original_name


class Verdict(models.Model):
    """The committee's verdict on a key issue at the report hearing. Not satisfied reopens
    rectification (重新整改) with a new deadline; every verdict is kept."""

    class Result(models.TextChoices):
        SATISFIED = "satisfied", "满意"
        NOT_SATISFIED = "not_satisfied", "不满意"

    key_issue = models.ForeignKey(
        KeyIssue, verbose_name="重点整改问题", on_delete=models.CASCADE, related_name="verdicts"
    )
    round = models.PositiveSmallIntegerField("整改轮次")
    result = models.CharField("评议意见", max_length=15, choices=Result.choices)
    remarks = models.TextField("常委会意见", blank=True)
    new_deadline = models.DateField("重新整改完成时限", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="录入人",
    )
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = verbose_name_plural = "整改评议意见"
        ordering = ["key_issue", "recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["key_issue", "round"], name="verdict_once_per_round"),
            models.CheckConstraint(
                condition=Q(result="satisfied") | Q(new_deadline__isnull=False),
                name="not_satisfied_has_new_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key_issue} 第{self.round}轮 {self.get_result_display()}"


class Rebound(models.Model):
    """Follow-up (跟踪问效): a key issue that came back after the batch was published."""

    key_issue = models.ForeignKey(
        KeyIssue, verbose_name="重点整改问题", on_delete=models.CASCADE, related_name="rebounds"
    )
    evidence = models.TextField("反弹依据")
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="标记人",
    )
    flagged_at = models.DateTimeField("标记时间")
    resolution = models.TextField("解决情况", blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="处理人",
    )
    resolved_at = models.DateTimeField("解决时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "问题反弹"
        ordering = ["-flagged_at", "-id"]
        constraints = [
            # At most one open rebound per key issue.
            models.UniqueConstraint(
                fields=["key_issue"],
                condition=Q(resolved_at__isnull=True),
                name="one_open_rebound_per_issue",
            )
        ]

    def __str__(self) -> str:
        return f"{self.key_issue} 反弹"


class Notice(models.Model):
    """A reminder in a user's workspace (and by email). One per recipient and condition:
    the constraint is what makes the daily job send each reminder once."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "整改措施即将到期"
        OVERDUE = "overdue", "整改措施已逾期"
        SILENT = "silent", "部门长时间未报送进展"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="rectification_notices",
        verbose_name="接收人",
    )
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    # The measure (due_soon, overdue) or the evaluated department (silent).
    object_id = models.PositiveBigIntegerField(verbose_name="对象编号")
    # What makes the condition new: the deadline, or the date of the last update.
    condition_key = models.CharField(max_length=40, verbose_name="提醒条件")
    message = models.CharField("内容", max_length=300)
    url = models.CharField(max_length=200, blank=True, verbose_name="链接")
    created_at = models.DateTimeField("时间")
    read_at = models.DateTimeField(null=True, blank=True, verbose_name="阅读时间")

    class Meta:
        verbose_name = verbose_name_plural = "整改提醒"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "object_id", "condition_key"],
                name="notice_once_per_condition",
            )
        ]

    def __str__(self) -> str:
        return self.message


class Event(models.Model):
    """Append-only history of a key issue's rectification: who did what, when."""

    key_issue = models.ForeignKey(
        KeyIssue, on_delete=models.CASCADE, related_name="+", verbose_name="重点问题"
    )
    action = models.CharField(max_length=40, verbose_name="操作")
    detail = models.TextField(blank=True, verbose_name="详情")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="操作人",
    )
    at = models.DateTimeField(verbose_name="时间")

    class Meta:
        verbose_name = verbose_name_plural = "整改记录"
        ordering = ["key_issue", "at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"
