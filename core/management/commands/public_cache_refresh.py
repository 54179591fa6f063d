from django.core.management.base import BaseCommand

from core import publiccache


class Command(BaseCommand):
    help = (
        "Make every cached public page stale, so the next request renders it afresh "
        "(docs/performance.md). Needed only after content changed while the cache server "
        "was unreachable and the server came back with its old data."
    )

    def handle(self, *args, **options) -> None:
        publiccache.bump_all()
        self.stdout.write(
            "公开页面缓存已刷新 / every public page renders afresh on its next request."
        )
