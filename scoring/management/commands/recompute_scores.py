from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Campaign
from scoring.services.sheets import incomplete_rows, sheet_recompute


class Command(BaseCommand):
    help = (
        "Recompute a campaign's score sheet from the current inputs. Makes a new version when "
        "an input or a setting changed since the latest version; published versions are never "
        "touched. Prints the version and any incomplete department."
    )

    def add_arguments(self, parser):
        parser.add_argument("campaign_slug", help="the campaign's slug, e.g. 2021")

    def handle(self, *args, campaign_slug: str, **options):
        campaign = Campaign.objects.filter(slug=campaign_slug).first()
        if campaign is None:
            raise CommandError(f"没有找到评议活动：{campaign_slug}")
        sheet = sheet_recompute(campaign=campaign)
        state = "完整" if sheet.complete else "不完整"
        self.stdout.write(f"{campaign.title}：成绩表第 {sheet.version} 版（{state}）")
        for line in incomplete_rows(sheet):
            self.stdout.write(f"  {line}")
