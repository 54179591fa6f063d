"""Import a spreadsheet of suggestions from the command line (large files, scripted runs)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from campaigns.models import Campaign
from issues.importing import ImportFileError, read_rows
from issues.services import suggestions_import


class Command(BaseCommand):
    help = (
        "导入意见建议表格（XLSX，或 UTF-8/GBK 编码的 CSV）。第一行为列名：内容、日期（必需），"
        "渠道、来源类型、部门、编号、联系方式（可选）。重复导入同一文件不会重复录入；有误的行"
        "按行号列出，不导入。 / Import suggestions from a spreadsheet; idempotent, bad rows "
        "are listed by line number and skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("campaign", help="评议活动的网址标识（slug），如 2021")
        parser.add_argument("file", type=Path, help="XLSX 或 CSV 文件")
        parser.add_argument("--user", default=None, help="记为录入人的用户名（可选），如 staff")

    def handle(self, *args, campaign, file, user, **options):
        try:
            target = Campaign.objects.get(slug=campaign)
        except Campaign.DoesNotExist as exc:
            raise CommandError(f"没有找到评议活动：{campaign}") from exc
        actor = None
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"没有找到用户：{user}")
        if not file.exists():
            raise CommandError(f"文件不存在：{file}")
        try:
            with file.open("rb") as handle:
                rows = read_rows(file.name, handle)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        report = suggestions_import(campaign=target, rows=rows, actor=actor)
        for line, message in report.errors:
            self.stderr.write(f"第 {line} 行：{message}")
        self.stdout.write(
            f"共 {report.total} 行：新增 {report.created}，已导入过 {report.unchanged}，"
            f"有误 {len(report.errors)}。"
        )
        if report.errors:
            raise CommandError(
                "部分行有误未导入（其余行已导入）；改正后可重新导入整个文件。", returncode=2
            )
