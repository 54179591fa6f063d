from django.db import models


class FormSubmission(models.Model):
    """One row per one-time form token that was posted (core/formtokens.py). The unique
    token is the guard: a second POST of the same form fails the insert, whatever the
    timing, and is answered with a redirect to the first one's result."""

    token = models.CharField("表单令牌", max_length=64, unique=True)
    # A plain id, not a foreign key: core sits below accounts and knows no user model.
    user_id = models.BigIntegerField("提交人", null=True, blank=True)
    path = models.CharField("地址", max_length=300)
    result_url = models.CharField("处理结果地址", max_length=500, blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "表单提交记录"

    def __str__(self) -> str:
        return f"{self.path} {self.token[:8]}"
