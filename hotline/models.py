"""12345 hotline: sources, import batches, records, row errors and the aggregates that pages
and scoring read (see ../shared/spec/hotline-format.md).

The record table is kept lean on purpose: every index costs import speed. It has the primary
key, the upsert key, the (department, day) index that the aggregate refresh reads through, a
partial index over unmatched rows only, and the two (…, received_at, id) indexes that keep
every API page an index range scan at 20 million records (docs/api.md)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from departments.models import Department, Organizer


class Satisfaction(models.IntegerChoices):
    SATISFIED = 1, "满意"
    BASIC = 2, "基本满意"
    DISSATISFIED = 3, "不满意"


class HotlineSource(models.Model):
    """Where a file comes from (the city's 12345 centre, a district centre ...). Ticket
    numbers are unique within a source. A source belongs to one committee (organizer): its
    staff see its imports, nobody else's staff do; admins see all. No organizer: admins only."""

    name = models.CharField("名称", max_length=80)
    organizer = models.ForeignKey(
        Organizer,
        verbose_name="所属人大常委会",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "热线数据来源"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organizer", "name"], name="hotline_source_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ImportBatch(models.Model):
    """One imported file: its progress while it runs and its report when it is done."""

    class State(models.TextChoices):
        PENDING = "pending", "排队中"
        RUNNING = "running", "导入中"
        DONE = "done", "已完成"
        FAILED = "failed", "已拒绝"

    class Phase(models.TextChoices):
        READ = "read", "读取文件"
        MERGE = "merge", "写入记录"
        AGGREGATE = "aggregate", "更新统计"
        FINISHED = "finished", "完成"

    source = models.ForeignKey(
        HotlineSource, verbose_name="来源", on_delete=models.PROTECT, related_name="batches"
    )
    organizer = models.ForeignKey(
        Organizer,
        verbose_name="所属人大常委会",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Absolute path of the file on disk: uploads are saved under MEDIA_ROOT/hotline/, the
    # command line imports a file where it lies (no copy of a 200 MB export).
    path = models.CharField("文件路径", max_length=500)
    file_name = models.CharField("文件名", max_length=255)
    sheet = models.CharField("工作表", max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="导入人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    phase = models.CharField("阶段", max_length=10, choices=Phase.choices, default=Phase.READ)
    done = models.PositiveBigIntegerField("已处理行数", default=0)
    total = models.PositiveBigIntegerField("总行数（估计）", null=True, blank=True)
    rate = models.FloatField("速度（行/秒）", default=0)
    message = models.TextField("消息", blank=True)

    file_format = models.CharField("格式", max_length=10, blank=True)
    encoding = models.CharField("编码", max_length=20, blank=True)
    read = models.PositiveBigIntegerField("读取行数", default=0)
    inserted = models.PositiveBigIntegerField("新增", default=0)
    updated = models.PositiveBigIntegerField("更新", default=0)
    unchanged = models.PositiveBigIntegerField("未变化", default=0)
    rejected = models.PositiveBigIntegerField("拒绝", default=0)
    header = models.JSONField("表头", default=list, blank=True)
    unknown_columns = models.JSONField("未识别的列", default=list, blank=True)
    unmatched = models.JSONField("未匹配的承办单位", default=dict, blank=True)
    # Bookkeeping that lets a re-run resume where a dead worker stopped.
    merged_upto = models.PositiveBigIntegerField("已合并至行号", default=0)
    touched = models.JSONField("需重算的统计单元", default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "热线导入批次"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.get_state_display()}）"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    def report(self) -> dict:
        return {
            "batch": self.pk,
            "source": self.source.name,
            "file": self.file_name,
            "state": self.state,
            "message": self.message,
            "format": self.file_format,
            "encoding": self.encoding,
            "read": self.read,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "unknown_columns": self.unknown_columns,
            "unmatched_departments": self.unmatched,
        }


class HotlineRecord(models.Model):
    """One ticket (工单). Never holds the caller's phone number: only a keyed hash."""

    id = models.BigAutoField(primary_key=True, verbose_name="编号")
    # No database FK constraints on this table: on PostgreSQL they are row triggers, checked
    # at commit for every imported row (measured 0.5 s per 50,000-row chunk). The importer
    # only writes ids it just read, and PROTECT is enforced by Django's deletion collector.
    source = models.ForeignKey(
        HotlineSource, on_delete=models.PROTECT, related_name="+", db_index=False,
        db_constraint=False, verbose_name="数据来源",
    )  # fmt: skip
    ticket_no = models.CharField("工单编号", max_length=64)
    received_at = models.DateTimeField("受理时间")
    # The Asia/Shanghai date of received_at, so aggregation needs no time zone arithmetic.
    received_day = models.DateField("受理日期")
    department = models.ForeignKey(
        Department,
        verbose_name="承办单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    department_name = models.CharField("承办单位（原文）", max_length=200)
    request_type = models.CharField("诉求类型", max_length=40, blank=True)
    category = models.CharField("问题分类", max_length=200, blank=True)
    district = models.CharField("所属区县", max_length=60, blank=True)
    town = models.CharField("所属镇街", max_length=60, blank=True)
    status = models.CharField("办理状态", max_length=40, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        "满意度", choices=Satisfaction.choices, null=True, blank=True
    )
    content = models.TextField("诉求内容", blank=True)
    caller_hash = models.CharField(  # noqa: DJ001 (NULL: no number or no secret)
        "来电人标识（密钥散列）", max_length=32, blank=True, null=True
    )

    class Meta:
        verbose_name = verbose_name_plural = "热线工单"
        constraints = [
            models.UniqueConstraint(fields=["source", "ticket_no"], name="hotline_ticket_unique")
        ]
        indexes = [
            models.Index(fields=["department", "received_day"], name="hotline_rec_dept_day"),
            # The API's cursor pages (api/pagination.py): newest first, one backward range
            # scan per page, unfiltered or by department. Each index costs the import: 1M
            # rows inserted in 5.8 s with the three above, 7.9 s with these two, 13.9 s with
            # a (category, received_at, id) one more (text keys), so category, district,
            # satisfaction and source filters walk (received_at, id) and skip what does not
            # match: a page of a filter matching 1 row in 20 reads ~1,000 index entries.
            models.Index(fields=["received_at", "id"], name="hotline_rec_time"),
            models.Index(fields=["department", "received_at", "id"], name="hotline_rec_dept_time"),
            models.Index(
                fields=["department_name"],
                condition=Q(department__isnull=True),
                name="hotline_rec_unmatched",
            ),
        ]

    def __str__(self) -> str:
        return self.ticket_no


class StagedRow(models.Model):
    """A parsed row waiting to be merged into the records (UNLOGGED on PostgreSQL).

    Reading a file fills this table first, so a file error found deep in a file leaves no
    record behind, and the merge can resume after a crash. Emptied when a batch finishes."""

    # (batch, row_number) is the key: no sequence to draw from per row, one index only.
    pk = models.CompositePrimaryKey("batch", "row_number")
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        verbose_name="导入批次",
    )
    row_number = models.PositiveBigIntegerField(verbose_name="行号")
    ticket_no = models.CharField(max_length=64, verbose_name="工单编号")
    received_at = models.DateTimeField(verbose_name="受理时间")
    received_day = models.DateField(verbose_name="受理日期")
    # A Department id, no FK: staging.
    department_ref = models.IntegerField(null=True, verbose_name="部门编号")
    department_name = models.CharField(max_length=200, verbose_name="部门名称")
    request_type = models.CharField(max_length=40, verbose_name="诉求类型")
    category = models.CharField(max_length=200, verbose_name="诉求类别")
    district = models.CharField(max_length=60, verbose_name="区")
    town = models.CharField(max_length=60, verbose_name="街道乡镇")
    status = models.CharField(max_length=40, verbose_name="办理状态")
    closed_at = models.DateTimeField(null=True, verbose_name="办结时间")
    satisfaction = models.PositiveSmallIntegerField(null=True, verbose_name="满意度")
    content = models.TextField(verbose_name="诉求内容")
    caller_hash = models.CharField(max_length=32, null=True, verbose_name="来电人哈希")  # noqa: DJ001

    class Meta:
        verbose_name = verbose_name_plural = "热线暂存行"

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row_number}"


class ImportRowError(models.Model):
    """A rejected row: its number in the file, its raw cells and why."""

    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="row_errors", verbose_name="导入批次"
    )
    row_number = models.PositiveBigIntegerField("行号")
    raw = models.JSONField("原始内容", default=list)
    reason = models.TextField("原因")

    class Meta:
        verbose_name = verbose_name_plural = "热线导入错误行"
        ordering = ["batch", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_number"], name="hotline_error_row_once")
        ]

    def __str__(self) -> str:
        return f"第 {self.row_number} 行：{self.reason}"


class DailyStat(models.Model):
    """Per department and day: volume and rating counts. Scoring windows are dates, so the
    hotline component reads this table and stays exact for any window."""

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="+", verbose_name="部门（单位）"
    )
    day = models.DateField(verbose_name="日期")
    total = models.PositiveIntegerField(default=0, verbose_name="工单量")
    satisfied = models.PositiveIntegerField(default=0, verbose_name="满意数")
    basic = models.PositiveIntegerField(default=0, verbose_name="基本满意数")
    dissatisfied = models.PositiveIntegerField(default=0, verbose_name="不满意数")

    class Meta:
        verbose_name = verbose_name_plural = "热线日统计"
        constraints = [
            models.UniqueConstraint(fields=["department", "day"], name="hotline_daily_unique")
        ]

    def __str__(self) -> str:
        return f"{self.department_id} {self.day}"


class MonthlyStat(models.Model):
    """Per department x month x category x district: volume and rating counts, for the
    analytics pages (trends, top categories, districts)."""

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="+", verbose_name="部门（单位）"
    )
    month = models.DateField(verbose_name="月份")  # the first day of the month
    category = models.CharField(max_length=200, blank=True, verbose_name="诉求类别")
    district = models.CharField(max_length=60, blank=True, verbose_name="区")
    total = models.PositiveIntegerField(default=0, verbose_name="工单量")
    satisfied = models.PositiveIntegerField(default=0, verbose_name="满意数")
    basic = models.PositiveIntegerField(default=0, verbose_name="基本满意数")
    dissatisfied = models.PositiveIntegerField(default=0, verbose_name="不满意数")

    class Meta:
        verbose_name = verbose_name_plural = "热线月统计"
        constraints = [
            models.UniqueConstraint(
                fields=["department", "month", "category", "district"],
                name="hotline_monthly_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.department_id} {self.month:%Y-%m} {self.category} {self.district}"


class AliasChange(models.Model):
    """The history of hotline department aliases: who added (or undid) which alias, for
    which department, and how many tickets it re-matched. An undo restores the matching the
    alias changed and is itself a row here."""

    class Action(models.TextChoices):
        ADD = "add", "添加别名"
        UNDO = "undo", "撤销别名"

    class State(models.TextChoices):
        PENDING = "pending", "排队中"
        RUNNING = "running", "重新匹配中"
        DONE = "done", "已完成"

    action = models.CharField("操作", max_length=10, choices=Action.choices)
    name = models.CharField("别名", max_length=80)
    department = models.ForeignKey(
        Department, verbose_name="部门", on_delete=models.PROTECT, related_name="+"
    )
    organizer = models.ForeignKey(
        Organizer,
        verbose_name="操作人所属人大常委会",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    records = models.PositiveIntegerField("重新匹配的工单数", default=0)
    # The re-match runs as a Celery job (hotline.tasks.alias_rematch_task) in chunks; these
    # fields are its progress, as ImportBatch's are an import's. Rows written before the
    # job existed were re-matched in their request: done.
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.DONE)
    done = models.PositiveIntegerField("已重新匹配", default=0)
    total = models.PositiveIntegerField("需重新匹配的工单数（估计）", null=True, blank=True)
    touched = models.JSONField("需重算的统计月份", default=dict, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField("时间", auto_now_add=True)
    undoes = models.OneToOneField(
        "self",
        verbose_name="撤销的操作",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="undone_by",
    )

    class Meta:
        verbose_name = verbose_name_plural = "热线部门别名记录"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}：{self.name} → {self.department_id}"

    @property
    def finished(self) -> bool:
        return self.state == self.State.DONE

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        return min(99, int(100 * self.done / self.total)) if self.total else 0
