"""Notifications: group robots staff configure, people's preferences, in-app messages and
the delivery log. A Delivery row is the memory of one message to one recipient on one
channel: its unique key (event, recipient, channel) is what keeps a retried or duplicated
task from sending twice."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from departments.models import Department, Organizer


class Channel(models.TextChoices):
    INAPP = "inapp", "站内消息"
    WECOM = "wecom", "企业微信群机器人"
    DINGTALK = "dingtalk", "钉钉群机器人"
    SMS = "sms", "短信"
    EMAIL = "email", "电子邮件"


ROBOT_CHANNELS = (Channel.WECOM, Channel.DINGTALK)


class Robot(models.Model):
    """A group robot's webhook: one per committee (department empty) or per department."""

    platform = models.CharField(
        "平台", max_length=10, choices=[(c.value, c.label) for c in ROBOT_CHANNELS]
    )
    organizer = models.ForeignKey(
        Organizer, on_delete=models.CASCADE, related_name="robots", verbose_name="人大常委会"
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="robots",
        verbose_name="部门",
        help_text="留空表示常委会（评议办、委员）的群。",
    )
    name = models.CharField("群名称", max_length=60)
    # 企业微信: https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…  (the key is the secret)
    # 钉钉: https://oapi.dingtalk.com/robot/send?access_token=…
    url = models.URLField("推送地址（URL）", max_length=400)
    secret = models.CharField(
        "加签密钥", max_length=200, blank=True, help_text="钉钉机器人“加签”的密钥（SEC 开头）。"
    )
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "群机器人"
        ordering = ["organizer", "department", "platform"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "organizer", "department"], name="robot_one_per_group"
            ),
            models.UniqueConstraint(
                fields=["platform", "organizer"],
                condition=Q(department__isnull=True),
                name="robot_one_per_committee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()}：{self.name}"


class Preference(models.Model):
    """One person's choice for one kind of event: the channels in order (the first that
    works wins, the next takes over when one fails) and whether to wait for the digest."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name="用户",
    )
    event = models.CharField("事件", max_length=60)
    channels = models.JSONField("渠道", default=list)
    digest = models.BooleanField("每日汇总", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "通知偏好"
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="preference_once_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.user}：{self.event}"


class QuietHours(models.Model):
    """No SMS or email between start and end (Asia/Shanghai; may wrap past midnight)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="quiet_hours",
        verbose_name="用户",
    )
    start = models.TimeField("免打扰开始", null=True, blank=True)
    end = models.TimeField("免打扰结束", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "免打扰时段"

    def __str__(self) -> str:
        return f"{self.user}：{self.start}–{self.end}"


class Message(models.Model):
    """A message in a person's workspace (站内消息)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_messages",
        verbose_name="接收人",
    )
    event = models.CharField("事件", max_length=60)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容")
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "站内消息"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="message_unread")]

    def __str__(self) -> str:
        return self.title


class ContactOptIn(models.Model):
    """A member of the public asked, when submitting, to hear about one object (their
    suggestion) at the contact they gave: the only way a citizen's phone number or email is
    ever written to. `kind` + `object_id` name the object (notifications imports no app)."""

    kind = models.CharField("对象类型", max_length=30)
    object_id = models.PositiveBigIntegerField("对象编号")
    channel = models.CharField(
        "渠道", max_length=10, choices=[(Channel.SMS, "短信"), (Channel.EMAIL, "电子邮件")]
    )
    address = models.CharField("手机号码或邮箱", max_length=100)
    created_at = models.DateTimeField("同意时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "群众接收通知的同意"
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="opt_in_once_per_object")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class Delivery(models.Model):
    """One message to one recipient (a person, or a group robot) on one channel."""

    class State(models.TextChoices):
        PENDING = "pending", "待发送"
        HELD = "held", "待汇总"
        SENDING = "sending", "发送中"
        RETRY = "retry", "待重试"
        SENT = "sent", "已发送"
        FAILED = "failed", "失败"
        DIGESTED = "digested", "已并入汇总"

    event = models.CharField("事件", max_length=60)
    event_key = models.CharField("事件标识", max_length=200)
    # "user:<id>", "robot:<id>" or "contact:<id>": the unique key does not depend on
    # nullable columns.
    recipient_key = models.CharField("接收方标识", max_length=40)
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name="接收人",
    )
    robot = models.ForeignKey(
        Robot,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name="群机器人",
    )
    contact = models.ForeignKey(
        ContactOptIn,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name="群众联系方式",
    )
    # Whose log it is: staff read the deliveries of their own committee.
    organizer = models.ForeignKey(
        Organizer,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name="人大常委会",
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容")
    url = models.CharField("链接", max_length=300, blank=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    response = models.TextField("平台答复", blank=True)
    # Every attempt: [{"at": iso, "ok": bool, "response": str}].
    log = models.JSONField("发送记录", default=list, blank=True)
    # Who takes the next channel if this one fails for good: {"<user id>": ["sms", ...]}.
    fallback = models.JSONField("后备渠道", default=dict, blank=True)
    fallback_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fallbacks",
        verbose_name="替代的投递",
    )
    digest = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="digested",
        verbose_name="所属汇总",
    )
    not_before = models.DateTimeField("最早发送时间", null=True, blank=True)
    claimed_at = models.DateTimeField("开始发送时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "消息投递"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event_key", "recipient_key", "channel"], name="delivery_once"
            )
        ]
        indexes = [
            models.Index(fields=["state", "not_before"], name="delivery_due"),
            models.Index(fields=["organizer", "-created_at"], name="delivery_log"),
        ]

    def __str__(self) -> str:
        return f"{self.title} → {self.recipient_key} ({self.channel})"
