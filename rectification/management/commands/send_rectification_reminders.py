import datetime as dt

from django.core.management.base import BaseCommand

from rectification.reminders import reminders_send


class Command(BaseCommand):
    help = (
        "Send rectification reminders now (what the daily Celery beat job does): measures due "
        "within RECTIFICATION_DUE_SOON_DAYS, overdue measures, and departments with no progress "
        "update for RECTIFICATION_SILENT_DAYS, through each person's notification channels "
        "(docs/notifications.md), and re-rectification deadlines within NOTIFY_DUE_DAYS. Each "
        "condition is sent once per recipient; running it again sends nothing new."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            help="Pretend today is this date (YYYY-MM-DD), e.g. to check a past run.",
        )

    def handle(self, *args, today=None, **options):
        sent = reminders_send(today=today)
        self.stdout.write(f"{sent} reminder(s) sent.")
