"""API clients: one token per external system, with scopes, created and revoked by admins.

Only a SHA-256 hash of the token is stored; the token itself is shown once, when the admin
creates the client. A client acts as its `user` (its role and committee scope apply, and
audit entries name that user), further limited to its scopes."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone


class Scope(models.TextChoices):
    CAMPAIGNS_READ = "campaigns:read", "读取评议活动、批次、部门"
    VOTES_READ = "votes:read", "读取票决结果"
    SUGGESTIONS_READ = "suggestions:read", "读取意见建议（工作人员）"
    KEY_ISSUES_READ = "key_issues:read", "读取重点整改问题"
    SCORES_READ = "scores:read", "读取测评结果"
    HOTLINE_READ = "hotline:read", "读取热线导入批次与统计"
    HOTLINE_WRITE = "hotline:write", "推送热线工单文件"
    HOTLINE_RECORDS_READ = "hotline_records:read", "读取热线工单明细（工作人员）"
    RECTIFICATION_READ = "rectification:read", "读取整改方案、措施和进展"
    RECTIFICATION_WRITE = "rectification:write", "报送或审核整改方案、措施和进展"


def token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiClient(models.Model):
    name = models.CharField("系统名称", max_length=80, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="代表的账号",
        on_delete=models.PROTECT,
        related_name="api_clients",
        help_text="该系统以此账号的角色和所属人大常委会访问数据，建议为每个系统单独建账号。",
    )
    scopes = models.JSONField("权限范围", default=list)
    key_prefix = models.CharField("令牌前缀", max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False, verbose_name="密钥哈希")
    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "接口客户端"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def issue_key(self) -> str:
        """A new random token; the caller shows it once. Replaces any previous token."""
        key = secrets.token_urlsafe(32)
        self.key_prefix, self.key_hash = key[:8], token_hash(key)
        return key

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])


class IdempotencyKey(models.Model):
    """The first answer to an API write sent with an `Idempotency-Key` header (api/idempotency.py).
    The same key from the same user gets this stored answer and no second write; the unique
    constraint decides between concurrent requests, not a check-then-insert."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="用户"
    )
    key = models.CharField("幂等键", max_length=255)
    method = models.CharField(max_length=10, verbose_name="请求方法")
    path = models.CharField(max_length=500, verbose_name="请求路径")
    status_code = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name="响应状态码")
    body = models.JSONField(null=True, blank=True, verbose_name="响应内容")
    created_at = models.DateTimeField("首次请求时间", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "接口幂等键"
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.key[:16]}"
