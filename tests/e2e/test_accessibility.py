"""WCAG 2.2 AA in real Chromium (issue 19): axe-core, from the npm registry (tests/a11y,
installed by scripts/ensure-system-deps.sh), finds no violation on every public page and on
every form a member, liaison, deputy or citizen uses, at 390 px and 1366 px; and a keyboard
user fills and submits the suggestion form and a committee score with an error, landing on
the error summary whose links move focus to the field.

One browser, one live server and one data set (the demo plus the forms' open sessions) for the
whole module: each page is loaded once, checked at one width, resized and checked again."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from campaigns.services.voting import vote_open
from issues.models import KeyIssue, Suggestion
from rectification import services as rectification
from rectification.models import Attachment, Measure
from scoring.services.committee import session_open
from scoring.services.public_vote import vote_set_open
from scoring.services.surveys import respondents_add, survey_create
from tests.conftest import ROOT, ensure_system_deps, need_or_skip, screenshot
from tests.factories import (
    PASSWORD,
    BatchFactory,
    CampaignFactory,
    DepartmentFactory,
    DeputyFactory,
    EvaluatedDepartmentFactory,
    LiaisonFactory,
    MemberFactory,
    NominationFactory,
    StaffFactory,
)
from tests.issues.factories import ConfirmedKeyIssueFactory
from tests.rectification.factories import MeasureFactory, PlanFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE_JS = ROOT / "tests" / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (390, 1366)
DEMO_PASSWORD = "pingyi2021"

# WCAG 2.0-2.2 A and AA, plus the best-practice rules Lighthouse's accessibility score runs
# (lighthouse/core/gather/gatherers/accessibility.js).
LIGHTHOUSE_BEST_PRACTICE = [
    "accesskeys",
    "aria-allowed-role",
    "aria-dialog-name",
    "aria-text",
    "aria-treeitem-name",
    "empty-heading",
    "empty-table-header",
    "heading-order",
    "identical-links-same-purpose",
    "image-redundant-alt",
    "label-content-name-mismatch",
    "landmark-one-main",
    "link-in-text-block",
    "presentation-role-conflict",
    "skip-link",
    "tabindex",
    "table-duplicate-name",
    "table-fake-caption",
    "target-size",
    "td-has-header",
]
RUN_AXE = """async (extra) => {
  const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];
  const known = new Set(axe.getRules().map((r) => r.ruleId));
  const rules = axe.getRules(tags).map((r) => r.ruleId).concat(extra.filter((r) => known.has(r)));
  const result = await axe.run(document, {
    runOnly: { type: "rule", values: [...new Set(rules)] },
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id,
    help: v.help,
    nodes: v.nodes.slice(0, 4).map((n) => n.target.join(" ") + " → " + (n.failureSummary || "")
      .replace(/\\s+/g, " ").slice(0, 200)),
  }));
}"""


@pytest.fixture(scope="module")
def axe_source():
    if not AXE_JS.exists():
        ensure_system_deps()
    need_or_skip(AXE_JS.exists(), f"{AXE_JS} is missing: npm ci --prefix tests/a11y")
    return AXE_JS.read_text(encoding="utf-8")


def new_page(browser, base_url, *, width=1366, user=None, password=PASSWORD, js=True):
    # bypass_csp: axe is evaluated into the page; the app's CSP rightly refuses such scripts.
    context = browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": width, "height": 900},
        bypass_csp=True,
        java_script_enabled=js,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = base_url
    if user:
        page.goto(f"{base_url}/accounts/login/")
        page.get_by_label("用户名").fill(user)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    return page


def axe(page, axe_source) -> list[dict]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    return page.evaluate(RUN_AXE, LIGHTHOUSE_BEST_PRACTICE)


def check_both_widths(page, axe_source, name: str, problems: dict) -> None:
    """axe at each width on the page as loaded (layouts change with the width), with a
    screenshot of each to look at (focus rings, underlines, badges)."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        found = axe(page, axe_source)
        screenshot(page, f"a11y-{name}-{width}")
        if found:
            problems[f"{name} @ {width}px ({page.url})"] = found


def report(problems: dict) -> str:
    lines = []
    for where, violations in problems.items():
        lines.append(where)
        for v in violations:
            lines.append(f"  {v['id']}: {v['help']}")
            lines.extend(f"    {n}" for n in v["nodes"])
    return "\n".join(lines)


@pytest.fixture
def forms(live_server):
    """Open forms (the demo has them closed): a campaign in evaluation (public vote and
    committee scores open), a batch in selection with its vote open, a key issue in
    rectification with one plan published and one in draft, and a campaign collecting
    suggestions."""
    staff = StaffFactory(username="a11y-staff")
    campaign = CampaignFactory(organizer=staff.organizer, title="2026年专项工作评议", slug="a11y")
    evaluation = BatchFactory(campaign=campaign, number=1, name="第一批", stage="evaluation")
    evaluated = [
        EvaluatedDepartmentFactory(
            batch=evaluation, position=n, department__name=name, department__short_name=name[3:]
        )
        for n, name in enumerate(("示范区教育局", "示范区医疗保障局"), start=1)
    ]
    vote_set_open(batch=evaluation, is_open=True, actor=staff)
    survey = survey_create(batch=evaluation, title="第一批整改成效评价", actor=staff)
    respondents_add(survey=survey, group="public", count=1, label="群众", actor=staff)
    session = session_open(batch=evaluation, actor=staff)
    member = MemberFactory(organizer=staff.organizer, username="a11y-member", name="李建国")

    selection = BatchFactory(campaign=campaign, number=2, name="第二批", stage="selection", slots=1)
    for name in ("示范区民政局", "示范区公安局"):
        NominationFactory(
            batch=selection, department=DepartmentFactory(name=name), reason="12345热线投诉量居前"
        )
    ballot = vote_open(batch=selection, actor=staff, members=[member])

    liaison = LiaisonFactory(username="a11y-liaison", department=evaluated[0].department)
    published = ConfirmedKeyIssueFactory(department=evaluated[0], title="学校课后服务不能满足需求")
    plan = PlanFactory(key_issue=published, deadline=dt.date(2031, 8, 20))
    MeasureFactory(plan=plan, title="全市小学开展课后延时服务", target_value=353, target_unit="所")
    rectification.plan_submit(plan=plan, actor=liaison)
    rectification.plan_publish(plan=plan, actor=staff)
    draft = ConfirmedKeyIssueFactory(department=evaluated[0], title="校外培训机构监管不到位")
    PlanFactory(key_issue=draft, deadline=dt.date(2031, 8, 20))
    DeputyFactory(username="a11y-deputy")
    suggestions = CampaignFactory(
        organizer=staff.organizer, title="2027年专项工作评议", slug="a11y-s"
    )
    EvaluatedDepartmentFactory(
        batch=BatchFactory(campaign=suggestions, number=1, name="第一批", stage="suggestions"),
        department__name="示范区交通运输局",
    )
    return {
        "live": live_server.url,
        "campaign": campaign,
        "evaluated": evaluated,
        "session": session,
        "ballot": ballot,
        "published": published,
        "draft": draft,
        "survey_token": survey.respondents.get().token,
    }


@pytest.fixture
def site(forms):
    """The demo (public pages as people see them, 18 s to load) plus the open forms."""
    call_command("load_demo", "--quiet-logins")
    return forms


def test_axe_finds_no_violation_on_public_pages_and_forms(browser, site, axe_source):
    base = site["live"]
    photo = Attachment.objects.filter(kind="image", update__state="published").first()
    issue = photo.update.plan.key_issue
    receipt = Suggestion.objects.exclude(receipt="").values_list("receipt", flat=True).first()
    assert KeyIssue.objects.filter(department__campaign__slug="2021").exists()
    problems: dict = {}

    public = new_page(browser, base)
    for name, path in [
        ("home", "/"),
        ("campaign", "/2021/"),
        ("department", "/2021/departments/education/"),
        ("progress", "/2021/progress/"),
        ("key-issue", f"/2021/progress/{issue.pk}/"),
        ("scores", "/2021/scores/"),
        ("suggest", "/boshan-2021/suggest/"),
        ("receipt", f"/suggestions/receipt/?receipt={receipt}"),
        ("receipt-detail", f"/suggestions/receipt/{receipt}/"),
        ("vote-phone", "/a11y/vote/1/"),
        ("survey-answer", reverse("scoring:answer", args=[site["survey_token"]])),
        ("search", "/2021/search/?q=公交"),
        ("closed-form", "/2021/suggest/"),
        ("login", "/accounts/login/"),
    ]:
        public.goto(f"{base}{path}")
        if name == "scores":
            public.wait_for_load_state("networkidle")  # the charts draw after load
        check_both_widths(public, axe_source, name, problems)
    # A progress photo's alt text: department, date and the liaison's caption, not its file.
    public.goto(f"{base}/2021/progress/{issue.pk}/")
    alt = public.locator(".thumb img").first
    expect(alt).to_have_attribute("alt", re.compile(r"整改进展照片 \d{4}年\d+月\d+日：\S+"))
    expect(alt).not_to_have_attribute("alt", re.compile(r"\.jpe?g|\.png", re.I))

    # The public vote's second step: the SMS code and one group of radios per department.
    public.goto(f"{base}/a11y/vote/1/")
    public.get_by_label("手机号码").fill("13812345678")
    public.get_by_role("button", name="获取验证码").click()
    expect(public.get_by_label("短信验证码")).to_be_visible()
    check_both_widths(public, axe_source, "vote-ballot", problems)
    # Submitted with nothing chosen: the summary names the code and each department.
    public.get_by_role("button", name="提交投票").click()
    expect(public.locator("[data-error-summary]")).to_be_focused()
    expect(public.locator("[data-error-summary]")).to_contain_text("请对示范区教育局作出评价")
    check_both_widths(public, axe_source, "vote-errors", problems)
    # The survey submitted empty: each question named by number and department, linked.
    public.goto(f"{base}{reverse('scoring:answer', args=[site['survey_token']])}")
    public.get_by_role("button", name="提交评价").click()
    expect(public.locator("[data-error-summary]")).to_be_focused()
    expect(public.locator("[data-error-summary]")).to_contain_text("请回答第1题：示范区教育局")
    expect(public.locator("[data-error-summary]")).to_contain_text("请回答第2题：示范区医疗保障局")
    assert public.evaluate(DESCRIBED_BY_MISSING) == []
    check_both_widths(public, axe_source, "survey-errors", problems)
    public.context.close()

    signed_in = [
        ("a11y-member", PASSWORD, "member-workspace", "/workspace/member/"),
        (
            "a11y-member",
            PASSWORD,
            "selection-ballot",
            f"/workspace/member/votes/{site['ballot'].pk}/",
        ),
        (
            "a11y-member",
            PASSWORD,
            "committee-score",
            f"/workspace/member/scoring/{site['session'].pk}/",
        ),
        (
            "a11y-liaison",
            PASSWORD,
            "liaison-progress",
            f"/workspace/liaison/rectification/{site['published'].pk}/",
        ),
        (
            "a11y-liaison",
            PASSWORD,
            "liaison-plan",
            f"/workspace/liaison/rectification/{site['draft'].pk}/",
        ),
        ("member", DEMO_PASSWORD, "demo-member-workspace", "/workspace/member/"),
        ("liaison", DEMO_PASSWORD, "demo-liaison-workspace", "/workspace/liaison/"),
        ("deputy", DEMO_PASSWORD, "deputy-workspace", "/workspace/deputy/"),
        ("deputy", DEMO_PASSWORD, "deputy-suggest", "/workspace/deputy/boshan-2021/suggest/"),
    ]
    pages: dict = {}  # one signed-in browser context per user
    for user, password, name, path in signed_in:
        if user not in pages:
            pages[user] = new_page(browser, base, user=user, password=password)
        page = pages[user]
        page.goto(f"{base}{path}")
        assert page.url.endswith(path), (name, page.url)
        check_both_widths(page, axe_source, name, problems)
    # The liaison's plan page after a failed new measure: its disclosure open, its summary
    # focused, the measure already in the ledger keeps its own forms.
    page = pages["a11y-liaison"]
    page.goto(f"{base}/workspace/liaison/rectification/{site['published'].pk}/")
    page.get_by_text("新增整改措施", exact=True).click()
    page.get_by_label("整改措施", exact=True).last.fill("建设课后服务管理平台")
    page.get_by_role("button", name="添加措施").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.locator("[data-error-summary]")).to_contain_text("完成时限")
    assert page.evaluate(DESCRIBED_BY_MISSING) == []
    check_both_widths(page, axe_source, "liaison-measure-errors", problems)
    # A form inside the ledger's table (mark done without evidence): its summary in its row.
    row = page.locator("tr", has_text="全市小学开展课后延时服务")
    row.get_by_text("标记完成", exact=True).click()
    row.get_by_role("button", name="确认完成").click()
    row = page.locator("tr", has_text="全市小学开展课后延时服务")
    expect(row.locator("[data-error-summary]")).to_be_focused()
    expect(row.locator("[data-error-summary]")).to_contain_text("标记完成时请说明完成情况和佐证")
    assert page.evaluate(DESCRIBED_BY_MISSING) == []
    check_both_widths(page, axe_source, "liaison-done-errors", problems)
    for page in pages.values():
        page.context.close()

    assert not problems, "axe found violations:\n" + report(problems)


# ------------------------------------------------------------------------------ keyboard
def tab_to(page, selector: str, *, limit: int = 60, back: bool = False) -> None:
    """Press Tab (Shift+Tab) until `selector` has focus, as a keyboard user would."""
    target = page.locator(selector).first
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {selector}")


DESCRIBED_BY_MISSING = """() => [...document.querySelectorAll("[aria-describedby]")].flatMap(
  (el) => el.getAttribute("aria-describedby").split(/\\s+/).filter(Boolean)
    .filter((id) => !document.getElementById(id)).map((id) => `${el.id || el.tagName} → #${id}`))"""


def test_keyboard_suggestion_form_error_then_fixed(browser, forms, axe_source):
    page = new_page(browser, forms["live"], width=390)
    page.goto(f"{forms['live']}/a11y-s/suggest/")
    # An empty submit from the keyboard.
    tab_to(page, "form.form button[type=submit]")
    page.keyboard.press("Enter")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("您的意见建议")
    expect(summary).to_contain_text("防刷验证")
    expect(page.locator("#id_text")).to_have_attribute("aria-invalid", "true")
    assert page.evaluate(DESCRIBED_BY_MISSING) == []
    assert axe(page, axe_source) == []
    screenshot(page, "a11y-suggest-errors-390")
    # The summary's link to the text field moves focus there.
    tab_to(page, "[data-error-summary] a[href='#id_text']")
    page.keyboard.press("Enter")
    expect(page.locator("#id_text")).to_be_focused()
    page.keyboard.type("小区门口路灯坏了三个月，晚上孩子放学回家很危险，建议尽快维修。")
    # Back to the department select; the arrow key picks the first department.
    tab_to(page, "#id_department", back=True)
    page.keyboard.press("ArrowDown")
    assert page.locator("#id_department").input_value() != ""
    # The ALTCHA box with the space bar, then submit with Enter.
    tab_to(page, "altcha-widget input[type=checkbox]")
    screenshot(page, "a11y-suggest-altcha-focus-390")
    page.keyboard.press("Space")
    expect(page.locator("altcha-widget input[name=altcha]")).not_to_have_value("", timeout=30_000)
    tab_to(page, "form.form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="提交成功，感谢您的意见建议")).to_be_visible()
    page.context.close()


def test_error_summary_takes_focus_without_javascript(browser, forms):
    page = new_page(browser, forms["live"], js=False)
    page.goto(f"{forms['live']}/a11y-s/suggest/")
    tab_to(page, "form.form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("[data-error-summary]")).to_be_visible()
    # autofocus, no script of ours (the browser applies it at its next rendering step)
    expect(page.locator("[data-error-summary]")).to_be_focused()
    page.context.close()


def test_keyboard_committee_score_with_error(browser, forms, axe_source):
    first, second = forms["evaluated"]
    page = new_page(browser, forms["live"], user="a11y-member")
    page.goto(f"{forms['live']}/workspace/member/scoring/{forms['session'].pk}/")
    tab_to(page, f"#score_{first.pk}")
    page.keyboard.type("101")
    page.keyboard.press("Tab")
    page.keyboard.type("90")
    tab_to(page, "form.form button")
    page.keyboard.press("Enter")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("示范区教育局的测评分必须在 0 到 100 之间")
    expect(summary).to_be_focused()
    expect(page.locator(f"#score_{first.pk}")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#score_{second.pk}")).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#score_{second.pk}")).to_have_value("90")  # valid data kept
    assert page.evaluate(DESCRIBED_BY_MISSING) == []
    assert axe(page, axe_source) == []
    screenshot(page, "a11y-committee-score-error-1366")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == f"#score_{first.pk}"
    screenshot(page, "a11y-committee-score-link-focus-1366")
    page.keyboard.press("Enter")
    expect(page.locator(f"#score_{first.pk}")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("98.5")
    tab_to(page, "form.form button")
    page.keyboard.press("Enter")
    confirm = page.get_by_role("button", name="确认提交测评票")
    expect(confirm).to_be_visible()
    tab_to(page, "button:has-text('确认提交测评票')")
    page.keyboard.press("Enter")
    expect(page.get_by_text("测评票已提交")).to_be_visible()
    page.context.close()


def test_keyboard_liaison_adds_a_measure_with_an_error(browser, forms, axe_source):
    issue = forms["published"]
    page = new_page(browser, forms["live"], user="a11y-liaison", width=390)
    page.goto(f"{forms['live']}/workspace/liaison/rectification/{issue.pk}/")
    # Open "新增整改措施" and fill it, leaving out the deadline.
    tab_to(page, "details.subhead > summary")
    page.keyboard.press("Enter")
    tab_to(page, "#id_m-title")
    page.keyboard.type("建设课后服务管理平台")
    page.keyboard.press("Tab")
    page.keyboard.type("基础教育科")
    page.keyboard.press("Tab")
    page.keyboard.type("王强")
    tab_to(page, "button:has-text('添加措施')")
    page.keyboard.press("Enter")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("完成时限：该字段是必填项。")
    expect(page.locator("#id_m-deadline")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_m-title")).to_have_value("建设课后服务管理平台")  # kept
    assert page.evaluate(DESCRIBED_BY_MISSING) == []
    assert axe(page, axe_source) == []
    page.screenshot(path="/tmp/forms-liaison-measure-error-390.png")
    screenshot(page, "a11y-liaison-measure-error-390")
    # The summary's link moves focus to the deadline; typed, then submitted with Enter.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#id_m-deadline"
    page.keyboard.press("Enter")
    expect(page.locator("#id_m-deadline")).to_be_focused()
    page.screenshot(path="/tmp/forms-liaison-measure-link-focus-390.png")
    # Headless Debian Chromium lays the date field out month/day/year (its own UI locale,
    # not the page's); each part moves on to the next once typed in full.
    page.keyboard.type("06302031")
    expect(page.locator("#id_m-deadline")).to_have_value("2031-06-30")
    tab_to(page, "button:has-text('添加措施')")
    page.keyboard.press("Enter")
    expect(page.get_by_text("整改措施已保存。")).to_be_visible()
    page.screenshot(path="/tmp/forms-liaison-measure-saved-390.png", full_page=True)
    assert Measure.objects.filter(
        plan__key_issue=issue, title="建设课后服务管理平台", deadline=dt.date(2031, 6, 30)
    ).exists()
    page.context.close()
