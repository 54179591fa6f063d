import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from core.frozen import FrozenModel, FrozenQuerySet
from core.routing import slug_clashes
from departments.models import Department, Organizer

from .stages import Stage, Window
from .tally import quorum_met

STAGE_CHOICES = [(stage.value, stage.label) for stage in Stage]

# The campaign's own pages: its slug must reach them and nothing else (/2021/, /staff/2021/).
CAMPAIGN_ROUTES = ("campaigns:detail", "campaigns-staff:campaign")


def validate_campaign_slug(value: str) -> None:
    """Refuses a slug that collides with a system path (staff, workspace, api, hotline, …),
    read from the URLconf so a route added later is covered too."""
    if value and slug_clashes(value, route_names=CAMPAIGN_ROUTES):
        raise ValidationError(
            f"该网址标识与系统路径冲突（{value}），请换一个。", code="reserved_slug"
        )


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
    decision_text = models.TextField(
        "常委会决定",
        blank=True,
        help_text="常委会《关于开展专项工作评议的决定》的要点，在公开页面显示。",
    )
    # Not a column: the public pages attach it (typed for mypy).
    suggestion_window: Window

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

    def clean_fields(self, exclude=None):
        # validate_campaign_slug is a field validator in effect; it is called here rather
        # than listed in the field's validators so that it needs no migration.
        errors: dict = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if "slug" not in (exclude or ()) and "slug" not in errors:
            try:
                validate_campaign_slug(self.slug)
            except ValidationError as exc:
                errors["slug"] = exc.error_list
        if errors:
            raise ValidationError(errors)


class Batch(models.Model):
    """A batch (批次) of evaluated departments, voted and heard together."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="评议活动", on_delete=models.CASCADE, related_name="batches"
    )
    number = models.PositiveSmallIntegerField("批次序号")
    name = models.CharField("名称", max_length=60)
    vote_date = models.DateField("票决日期", null=True, blank=True)
    hearing_date = models.DateField("听取报告日期", null=True, blank=True)
    stage = models.CharField(
        "当前阶段", max_length=20, choices=STAGE_CHOICES, default=Stage.SELECTION.value
    )
    slots = models.PositiveSmallIntegerField(
        "应选名额", null=True, blank=True, help_text="票决时从候选部门中确定的名额。"
    )
    departments = models.ManyToManyField(
        Department, through="EvaluatedDepartment", verbose_name="被评议部门（单位）"
    )
    # Not columns: campaigns.selectors attaches them for the page (typed for mypy).
    timeline: list[Any]
    evaluation_window: Window

    class Meta:
        verbose_name = verbose_name_plural = "批次"
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="batch_number_unique"),
            models.CheckConstraint(
                condition=Q(stage__in=[s.value for s in Stage]), name="batch_stage_valid"
            ),
            models.CheckConstraint(
                condition=Q(slots__isnull=True) | Q(slots__gte=1), name="batch_slots_positive"
            ),
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


class StageTransition(models.Model):
    """One move of a batch from a stage to another: who, when, and why (history only)."""

    batch = models.ForeignKey(
        Batch, verbose_name="批次", on_delete=models.CASCADE, related_name="transitions"
    )
    from_stage = models.CharField("原阶段", max_length=20, choices=STAGE_CHOICES, blank=True)
    to_stage = models.CharField("新阶段", max_length=20, choices=STAGE_CHOICES)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField("时间", default=timezone.now)
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "阶段变更记录"
        ordering = ["batch", "at", "id"]

    def __str__(self) -> str:
        return f"{self.batch} {self.from_stage}→{self.to_stage}"


class StagePlan(models.Model):
    """The planned dates of one stage of a batch; actual dates come from the transitions."""

    batch = models.ForeignKey(
        Batch, verbose_name="批次", on_delete=models.CASCADE, related_name="plans"
    )
    stage = models.CharField("阶段", max_length=20, choices=STAGE_CHOICES)
    planned_start = models.DateField("计划开始", null=True, blank=True)
    planned_end = models.DateField("计划结束", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "阶段计划"
        ordering = ["batch", "planned_start"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "stage"], name="stage_plan_once"),
            models.CheckConstraint(
                condition=Q(planned_start__isnull=True)
                | Q(planned_end__isnull=True)
                | Q(planned_end__gte=F("planned_start")),
                name="stage_plan_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch} {self.get_stage_display()}"


class Nomination(models.Model):
    """A candidate department (候选部门) proposed by staff for a batch's selection vote."""

    batch = models.ForeignKey(
        Batch, verbose_name="批次", on_delete=models.CASCADE, related_name="nominations"
    )
    department = models.ForeignKey(
        Department, verbose_name="部门（单位）", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField("提名理由", max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提名人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("提名时间", default=timezone.now)
    # Not a column: campaigns.selectors attaches it for the page (typed for mypy).
    recent_years: list[int]

    class Meta:
        verbose_name = verbose_name_plural = "候选部门提名"
        ordering = ["batch", "id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "department"], name="nomination_once"),
        ]

    def __str__(self) -> str:
        return f"{self.batch} · {self.department}"


class VoteSession(FrozenModel, models.Model):
    """One round of a batch's selection vote (票决). Round 1 is the vote on all nominations;
    later rounds are run-offs among candidates tied across the last slot. The candidate
    list, `slots` and the rule are copied in when the session opens and never change."""

    class State(models.TextChoices):
        OPEN = "open", "投票中"
        CLOSED = "closed", "已结束（待公布）"
        PUBLISHED = "published", "已公布"

    batch = models.ForeignKey(
        Batch, verbose_name="批次", on_delete=models.CASCADE, related_name="vote_sessions"
    )
    round = models.PositiveSmallIntegerField("轮次", default=1)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.OPEN)
    slots = models.PositiveSmallIntegerField("应选名额")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="开启人"
    )
    opened_at = models.DateTimeField("开始时间", default=timezone.now)
    # Optional, set by staff when opening: shown on the ballot; members who have not voted
    # hear NOTIFY_CLOSING_SOON_HOURS before it (campaigns.notify). Staff still close by hand.
    closes_at = models.DateTimeField("计划截止时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="结束人",
    )
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="公布人",
    )
    published_at = models.DateTimeField("公布时间", null=True, blank=True)
    # Filled on close from campaigns.tally; empty while the vote is open (no interim counts).
    eligible_count = models.PositiveIntegerField("应投票人数", default=0)
    ballots_cast = models.PositiveIntegerField("收回选票", null=True, blank=True)
    abstentions = models.PositiveIntegerField("弃权票", null=True, blank=True)
    threshold = models.PositiveIntegerField("当选所需票数", null=True, blank=True)
    # Not columns: campaigns.selectors attaches them for the pages (typed for mypy).
    turnout: dict[str, int]
    has_tie: bool
    is_eligible: bool

    objects = FrozenQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "票决"
        ordering = ["batch", "round"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "round"], name="vote_round_once"),
            models.UniqueConstraint(
                fields=["batch"],
                condition=Q(state="open"),
                name="vote_one_open_per_batch",
            ),
            models.CheckConstraint(condition=Q(slots__gte=1), name="vote_slots_positive"),
            models.CheckConstraint(
                condition=Q(state__in=["open", "closed", "published"]), name="vote_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(state="open") | Q(ballots_cast__isnull=False, closed_at__isnull=False),
                name="vote_closed_has_result",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch} 票决" + (f"（第{self.round}轮）" if self.round > 1 else "")

    frozen_message = "已公布的票决结果不能修改或删除。"

    def is_stored_frozen(self) -> bool:
        return VoteSession.objects.filter(pk=self.pk, state=self.State.PUBLISHED).exists()

    @classmethod
    def frozen_q(cls) -> Q:
        return Q(state=cls.State.PUBLISHED)

    @property
    def quorate(self) -> bool:
        """More than half of the roll (eligible_count, fixed at open) cast a ballot; always
        true before the count. An invalid round cannot be published (tally.quorum_met)."""
        if self.ballots_cast is None or not self.eligible_count:
            return True
        return quorum_met(self.ballots_cast, self.eligible_count)

    @property
    def is_runoff(self) -> bool:
        return self.round > 1


class VoteCandidate(FrozenModel, models.Model):
    """A department on a session's ballot. `votes` and `outcome` stay empty while open."""

    class Outcome(models.TextChoices):
        SELECTED = "selected", "当选"
        NOT_SELECTED = "not_selected", "未当选"
        TIED = "tied", "票数相同，需再次投票"

    session = models.ForeignKey(
        VoteSession, verbose_name="票决", on_delete=models.CASCADE, related_name="candidates"
    )
    department = models.ForeignKey(
        Department, verbose_name="部门（单位）", on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField("排序", default=0)
    reason = models.CharField("提名理由", max_length=500, blank=True)
    votes = models.PositiveIntegerField("得票", null=True, blank=True)
    outcome = models.CharField("结果", max_length=20, choices=Outcome.choices, blank=True)

    objects = FrozenQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "票决候选部门"
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "department"], name="candidate_once"),
        ]

    def __str__(self) -> str:
        return str(self.department)

    frozen_message = VoteSession.frozen_message

    def is_stored_frozen(self) -> bool:
        stored = VoteCandidate.objects.filter(pk=self.pk).values("session_id")
        return VoteSession.objects.filter(pk__in=stored, state=VoteSession.State.PUBLISHED).exists()

    @classmethod
    def frozen_q(cls) -> Q:
        return Q(session__state=VoteSession.State.PUBLISHED)


class VoteEligibility(models.Model):
    """A committee member entitled to vote in a session (the roll, fixed at opening)."""

    session = models.ForeignKey(
        VoteSession, verbose_name="票决", on_delete=models.CASCADE, related_name="eligible"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="投票人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "投票人名单"
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="eligible_once"),
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.member}"


class VoteParticipation(models.Model):
    """The record THAT a member voted, and nothing about HOW.

    Secret ballot: this table and `Ballot`/`BallotChoice` share only the session. There is
    no foreign key between them, and nothing that orders both sides the same way:

    * no timestamp here nor on the ballot side (a `voted_at` next to a ballot's insertion
      order would let anyone join the two by time);
    * ballots and their choices have random UUID primary keys, so no sequential id
      correlates with this table's id;
    * both rows are written in one transaction, so a ballot exists iff its participation
      row does, and a rolled-back double submission leaves neither.

    The UniqueConstraint below is what makes "one ballot per member per session" hold
    under concurrent submissions: the second INSERT fails and its transaction (with its
    ballot) rolls back. Until the vote closes, someone with raw access to the database could
    still pair rows by PostgreSQL's `xmin` or by physical row order; `vote_close` rewrites
    the ballots shuffled with fresh ids and vacuums (core.unlinking, docs/security.md). The
    application never logs ballot content next to a user.
    """

    session = models.ForeignKey(
        VoteSession, verbose_name="票决", on_delete=models.CASCADE, related_name="participations"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="投票人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "投票记录"
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="one_ballot_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.member} 已投票"


class Ballot(models.Model):
    """One anonymous ballot. No member, no timestamp, random id: see VoteParticipation.
    An empty ballot (no choices) is an abstention."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False, verbose_name="编号")
    session = models.ForeignKey(
        VoteSession, verbose_name="票决", on_delete=models.CASCADE, related_name="ballots"
    )

    class Meta:
        verbose_name = verbose_name_plural = "选票"

    def __str__(self) -> str:
        return "选票"  # deliberately nothing identifying


class BallotChoice(models.Model):
    """A candidate chosen on a ballot. UUID pk for the same reason as `Ballot`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False, verbose_name="编号")
    ballot = models.ForeignKey(
        Ballot, verbose_name="选票", on_delete=models.CASCADE, related_name="choices"
    )
    candidate = models.ForeignKey(
        VoteCandidate, verbose_name="候选部门", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "选票选择"
        constraints = [
            models.UniqueConstraint(fields=["ballot", "candidate"], name="choice_once"),
        ]

    def __str__(self) -> str:
        return "选票选择"


def statement_upload_to(instance, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower()
    return f"statements/{uuid.uuid4().hex}.{ext}"


class CommitmentStatement(models.Model):
    """A department head's public commitment (表态发言) at the mobilization meeting."""

    evaluated = models.OneToOneField(
        EvaluatedDepartment,
        verbose_name="被评议部门（单位）",
        on_delete=models.CASCADE,
        related_name="statement",
    )
    speaker = models.CharField("发言人", max_length=80)
    date = models.DateField("发言日期")
    text = models.TextField("发言内容", blank=True)
    file = models.FileField("发言稿文件", upload_to=statement_upload_to, blank=True)
    file_name = models.CharField("原文件名", max_length=200, blank=True)
    is_published = models.BooleanField("已公开", default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="最后修改人",
    )
    updated_at = models.DateTimeField("最后修改时间", default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="公布人",
    )
    published_at = models.DateTimeField("公布时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "表态发言"
        constraints = [
            models.CheckConstraint(
                condition=~Q(text="") | ~Q(file=""), name="statement_has_text_or_file"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluated} 表态发言"
