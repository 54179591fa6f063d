from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Campaign
from scoring.export import workbook_write
from scoring.selectors import sheet_get


class Command(BaseCommand):
    help = (
        "Write a campaign's score sheet as an Excel workbook set up to print (A4, fitted to "
        "the page width, header rows repeated, version and publication date in the footer): "
        "a summary sheet (rank, rank in the batch, department, the five components with "
        "their weights, composite, what an incomplete row lacks, the hotline low-sample "
        "flag), 计算说明 (settings, digest and every department's calculation lines), detail "
        "sheets (committee scores with the dropped ones marked, surveys per group with sums "
        "and unrounded means, public vote, hotline) and 版本说明. Without --version the "
        "newest version is written."
    )

    def add_arguments(self, parser):
        # --version is the name for the sheet version; Django's own --version (the
        # Django release) is replaced for this command.
        parser.conflict_handler = parser._optionals.conflict_handler = "resolve"
        parser.add_argument("campaign_slug", help="the campaign's slug, e.g. 2021")
        parser.add_argument("--out", required=True, help="the .xlsx file to write")
        parser.add_argument("--version", type=int, dest="sheet_version", help="version number")

    def handle(self, *args, campaign_slug: str, out: str, sheet_version=None, **options):
        campaign = Campaign.objects.filter(slug=campaign_slug).first()
        if campaign is None:
            raise CommandError(f"没有找到评议活动：{campaign_slug}")
        sheet = sheet_get(campaign=campaign, version=sheet_version)
        if sheet is None:
            raise CommandError("没有找到成绩表：请先运行 recompute_scores")
        with Path(out).open("wb") as target:
            workbook_write(sheet, target)
        self.stdout.write(f"已导出 {campaign.title} 成绩表第 {sheet.version} 版：{out}")
