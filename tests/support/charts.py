"""Charts load their ECharts only when scrolled into view (static/js/chart-loader.js): a
browser test that wants them drawn scrolls to each one first."""

from playwright.sync_api import expect


def draw_charts(page, selector: str = "[data-chart], #scores-chart") -> None:
    """Scroll every chart on the page into view, wait until each is drawn, scroll back up."""
    charts = page.locator(selector)
    for n in range(charts.count()):
        chart = charts.nth(n)
        chart.scroll_into_view_if_needed()
        expect(chart.locator("svg").first).to_be_attached()
    page.evaluate("window.scrollTo(0, 0)")
