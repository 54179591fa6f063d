"""Scoring: settings, the five inputs, and versioned score sheets.

Secret ballots. For committee scoring, surveys and the public vote, the record that a person
took part (a *participation* row: who, when, from where) is stored apart from what they
answered (a *content* row). Content rows have random UUID primary keys and no timestamps and
no foreign key to the participation, so neither a join, nor an ordering of ids, nor a
matching of times links a person to an answer. Both rows are written in one transaction,
so the counts always agree. Exceptions, each deliberate:
- a campaign may make committee scoring named (实名, `ScoringConfig.committee_named`); the
  committee ballot then names its member;
- a public ballot carries a `seal`, an HMAC of its participation id keyed with a server
  secret, so that staff voiding a suspicious participation (a burst from one network) void
  exactly its ballot. The database alone cannot join the two; the running server can.
- survey content keeps the respondent's *group* (city deputies, public...), which the
  formula needs, never the respondent.
On PostgreSQL, rows written in one transaction share the system column `xmin`, so while a
vote is open someone with direct database access could match a participation to its
content. Closing the vote rewrites the content rows in a shuffled order with fresh ids in
the closing transaction and vacuums the tables (core.unlinking, docs/security.md).
"""

import logging
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from campaigns.models import Batch, Campaign, EvaluatedDepartment
from core.frozen import FrozenModel

from .formulas import Quorum, Rating, SurveyGroup

logger = logging.getLogger(__name__)

SCORE = {"max_digits": 5, "decimal_places": 2}
WEIGHT = {"max_digits": 6, "decimal_places": 4}


def _score_range(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 0}) & Q(**{f"{field}__lte": 100}), name=name
    )


RATING_CHOICES = [(r.value, r.label) for r in Rating]
QUORUM_CHOICES = [(q.value, q.label) for q in Quorum]
GROUP_CHOICES = [(g.value, g.label) for g in SurveyGroup]


class ScoringConfig(models.Model):
    """A campaign's scoring settings (defaults of scoring.md). Validated by
    `formulas.validate_settings` in the service before saving; changes go to ScoringEvent."""

    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, related_name="scoring_config", verbose_name="评议活动"
    )
    weight_research = models.DecimalField("调研权重", default="0.25", **WEIGHT)
    weight_hotline = models.DecimalField("热线权重", default="0.20", **WEIGHT)
    weight_survey = models.DecimalField("代表及社会各界评价权重", default="0.25", **WEIGHT)
    weight_public_vote = models.DecimalField("网上社会投票权重", default="0.10", **WEIGHT)
    weight_committee = models.DecimalField("电子表决测评权重", default="0.20", **WEIGHT)
    points_satisfied = models.DecimalField("满意分值", default=100, **SCORE)
    points_basic = models.DecimalField("基本满意分值", default=60, **SCORE)
    points_dissatisfied = models.DecimalField("不满意分值", default=0, **SCORE)
    trim_threshold = models.PositiveSmallIntegerField("去掉最高最低分的最少评分个数", default=7)
    hotline_volume_flat_score = models.DecimalField("工单量持平时的工单量得分", default=80, **SCORE)
    hotline_change_factor = models.DecimalField(
        "工单量变化系数", default=100, max_digits=7, decimal_places=2
    )
    hotline_s_weight = models.DecimalField("满意率得分的权重", default="0.7", **WEIGHT)
    hotline_t_weight = models.DecimalField("工单量得分的权重", default="0.3", **WEIGHT)
    hotline_low_sample_threshold = models.PositiveIntegerField("低样本阈值", default=30)
    survey_group_weights = models.JSONField(
        "调查组别权重", default=dict, blank=True, help_text="组别 → 权重（字符串）；缺省为 1。"
    )
    committee_named = models.BooleanField(
        "电子表决测评实名", default=False, help_text="勾选后，测评票记录评分人（实名）。"
    )
    committee_quorum = models.CharField(
        "电子表决测评法定人数",
        max_length=20,
        choices=QUORUM_CHOICES,
        default=Quorum.MAJORITY,
        help_text="评分人数未达到时，该部门的电子表决测评得分缺失（未达法定人数）。",
    )

    class Meta:
        verbose_name = verbose_name_plural = "评分设置"

    def __str__(self) -> str:
        return f"{self.campaign} 评分设置"


class ScoringEvent(models.Model):
    """Append-only history of every change to a score, a vote or the settings: who, when,
    what. Never stores the content of a secret ballot next to its voter."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", verbose_name="评议活动"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作人",
    )
    at = models.DateTimeField("时间", auto_now_add=True)
    action = models.CharField("操作", max_length=40)
    summary = models.CharField("说明", max_length=300)
    data = models.JSONField("数据", default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "评分记录"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.summary}"


class ResearchScore(models.Model):
    """The research group's current score for a department (one per department)."""

    evaluated = models.OneToOneField(
        EvaluatedDepartment,
        on_delete=models.CASCADE,
        related_name="research_score",
        verbose_name="被评议部门（单位）",
    )
    score = models.DecimalField("调研评分", **SCORE)
    justification = models.TextField("评分理由")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="录入人"
    )
    entered_at = models.DateTimeField("录入时间")

    class Meta:
        verbose_name = verbose_name_plural = "调研评分"
        constraints = [_score_range("score", "research_score_range")]

    def __str__(self) -> str:
        return f"{self.evaluated_id}: {self.score}"


# --- Committee electronic scoring ------------------------------------------------------------


class CommitteeSession(models.Model):
    """Electronic scoring of one batch at the hearing session; staff open and close it."""

    batch = models.ForeignKey(
        Batch, on_delete=models.CASCADE, related_name="committee_sessions", verbose_name="批次"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="开始人"
    )
    opened_at = models.DateTimeField("开始时间")
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    # Optional, set by staff when opening: shown on the ballot; members who have not scored
    # hear NOTIFY_CLOSING_SOON_HOURS before it (scoring.notify). Staff still close by hand.
    closes_at = models.DateTimeField("计划截止时间", null=True, blank=True)
    named = models.BooleanField("实名", default=False)
    # The roll (应到名单): the members who may score, fixed when the session opens. Quorum is
    # counted against it; a member added to the committee later is not on it.
    roll = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", blank=True, verbose_name="应到名单"
    )
    roll_size = models.PositiveIntegerField("应到人数", default=0)
    # Why staff opened it: required for a correction round after publication.
    reason = models.TextField("开始理由", blank=True)
    # Voiding is the only way to take a closed round's ballots out of the scores.
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="作废人",
    )
    void_reason = models.TextField("作废理由", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "电子表决测评"
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch"], condition=Q(closed_at__isnull=True), name="one_open_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.batch} 电子表决测评"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class CommitteeParticipation(models.Model):
    """Member M submitted a ballot in session S (and when). Says nothing of the scores."""

    session = models.ForeignKey(
        CommitteeSession,
        on_delete=models.CASCADE,
        related_name="participations",
        verbose_name="电子表决测评",
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="委员"
    )
    submitted_at = models.DateTimeField(verbose_name="提交时间")

    class Meta:
        verbose_name = verbose_name_plural = "电子表决参与记录"
        constraints = [
            models.UniqueConstraint(
                fields=["session", "member"], name="committee_one_ballot_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.member_id}"


class CommitteeBallot(models.Model):
    """A ballot's content: random id, no time, no member unless the session is named."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False, verbose_name="编号")
    session = models.ForeignKey(
        CommitteeSession,
        on_delete=models.CASCADE,
        related_name="ballots",
        verbose_name="电子表决测评",
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="委员",
    )

    class Meta:
        verbose_name = verbose_name_plural = "电子表决测评票"

    def __str__(self) -> str:
        return str(self.id)


class CommitteeScore(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False, verbose_name="编号")
    ballot = models.ForeignKey(
        CommitteeBallot, on_delete=models.CASCADE, related_name="scores", verbose_name="测评票"
    )
    evaluated = models.ForeignKey(
        EvaluatedDepartment,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="被评议部门（单位）",
    )
    score = models.DecimalField("评分", **SCORE)

    class Meta:
        verbose_name = verbose_name_plural = "电子表决测评评分"
        constraints = [
            models.UniqueConstraint(fields=["ballot", "evaluated"], name="one_score_per_dept"),
            _score_range("score", "committee_score_range"),
        ]

    def __str__(self) -> str:
        return str(self.id)


# --- Surveys ---------------------------------------------------------------------------------


class Survey(models.Model):
    """人大代表及社会各界评价 for one batch."""

    batch = models.ForeignKey(
        Batch, on_delete=models.CASCADE, related_name="surveys", verbose_name="批次"
    )
    title = models.CharField("标题", max_length=120)
    is_open = models.BooleanField("进行中", default=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="创建时间")

    class Meta:
        verbose_name = verbose_name_plural = "评价调查"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class SurveyRespondent(models.Model):
    """Someone invited to answer: a one-time link (token) or a deputy's account."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="respondents", verbose_name="评价调查"
    )
    group = models.CharField("组别", max_length=30, choices=GROUP_CHOICES)
    label = models.CharField("名称", max_length=80)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="用户",
    )
    # The token is the respondent's capability; kept so that invitations can be reprinted.
    token = models.CharField(max_length=43, unique=True, verbose_name="邀请令牌")

    class Meta:
        verbose_name = verbose_name_plural = "评价调查受邀人"
        ordering = ["group", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "user"], condition=Q(user__isnull=False), name="one_row_per_user"
            )
        ]

    def __str__(self) -> str:
        return self.label


class SurveyParticipation(models.Model):
    """Respondent R answered (once: the OneToOne is the database's guard)."""

    respondent = models.OneToOneField(
        SurveyRespondent,
        on_delete=models.CASCADE,
        related_name="participation",
        verbose_name="受邀人",
    )
    answered_at = models.DateTimeField(verbose_name="作答时间")

    class Meta:
        verbose_name = verbose_name_plural = "评价调查作答记录"

    def __str__(self) -> str:
        return f"{self.respondent_id}"


class SurveyResponse(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False, verbose_name="编号")
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="responses", verbose_name="评价调查"
    )
    group = models.CharField(max_length=30, choices=GROUP_CHOICES, verbose_name="组别")

    class Meta:
        verbose_name = verbose_name_plural = "评价调查答卷"

    def __str__(self) -> str:
        return str(self.id)


class SurveyRating(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False, verbose_name="编号")
    response = models.ForeignKey(
        SurveyResponse, on_delete=models.CASCADE, related_name="ratings", verbose_name="答卷"
    )
    evaluated = models.ForeignKey(
        EvaluatedDepartment,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="被评议部门（单位）",
    )
    rating = models.CharField(max_length=20, choices=RATING_CHOICES, verbose_name="评价")
    comment = models.CharField("意见", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "评价调查评价"
        constraints = [
            models.UniqueConstraint(fields=["response", "evaluated"], name="survey_one_rating")
        ]

    def __str__(self) -> str:
        return str(self.id)


# --- Online public vote ----------------------------------------------------------------------


class PublicVote(models.Model):
    """网上社会投票 of one batch. Ballots count only while it is open."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", verbose_name="评议活动"
    )
    batch = models.OneToOneField(
        Batch, on_delete=models.CASCADE, related_name="public_vote", verbose_name="批次"
    )
    is_open = models.BooleanField("进行中", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "网上社会投票"

    def __str__(self) -> str:
        return f"{self.batch} 网上社会投票"


class PhoneCode(models.Model):
    """A one-time SMS code. Only hashes are stored: the number as the voter hash, the code
    as an HMAC, so a database dump reveals neither."""

    vote = models.ForeignKey(
        "PublicVote", on_delete=models.CASCADE, related_name="codes", verbose_name="网上社会投票"
    )
    phone_hash = models.CharField(max_length=64, db_index=True, verbose_name="手机号哈希")
    code_hash = models.CharField(max_length=64, verbose_name="验证码哈希")
    client_ip = models.GenericIPAddressField(verbose_name="客户端IP")
    created_at = models.DateTimeField(db_index=True, verbose_name="发送时间")
    expires_at = models.DateTimeField(verbose_name="过期时间")
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name="尝试次数")
    used_at = models.DateTimeField(null=True, blank=True, verbose_name="使用时间")

    class Meta:
        verbose_name = verbose_name_plural = "短信验证码"

    def __str__(self) -> str:
        return f"{self.phone_hash[:8]}…"


class SmsLimitLock(models.Model):
    """One row per phone hash ("phone:…") and per client address ("ip:…") that asked for a
    code. code_request() locks the rows it counts for (SELECT … FOR UPDATE, in key order), so
    concurrent requests for one number or from one address are counted one after another and
    the limits hold exactly, across web processes, without a shared cache."""

    key = models.CharField(max_length=100, unique=True, verbose_name="限流键")

    class Meta:
        verbose_name = verbose_name_plural = "短信限流锁"

    def __str__(self) -> str:
        return self.key[:14]


class PublicVoter(models.Model):
    """Participation: voter hash V took part in the campaign's vote, from this client.
    One per voter per campaign. Client data feed the anomaly signals."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False, verbose_name="编号")
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", verbose_name="评议活动"
    )
    vote = models.ForeignKey(
        PublicVote, on_delete=models.CASCADE, related_name="voters", verbose_name="网上社会投票"
    )
    voter_hash = models.CharField(max_length=64, verbose_name="投票人哈希")
    client_ip = models.GenericIPAddressField(verbose_name="客户端IP")
    client_network = models.CharField(max_length=50, verbose_name="客户端网段")
    voted_at = models.DateTimeField(verbose_name="投票时间")
    voided_at = models.DateTimeField(null=True, blank=True, verbose_name="作废时间")
    void_reason = models.CharField("作废原因", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "网上投票参与人"
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "voter_hash"], name="one_public_ballot_per_voter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.voter_hash[:8]}…"


class PublicBallot(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False, verbose_name="编号")
    vote = models.ForeignKey(
        PublicVote, on_delete=models.CASCADE, related_name="ballots", verbose_name="网上社会投票"
    )
    seal = models.CharField(max_length=64, unique=True, verbose_name="选票封印")
    voided = models.BooleanField(default=False, verbose_name="已作废")

    class Meta:
        verbose_name = verbose_name_plural = "网上投票选票"

    def __str__(self) -> str:
        return str(self.id)


class PublicRating(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False, verbose_name="编号")
    ballot = models.ForeignKey(
        PublicBallot, on_delete=models.CASCADE, related_name="ratings", verbose_name="选票"
    )
    evaluated = models.ForeignKey(
        EvaluatedDepartment,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="被评议部门（单位）",
    )
    rating = models.CharField(max_length=20, choices=RATING_CHOICES, verbose_name="评价")

    class Meta:
        verbose_name = verbose_name_plural = "网上投票评价"
        constraints = [
            models.UniqueConstraint(fields=["ballot", "evaluated"], name="public_one_rating")
        ]

    def __str__(self) -> str:
        return str(self.id)


# --- Score sheets ----------------------------------------------------------------------------


class ScoreSheet(FrozenModel, models.Model):
    """One computed version of the campaign's scores. Published versions are frozen: no
    service writes to a published sheet or its rows; a recompute makes a new version.
    save()/delete() refuse a published sheet, and so does a PostgreSQL trigger."""

    frozen_message = "已公布的成绩表不能修改或删除；如需更正，请计算并公布新版本。"

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="score_sheets", verbose_name="评议活动"
    )
    version = models.PositiveIntegerField("版本")
    created_at = models.DateTimeField("计算时间")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="计算人",
    )
    settings_snapshot = models.JSONField(default=dict, verbose_name="评分设置快照")
    inputs_digest = models.CharField(max_length=64, verbose_name="输入摘要")
    complete = models.BooleanField(default=False, verbose_name="数据齐全")
    published_at = models.DateTimeField("公布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="公布人",
    )
    # A correction: this version replaces the published one it names, for the written reason.
    # Set when this sheet is published (who and when are published_by / published_at); the
    # earlier sheet itself is never changed.
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="更正的版本",
    )
    correction_reason = models.TextField("更正理由", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "成绩表"
        ordering = ["campaign", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "version"], name="sheet_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} 第{self.version}版"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def is_stored_frozen(self) -> bool:
        return ScoreSheet.objects.filter(pk=self.pk, published_at__isnull=False).exists()

    def weight(self, component: str) -> Decimal | None:
        """The component's weight as this version was computed with, or None when the
        snapshot is unreadable (logged): a bad snapshot must not take a public page down."""
        try:
            return Decimal(str(self.settings_snapshot["weights"][str(component)])).normalize()
        except (KeyError, TypeError, ValueError, ArithmeticError):
            logger.warning(
                "score sheet %s: unreadable weight %r in settings_snapshot", self.pk, component
            )
            return None


class ScoreRow(FrozenModel, models.Model):
    frozen_message = ScoreSheet.frozen_message

    sheet = models.ForeignKey(
        ScoreSheet, on_delete=models.CASCADE, related_name="rows", verbose_name="成绩表"
    )
    evaluated = models.ForeignKey(
        EvaluatedDepartment,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="被评议部门（单位）",
    )
    batch_name = models.CharField(max_length=60, verbose_name="批次名称")
    department_name = models.CharField(max_length=100, verbose_name="部门名称")
    research = models.DecimalField(null=True, **SCORE, verbose_name="调研评分")
    hotline = models.DecimalField(null=True, **SCORE, verbose_name="热线评分")
    survey = models.DecimalField(null=True, **SCORE, verbose_name="代表及社会各界评价得分")
    public_vote = models.DecimalField(null=True, **SCORE, verbose_name="网上社会投票得分")
    committee = models.DecimalField(null=True, **SCORE, verbose_name="电子表决测评得分")
    composite = models.DecimalField(null=True, **SCORE, verbose_name="综合得分")
    rank_batch = models.PositiveSmallIntegerField(null=True, verbose_name="批次内排名")
    rank_campaign = models.PositiveSmallIntegerField(null=True, verbose_name="总排名")
    # The component keys that block the composite.
    missing = models.JSONField(default=list, verbose_name="缺少的分项")
    low_sample = models.BooleanField(default=False, verbose_name="样本不足")
    explanation = models.JSONField(default=list, verbose_name="计算说明")
    # The snapshot this row was computed from.
    inputs = models.JSONField(default=dict, verbose_name="计算输入")
    # Intermediate values for the export.
    details = models.JSONField(default=dict, verbose_name="计算明细")

    class Meta:
        verbose_name = verbose_name_plural = "成绩行"
        ordering = ["sheet", "rank_campaign", "department_name"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "evaluated"], name="row_once_per_sheet")
        ]

    COMPONENTS = ("research", "hotline", "survey", "public_vote", "committee")

    def __str__(self) -> str:
        return f"{self.sheet_id}: {self.department_name}"

    def is_stored_frozen(self) -> bool:
        published = ScoreSheet.objects.filter(published_at__isnull=False)
        stored = ScoreRow.objects.filter(pk=self.pk).values("sheet_id")
        return (
            published.filter(pk__in=stored).exists() or published.filter(pk=self.sheet_id).exists()
        )
