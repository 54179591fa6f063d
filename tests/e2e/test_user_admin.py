"""Users and roles in the app (issue 17), in a real browser: an admin creates a liaison, who
signs in, must change the password and lands on the liaison workspace; an admin imports 30
committee members from a sheet and re-imports it with one change."""

import io
import re

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect

from tests.conftest import login, screenshot
from tests.factories import AdminFactory, DepartmentFactory, MemberFactory, OrganizerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_admin_creates_a_liaison_who_must_change_the_password(page):
    admin = AdminFactory(username="sysadmin", name="系统管理员")
    DepartmentFactory(name="淄博市教育局", short_name="市教育局")

    login(page, admin.username)
    page.get_by_role("link", name="管理用户和角色").click()
    expect(page.get_by_role("heading", name="用户和角色")).to_be_visible()
    screenshot(page, "users-list")
    page.get_by_role("link", name="新建用户").click()
    page.get_by_label("用户名").fill("chenjing")
    page.get_by_label("姓名").fill("陈静")
    page.get_by_label("手机").fill("13900000001")
    page.get_by_label("角色", exact=True).select_option(label="部门联络员")
    page.get_by_label("所属部门（联络员）").select_option(label="淄博市教育局")
    screenshot(page, "users-new")
    page.get_by_role("button", name="创建用户").click()

    expect(page.get_by_role("heading", name="已创建用户")).to_be_visible()
    password = page.locator("#temporary-password").inner_text()
    assert len(password) == 12
    screenshot(page, "users-created-password-once")

    page.get_by_role("button", name="退出").click()
    login(page, "chenjing", password)
    expect(page).to_have_url(re.compile(r"/accounts/password/$"))
    expect(page.get_by_text("请先设置自己的新密码")).to_be_visible()
    screenshot(page, "password-change-forced")
    # Every other page leads back here until the password is changed.
    page.goto(f"{page.base_url}/workspace/liaison/")
    expect(page).to_have_url(re.compile(r"/accounts/password/$"))

    page.get_by_label("旧密码").fill(password)
    page.get_by_label("新密码", exact=True).fill("Qiu-shui-8841")
    page.get_by_label("新密码确认").fill("Qiu-shui-8841")
    page.get_by_role("button", name="修改密码").click()

    expect(page).to_have_url(re.compile(r"/workspace/liaison/$"))
    expect(page.get_by_role("heading", name="部门联络员工作台")).to_be_visible()
    expect(page.get_by_text("密码已修改。")).to_be_visible()
    screenshot(page, "password-changed-liaison-home")


def _sheet(path, phone_of_m07="13800000007"):
    book = Workbook()
    sheet = book.active
    sheet.append(["用户名", "姓名", "角色", "手机", "代表层级", "所属人大常委会"])
    for i in range(30):
        phone = phone_of_m07 if i == 7 else f"1380000{i:04}"
        sheet.append([f"m{i:02}", f"委员{i}", "常委会组成人员", phone, "", "淄博市人大常委会"])
    book.save(path)
    return str(path)


def test_admin_imports_30_members_then_reimports_one_change(page, tmp_path):
    admin = AdminFactory(username="sysadmin", name="系统管理员")
    OrganizerFactory(name="淄博市人大常委会")

    login(page, admin.username)
    page.goto(f"{page.base_url}/workspace/admin/users/import/")
    expect(page.get_by_role("link", name="下载模板（XLSX）")).to_be_visible()
    page.get_by_label("人员名单（XLSX）").set_input_files(_sheet(tmp_path / "名单.xlsx"))
    page.get_by_role("button", name="导入").click()

    expect(page.locator("#import-summary")).to_have_text("新增 30，更新 0，未变 0，错误 0")
    expect(page.locator("#new-accounts tbody tr")).to_have_count(30)
    screenshot(page, "users-import-first")
    with page.expect_download() as download:
        page.get_by_role("button", name="下载初始密码（XLSX，只能下载一次）").click()
    assert download.value.suggested_filename == "初始密码.xlsx"
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).worksheets[0]
    assert sheet.max_row == 31 and sheet["A2"].value == "m00"

    changed = _sheet(tmp_path / "名单2.xlsx", phone_of_m07="13999999999")
    page.get_by_label("人员名单（XLSX）").set_input_files(changed)
    page.get_by_role("button", name="导入").click()

    expect(page.locator("#import-summary")).to_have_text("新增 0，更新 1，未变 29，错误 0")
    expect(page.locator("#import-updated")).to_have_text("m07")
    expect(page.locator("#new-accounts")).to_have_count(0)
    screenshot(page, "users-import-again")

    page.goto(f"{page.base_url}/workspace/admin/users/?q=13999999999")
    expect(page.locator("#user-list tbody tr")).to_have_count(1)
    expect(page.get_by_role("link", name="m07")).to_be_visible()


def test_admin_deactivates_a_member_after_a_review(page):
    admin = AdminFactory(username="sysadmin", name="系统管理员")
    member = MemberFactory(username="zhangwei", name="张伟")

    login(page, admin.username)
    page.goto(f"{page.base_url}/workspace/admin/users/?q=张伟")
    page.get_by_role("link", name="zhangwei").click()
    expect(page.get_by_role("button", name="停用账号")).to_be_visible()
    expect(page.get_by_role("button", name="删除")).to_have_count(0)
    screenshot(page, "users-edit")
    page.get_by_role("button", name="停用账号").click()
    expect(page.get_by_role("heading", name="停用账号“张伟”")).to_be_visible()
    screenshot(page, "users-deactivate-review")
    page.get_by_role("button", name="确认停用").click()
    expect(page.get_by_text("已停用账号“张伟”。")).to_be_visible()
    expect(page.get_by_role("button", name="重新启用")).to_be_visible()

    page.get_by_role("button", name="退出").click()
    login(page, member.username)
    expect(page.get_by_text("用户名或密码不正确")).to_be_visible()
