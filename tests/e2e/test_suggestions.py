"""A citizen submits a suggestion in real Chromium (solving the proof of work in the browser)
and looks it up by receipt; staff merge it into a theme and link the theme to a key issue."""

import re

import pytest
from playwright.sync_api import expect

from issues.models import KeyIssue, Suggestion
from tests.conftest import login, screenshot
from tests.factories import (
    BatchFactory,
    CampaignFactory,
    EvaluatedDepartmentFactory,
    StaffFactory,
)
from tests.issues.factories import KeyIssueFactory, SuggestionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CITIZEN_TEXT = "孩子下午三点半就放学了，我们双职工根本接不了，建议学校开展课后延时服务。"


@pytest.fixture(autouse=True)
def quick_challenge(settings):
    settings.ALTCHA_MAX_NUMBER = 20_000


@pytest.fixture
def campaign():
    staff = StaffFactory(username="wangmin", name="王敏")
    campaign = CampaignFactory(organizer=staff.organizer, title="2021年专项工作评议", year=2021)
    batch = BatchFactory(campaign=campaign, number=1, name="第一批", stage="suggestions")
    education = EvaluatedDepartmentFactory(
        batch=batch,
        department__name="淄博市教育局",
        department__short_name="市教育局",
        department__slug="education",
    )
    for text in (
        "小学放学太早，家长还在上班，孩子放学后没人看管，希望学校开展课后服务。",
        "建议全市小学全面推行课后延时服务，解决学生放学后无人照看的问题。",
        "公园座椅太少，老人走累了没地方坐。",
    ):
        SuggestionFactory(department=education, text=text)
    KeyIssueFactory(department=education, title="学校课后服务不能满足群众需求")
    return campaign


def submit_as_citizen(page, campaign) -> str:
    page.goto(f"{page.base_url}/{campaign.slug}/suggest/")
    page.get_by_label("涉及部门（单位）").select_option(label="淄博市教育局")
    page.get_by_label("您的意见建议").fill(CITIZEN_TEXT)
    page.get_by_label("联系方式（选填，不公开）").fill("13800000000")
    page.get_by_text("我不是机器人").click()
    # The widget solves the SHA-256 challenge in a Web Worker and fills its hidden field.
    expect(page.locator("altcha-widget input[name=altcha]")).not_to_have_value("", timeout=30_000)
    expect(page.get_by_text("已验证")).to_be_visible()
    screenshot(page, "suggest-form-verified")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("heading", name="提交成功，感谢您的意见建议")).to_be_visible()
    receipt = page.locator("[data-receipt]").inner_text().strip()
    assert re.fullmatch(r"YJ2021-[2-9A-Z]{8}", receipt)
    screenshot(page, "suggest-thanks")
    return receipt


def test_citizen_submits_and_staff_merge_and_link_to_a_key_issue(page, campaign):
    receipt = submit_as_citizen(page, campaign)
    suggestion = Suggestion.objects.get(receipt=receipt)
    assert suggestion.text == CITIZEN_TEXT and suggestion.contact == "13800000000"

    page.get_by_role("link", name="查询办理状态").click()
    expect(page.locator("[data-status]")).to_have_text("已受理")
    expect(page.get_by_text(CITIZEN_TEXT)).to_have_count(0)  # the text is never shown publicly
    screenshot(page, "receipt-received")

    # Staff find it by its receipt, see the similar suggestions and merge them into a theme.
    login(page, "wangmin")
    page.goto(f"{page.base_url}/staff/{campaign.slug}/suggestions/")
    screenshot(page, "triage")
    page.get_by_label("搜索").fill(receipt)
    page.get_by_role("button", name="筛选").click()
    page.get_by_role("link", name=receipt).click()
    similar = page.locator(".similar-list li")
    expect(similar.first).to_contain_text("放学")
    # The park suggestion is not about the same problem: leave it out of the theme.
    park = similar.filter(has_text="公园座椅")
    if park.count():
        park.get_by_role("checkbox").uncheck()
    screenshot(page, "suggestion-similar")
    page.get_by_label("归并为新主题").fill("小学放学早、课后无人看管")
    page.get_by_role("button", name="归并为新主题").click()

    expect(page.get_by_role("heading", name="小学放学早、课后无人看管")).to_be_visible()
    expect(page.get_by_text("3 条意见建议").first).to_be_visible()
    page.get_by_label("关联到重点整改问题").select_option(
        label="市教育局 · 学校课后服务不能满足群众需求"
    )
    page.get_by_role("button", name="关联", exact=True).click()
    expect(page.get_by_text("已关联到重点整改问题")).to_be_visible()
    screenshot(page, "theme-linked")

    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.MERGED
    assert suggestion.theme.title == "小学放学早、课后无人看管"
    assert suggestion.theme.suggestions.count() == 3
    issue = KeyIssue.objects.get()
    assert list(issue.themes.all()) == [suggestion.theme]

    # Staff confirm the key issue; the citizen's lookup now shows it.
    page.goto(f"{page.base_url}/staff/{campaign.slug}/key-issues/")
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_text("已确定“学校课后服务不能满足群众需求”")).to_be_visible()
    screenshot(page, "key-issues")
    page.goto(f"{page.base_url}/suggestions/receipt/?receipt={receipt}")
    expect(page.locator("[data-status]")).to_have_text("已归并")
    expect(page.get_by_text("已纳入“学校课后服务不能满足群众需求”")).to_be_visible()

    page.goto(f"{page.base_url}/{campaign.slug}/departments/education/")
    expect(page.get_by_text("来自 3 条群众和代表意见建议")).to_be_visible()
    screenshot(page, "department-public")


def test_public_form_and_triage_fit_a_phone(browser, live_server, campaign):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.base_url = live_server.url

    page.goto(f"{live_server.url}/{campaign.slug}/suggest/")
    expect(page.get_by_text("我不是机器人")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "suggest-form-phone")

    login(page, "wangmin")
    page.goto(f"{live_server.url}/staff/{campaign.slug}/suggestions/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "triage-phone")
    page.goto(f"{live_server.url}/{campaign.slug}/departments/education/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "department-phone")
    context.close()


def test_staff_pages_look_right(page, campaign, tmp_path):
    """Not a behaviour test: screenshots of the remaining staff pages, for a person to look at."""
    education = campaign.batches.get().evaluated.get()
    for text in (
        "公交车等半个小时也不来。",
        "公交末班车太早，下班回不了家。",
        "<b>粗体</b>不应生效",
    ):
        SuggestionFactory(department=education, text=text)
    login(page, "wangmin")
    base = f"{page.base_url}/staff/{campaign.slug}"

    page.goto(f"{base}/suggestions/proposals/{education.id}/")
    expect(page.get_by_role("heading", name="自动归并建议")).to_be_visible()
    screenshot(page, "proposals")
    page.goto(f"{base}/suggestions/funnel/")
    expect(page.get_by_role("cell", name="市教育局")).to_be_visible()
    screenshot(page, "funnel")

    upload = tmp_path / "suggestions.csv"
    upload.write_bytes(
        "内容,日期,渠道,来源类型,部门\n路灯不亮。,2021-03-01,公开信,社会公众,市教育局\n"
        ",2021-03-02,意见箱,企业,\n".encode("gbk")
    )
    page.goto(f"{base}/suggestions/import/")
    page.get_by_label("表格文件（XLSX 或 CSV）").set_input_files(str(upload))
    page.get_by_role("button", name="导入").click()
    expect(page.locator("#import-report")).to_contain_text("新增 1 条")
    expect(page.locator("#import-report")).to_contain_text("内容为空")
    screenshot(page, "import-report")


def test_deputy_submits_from_the_workspace(page, campaign):
    from accounts.models import DeputyLevel
    from tests.factories import DeputyFactory

    deputy = DeputyFactory(username="sunhongmei", name="孙红梅", deputy_level=DeputyLevel.CITY)
    login(page, "sunhongmei")
    page.get_by_role("link", name="提交意见建议").first.click()
    page.get_by_label("涉及部门（单位）").select_option(label="淄博市教育局")
    page.get_by_label("意见建议").fill("建议在学校周边规划家长接送区域。")
    page.get_by_role("button", name="提交").click()

    expect(page.get_by_text(re.compile(r"已提交，回执编号 YJ2021-"))).to_be_visible()
    expect(page.locator(".link-list")).to_contain_text("建议在学校周边规划家长接送区域")
    screenshot(page, "deputy-submitted")
    suggestion = Suggestion.objects.get(submitted_by=deputy)
    assert suggestion.source_type == "city_deputy" and suggestion.district == deputy.district
