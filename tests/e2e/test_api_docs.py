"""The interactive API docs work in a real browser under the site's CSP."""

import pytest
from playwright.sync_api import expect

from tests.conftest import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_from_local_files_without_csp_violations(page):
    problems = []
    page.on(
        "console",
        lambda msg: (
            problems.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    outside = []
    page.on(
        "request",
        lambda req: outside.append(req.url) if not req.url.startswith(page.base_url) else None,
    )

    page.goto(f"{page.base_url}/api/docs/")

    # The schema is generated on the first request: give a loaded CI machine time for it.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text(
        "评议 pingyi API", timeout=30_000
    )
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    screenshot(page, "api-docs")
    assert problems == []
    assert [u for u in outside if not u.startswith("data:")] == []
