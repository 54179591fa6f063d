from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from campaigns.documents import documents_write
from campaigns.models import Campaign
from core.documents import document_kinds


class Command(BaseCommand):
    help = (
        "Write a campaign's official Word documents (.docx, laid out after GB/T 9704) into a "
        "directory: per evaluated department the committee's evaluation opinion "
        "(YEAR-评议意见-部门.docx: key issues, verdicts, required rectification with deadlines) "
        "and the rectification report prefilled for the department to complete "
        "(YEAR-整改情况报告-部门.docx: plan, measures, published progress, indicators; "
        "（请填写） where the department writes), and for the campaign the notice of results "
        "(YEAR-评议结果通报.docx: ranking with components and chart from the current "
        "published score sheet, and its correction note). Existing files of the same name "
        "are overwritten. A document the records cannot make yet (no published score sheet "
        "for the notice) is named on stderr with the reason and the command exits with an "
        "error after writing the others."
    )

    def add_arguments(self, parser):
        parser.add_argument("campaign_slug", help="the campaign's slug, e.g. 2021")
        parser.add_argument("--out", required=True, help="the directory to write into")

    def handle(self, *args, campaign_slug: str, out: str, **options):
        campaign = Campaign.objects.select_related("organizer").filter(slug=campaign_slug).first()
        if campaign is None:
            raise CommandError(f"没有找到评议活动：{campaign_slug}")
        written, refused = documents_write(campaign=campaign, out=Path(out))
        for path in written:
            self.stdout.write(str(path))
        kinds = "、".join(kind.title for kind in document_kinds())
        self.stdout.write(f"已生成 {campaign.title} 的公文 {len(written)} 份（{kinds}）：{out}")
        if refused:
            for line in refused:
                self.stderr.write(line)
            raise CommandError(f"有 {len(refused)} 份公文未生成（见上）")
