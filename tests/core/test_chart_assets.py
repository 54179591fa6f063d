"""The committed ECharts is the trimmed build of frontend/echarts/ and the chart pages load it
through chart-loader.js (never with a plain <script src>, which would fetch it up front)."""

import json
import re
from pathlib import Path

import pytest
from django.urls import reverse

from scoring.services.sheets import sheet_publish, sheet_recompute
from tests.scoring.test_views import complete_campaign

ROOT = Path(__file__).resolve().parent.parent.parent
ASSET = ROOT / "static" / "vendor" / "echarts" / "echarts.min.js"
BUILD = ROOT / "frontend" / "echarts"


def test_the_committed_echarts_is_the_trimmed_build_of_the_locked_version():
    locked = json.loads((BUILD / "package-lock.json").read_text())
    version = locked["packages"]["node_modules/echarts"]["version"]
    head = ASSET.read_text(encoding="utf-8")[:300]

    assert head.startswith(f"/*! Apache ECharts {version} (trimmed:")
    # The full 6.x build is 1.12 MB; the trimmed one about half of it.
    assert 300_000 < ASSET.stat().st_size < 700_000
    assert (ASSET.parent / "LICENSE").exists() and (ASSET.parent / "NOTICE").exists()
    entry = (BUILD / "entry.js").read_text()
    for part in ("BarChart", "LineChart", "GridComponent", "TooltipComponent", "SVGRenderer"):
        assert part in entry


def test_no_template_loads_echarts_directly():
    direct = re.compile(r"<script[^>]*\ssrc=\"[^\"]*echarts[^\"]*\"")
    loaders = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not direct.search(text), template
        if "vendor/echarts/echarts.min.js" in text:
            loaders.append(template.relative_to(ROOT / "templates").as_posix())
            assert "data-echarts-src=\"{% static 'vendor/echarts/echarts.min.js' %}\"" in text
    assert sorted(loaders) == ["hotline/_chart_assets.html", "scoring/public_scores.html"]


@pytest.mark.django_db
def test_the_scores_page_reserves_the_chart_space_and_names_the_asset(client):
    staff, campaign, batch, evs = complete_campaign(3)
    sheet_publish(sheet=sheet_recompute(campaign=campaign, actor=staff), actor=staff)

    page = client.get(reverse("scoring:public-scores", args=[campaign.slug])).content.decode()

    assert 'data-echarts-src="/static/vendor/echarts/echarts.min.js"' in page
    assert 'id="scores-chart" class="chart" data-rows="3" role="img"' in page
    assert (
        '#scores-chart[data-rows="3"] { height: 192px; }'
        in (ROOT / "static" / "css" / "charts.css").read_text()
    )
    # The table comes first: the chart is below the ranking it draws.
    assert page.index('id="ranking"') < page.index('id="scores-chart"')
