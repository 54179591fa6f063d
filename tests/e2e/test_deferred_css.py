"""ALTCHA's stylesheet no longer holds up the first paint of the suggestion form (it is linked
media="print" and switched on by static/js/deferred-css.js), and the widget is still styled."""

import pytest
from playwright.sync_api import expect

from tests.conftest import screenshot
from tests.factories import BatchFactory, CampaignFactory, EvaluatedDepartmentFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_altcha_stylesheet_loads_without_blocking_and_styles_the_widget(page):
    campaign = CampaignFactory(title="2021年专项工作评议", year=2021)
    batch = BatchFactory(campaign=campaign, number=1, name="第一批", stage="suggestions")
    EvaluatedDepartmentFactory(batch=batch, department__name="淄博市教育局")
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(f"{page.base_url}/{campaign.slug}/suggest/")

    link = page.locator("link[data-deferred-css]")
    expect(link).to_have_attribute("href", "/static/vendor/altcha/altcha.css")
    expect(link).to_have_attribute("media", "all")  # switched on once loaded
    box = page.locator("altcha-widget .altcha")
    expect(box).to_be_visible()
    # altcha.css's own rules apply: a bordered box at most 260 px wide, a flex column.
    style = box.evaluate(
        "el => { const s = getComputedStyle(el);"
        " return [s.display, s.flexDirection, s.borderTopStyle, s.maxWidth]; }"
    )
    assert style == ["flex", "column", "solid", "260px"]
    screenshot(page, "suggest-altcha-deferred-css-phone")
