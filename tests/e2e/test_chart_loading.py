"""ECharts is fetched only when a chart scrolls into view (static/js/chart-loader.js): the
ranking table is there first, the chart's space is reserved so drawing it shifts nothing,
and the trimmed build (frontend/echarts/) draws it."""

import pytest
from playwright.sync_api import expect

from scoring.services.sheets import sheet_publish, sheet_recompute
from tests.conftest import screenshot
from tests.scoring.test_views import complete_campaign

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Two animation frames: IntersectionObserver has delivered its first notification by then.
SETTLE = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def test_echarts_is_fetched_when_the_chart_scrolls_into_view(page):
    staff, campaign, batch, evs = complete_campaign(4)
    sheet_publish(sheet=sheet_recompute(campaign=campaign, actor=staff), actor=staff)
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.set_viewport_size({"width": 390, "height": 560})

    page.goto(f"{page.base_url}/{campaign.slug}/scores/")
    page.evaluate(SETTLE)

    expect(page.locator("#ranking tbody tr")).to_have_count(4)
    chart = page.locator("#scores-chart")
    expect(chart).to_have_attribute("role", "img")
    box = chart.bounding_box()
    assert box["y"] > 560 + 200  # below the fold and the loader's 200 px margin
    assert box["height"] == 44 * 4 + 60  # reserved by css/charts.css before anything loads
    assert not [url for url in fetched if "echarts" in url]
    assert page.evaluate("typeof window.echarts") == "undefined"

    chart.scroll_into_view_if_needed()

    expect(page.locator("#scores-chart[data-ready='1'] svg")).to_be_visible()
    assert [url for url in fetched if "echarts" in url] == [
        f"{page.base_url}/static/vendor/echarts/echarts.min.js"
    ]
    assert chart.bounding_box()["height"] == box["height"]  # drawn in its reserved space
    # Every department's bar is drawn, with its score as label.
    for ev in evs:
        expect(chart).to_contain_text(ev.department.short_name or ev.department.name)
    screenshot(page, "chart-lazy-scores-phone")
