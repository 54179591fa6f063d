"""The score workbook keeps its whole layout (issue 21 point 6): every cell's value, type and
style, merged ranges, column widths, row heights, freeze panes, print titles, page setup,
header/footer and defined names, compared with the layout the workbook had when it was
built in normal openpyxl mode (captured before the write-only rewrite, stored in
tests/scoring/layouts/). Two datasets: the demo's published 2021 sheet and a small draft
with what the demo lacks (an incomplete row, a formula-like department name).

On a difference the layout written now is left in artifacts/ beside the stored one."""

import datetime as dt
import json
from io import BytesIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from openpyxl import load_workbook

from campaigns.models import Campaign
from departments.models import Department
from scoring.export import workbook_bytes
from scoring.models import ScoreSheet
from scoring.services.sheets import sheet_recompute
from tests.conftest import ARTIFACTS
from tests.scoring.factories import (
    campaign_with_batch,
    committee_scores,
    no_hotline,
    public_ballots,
    research,
    survey_answers,
)
from tests.support.workbook_layout import normalised, workbook_layout

pytestmark = pytest.mark.django_db

LAYOUTS = Path(__file__).parent / "layouts"
# The inputs digest hashes database ids, which depend on what ran before.
STABLE = {r"[0-9a-f]{64}": "0" * 64}


def _compare(name: str, body: bytes) -> None:
    layout = normalised(workbook_layout(body), STABLE)
    stored = LAYOUTS / f"{name}.json"
    expected = json.loads(stored.read_text(encoding="utf-8")) if stored.exists() else {}
    out = ARTIFACTS / f"score-layout-{name}.json"
    if layout != expected:
        ARTIFACTS.mkdir(exist_ok=True)
        out.write_text(json.dumps(layout, ensure_ascii=False, indent=1, sort_keys=True))
    assert expected, f"no stored layout {stored.name}: see {out}"
    assert layout["sheetnames"] == expected["sheetnames"]
    assert layout["defined_names"] == expected["defined_names"]
    assert layout["styles"] == expected["styles"]
    for title, sheet in expected["sheets"].items():
        got = layout["sheets"][title]
        for key, value in sheet.items():
            assert got[key] == value, (title, key)


@pytest.fixture(scope="module")
def demo_sheet(django_db_setup, django_db_blocker, tmp_path_factory):
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("demo-media")),
        transaction.atomic(),
    ):
        call_command("load_demo", "--quiet-logins")
        yield ScoreSheet.objects.get(campaign__slug="2021")
        transaction.set_rollback(True)


def test_demo_workbook_keeps_its_layout(demo_sheet):
    _compare("demo-2021", workbook_bytes(demo_sheet))


def test_demo_layout_holds_what_prints(demo_sheet):
    """What the stored layout pins, spelled out, so it cannot be an empty file."""
    layout = json.loads((LAYOUTS / "demo-2021.json").read_text(encoding="utf-8"))
    sheets = layout["sheets"]
    summary = sheets["综合得分"]
    assert summary["merged"] and summary["merged"][0].startswith("A1:")
    assert summary["freeze_panes"] == "E3" and summary["print_title_rows"] == "$2:$2"
    assert summary["rows"]["1"] == [24, True]
    assert summary["page_setup"]["orientation"] == "landscape"
    assert summary["page_setup"]["paperSize"] == 9 and summary["page_setup"]["fitToPage"]
    assert (
        sheets["计算说明"]["columns"]["A"][0] == 26 and sheets["计算说明"]["columns"]["B"][0] == 84
    )
    assert sheets["电子表决测评"]["freeze_panes"] == "B2"
    assert all(
        sheet["header_footer"]["oddFooter.right"][0] == "第 &P 页 共 &N 页"
        for sheet in sheets.values()
    )
    assert len(layout["styles"]) > 10


@pytest.fixture
def draft_sheet():
    with time_machine.travel(dt.datetime(2021, 6, 1, 9, 30, tzinfo=dt.UTC), tick=False):
        staff, campaign, batch, (a, b, c) = campaign_with_batch(3)
        Campaign.objects.filter(pk=campaign.pk).update(title="版式测试评议")
        for evaluated, name in ((a, '=HYPERLINK("http://x")局'), (b, "市文化和旅游局"),
                                (c, "市住房和城乡建设局（市人民防空办公室）")):  # fmt: skip
            Department.objects.filter(pk=evaluated.department_id).update(name=name)
        no_hotline(campaign, staff)
        research(a, staff, "92.35")
        research(b, staff, "88")  # none for c: c has no composite
        survey_answers(
            batch, staff, {"city_deputy": [{a: "satisfied", b: "basic", c: "basic"}] * 3}
        )
        public_ballots(batch, staff, [{a: "basic", b: "satisfied", c: "satisfied"}])
        committee_scores(
            batch, staff, [{a: s, b: 100 - s / 2, c: 90} for s in (98, 97.5, 99, 100, 90, 96, 95)]
        )
        return sheet_recompute(campaign=Campaign.objects.get(pk=campaign.pk), actor=staff)


def test_draft_workbook_keeps_its_layout(draft_sheet):
    _compare("draft", workbook_bytes(draft_sheet))


def test_streaming_readers_learn_each_sheets_size(draft_sheet):
    body = workbook_bytes(draft_sheet)

    streamed = load_workbook(BytesIO(body), read_only=True)
    loaded = load_workbook(BytesIO(body))

    for ws in loaded.worksheets:
        size = streamed[ws.title]
        assert (size.max_row, size.max_column) == (ws.max_row, ws.max_column), ws.title
