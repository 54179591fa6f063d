"""docs/api.md: every curl example runs against a live server and succeeds."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone

from api.models import ApiClient, Scope
from hotline.models import ImportBatch
from rectification import services
from scoring.services.sheets import sheet_recompute
from tests.factories import LiaisonFactory
from tests.issues.factories import ConfirmedKeyIssueFactory
from tests.rectification.factories import MeasureFactory, PlanFactory
from tests.scoring.factories import campaign_with_batch

DOC = Path(__file__).resolve().parent.parent.parent / "docs" / "api.md"
BLOCK = re.compile(r"```bash\n(.*?)```", re.S)


def examples() -> list[str]:
    return [cmd for block in BLOCK.findall(DOC.read_text()) for cmd in block.strip().splitlines()]


def test_the_doc_has_an_example_per_main_use():
    text = "\n".join(examples())
    for needle in (
        "/api/v1/hotline/imports/",  # push tickets
        "/api/v1/key-issues/",  # read progress
        "/api/v1/public/campaigns/$CAMPAIGN/progress/",  # read published progress
        "/api/v1/public/campaigns/$CAMPAIGN/scores/",  # read scores
    ):
        assert needle in text


@pytest.mark.integration  # curl subprocesses against a live server
@pytest.mark.django_db(transaction=True)
def test_every_curl_example_in_the_api_doc_runs_against_a_live_server(
    live_server, tmp_path, settings
):
    if not shutil.which("curl"):
        pytest.skip("curl is not installed")
    settings.MEDIA_ROOT = tmp_path / "media"
    staff, campaign, batch, (evaluated,) = campaign_with_batch(1)
    issue = ConfirmedKeyIssueFactory(department=evaluated)
    liaison = LiaisonFactory(department=evaluated.department)
    plan = PlanFactory(key_issue=issue)
    MeasureFactory(plan=plan)
    services.plan_submit(plan=plan, actor=liaison)
    services.plan_publish(plan=plan, actor=staff)
    update = services.update_create(plan=plan, actor=liaison, text="已公开的进展", percent=30)
    services.update_publish(update=update, actor=staff)
    sheet = sheet_recompute(campaign=campaign, actor=staff)
    sheet.published_at = timezone.now()
    sheet.save()
    full = ApiClient(name="dashboard", user=staff, scopes=list(Scope.values))
    token = full.issue_key()
    full.save()
    narrow = ApiClient(name="narrow", user=staff, scopes=[Scope.CAMPAIGNS_READ])
    narrow_token = narrow.issue_key()
    narrow.save()
    env = {
        "PATH": "/usr/bin:/bin:/usr/local/bin",
        "PINGYI": live_server.url,
        "TOKEN": token,
        "NARROW_TOKEN": narrow_token,
        "CAMPAIGN": campaign.slug,
    }

    for command in examples():
        result = subprocess.run(
            ["bash", "-c", command],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
        if "/progress/" in command:
            assert "已公开的进展" in result.stdout
        if command.startswith("curl") and "-o " not in command:
            assert result.stdout.lstrip().startswith("{"), result.stdout[:200]
    assert (tmp_path / "pingyi-openapi.yaml").read_text().startswith("openapi:")
    assert ImportBatch.objects.get().file_name == "tickets.csv"
