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


class ExportJob(models.Model):
    """A large export built by a worker (core/exports.py): its progress while it runs, then
    its file until it expires. Only the requester and their committee may download it."""

    class State(models.TextChoices):
        PENDING = "pending", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    # Dotted path of the builder (a function marked with core.exports.export_builder).
    builder = models.CharField("导出类型", max_length=200)
    params = models.JSONField("参数", default=dict, blank=True)
    title = models.CharField("名称", max_length=200)
    file_name = models.CharField("文件名", max_length=200)
    file = models.FileField("文件", upload_to="exports/%Y/%m/%d/", blank=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    done = models.PositiveBigIntegerField("已写入行数", default=0)
    total = models.PositiveBigIntegerField("总行数", null=True, blank=True)
    message = models.TextField("消息", blank=True)
    # Plain ids, not foreign keys: core sits below accounts and departments.
    user_id = models.BigIntegerField("申请人")
    organizer_id = models.BigIntegerField("所属人大常委会", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    expires_at = models.DateTimeField("过期时间", db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "导出任务"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title}（{self.get_state_display()}）"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return min(99, int(100 * self.done / self.total)) if self.total else 0
