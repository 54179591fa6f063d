"""Issue 17: committee members and deputies imported from an Excel sheet, keyed on the
username: re-import updates instead of duplicating; bad rows are listed by line."""

import io
import threading

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from accounts import services
from accounts.importing import TEMPLATE_HEADERS, PeopleFileError, people_from_table, read_people
from accounts.models import DeputyLevel, Role, User
from tests.factories import (
    AdminFactory,
    DeputyFactory,
    DistrictFactory,
    OrganizerFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

HEADER = ["用户名", "姓名", "角色", "手机", "代表层级", "所属人大常委会"]


def xlsx(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(data: bytes, name="人员名单.xlsx"):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def members(n, organizer_name):
    return [[f"m{i:02}", f"委员{i}", "常委会组成人员", f"1380000{i:04}", "", organizer_name]
            for i in range(n)]  # fmt: skip


# ------------------------------------------------------------------- parsing (pure)
def test_parser_reads_columns_in_any_order_and_phone_numbers_typed_as_numbers():
    rows = people_from_table(
        [
            ["姓名", "手机", "用户名", "角色"],
            ["张三", 13800000001.0, "zhangsan", "人大代表"],
            ["", "", "", ""],
        ]
    )

    assert len(rows) == 1
    assert (rows[0].line, rows[0].username, rows[0].phone) == (2, "zhangsan", "13800000001")


def test_parser_names_missing_columns():
    with pytest.raises(PeopleFileError, match="缺少必需的列：角色"):
        people_from_table([["用户名", "姓名"]])


def test_parser_refuses_a_file_that_is_not_a_workbook():
    with pytest.raises(PeopleFileError, match="无法读取"):
        read_people(b"PK\x03\x04not really a zip")


# ------------------------------------------------------------------------- service
def test_import_creates_members_and_deputies_with_generated_passwords():
    admin = AdminFactory()
    organizer = OrganizerFactory(name="淄博市人大常委会")
    district = DistrictFactory(name="张店区")
    rows = people_from_table(
        [
            [*HEADER, "所属区县"],
            ["wang", "王委员", "常委会组成人员", "13800000001", "", "淄博市人大常委会", ""],
            ["li", "李代表", "人大代表", "13800000002", "区县人大代表", "", "张店区"],
        ]
    )

    report = services.people_import(rows=rows, actor=admin)

    assert (report.created, report.updated, report.unchanged, report.errors) == (2, 0, 0, [])
    wang, li = User.objects.get(username="wang"), User.objects.get(username="li")
    assert (wang.role, wang.organizer, wang.phone) == (Role.MEMBER, organizer, "13800000001")
    assert (li.role, li.deputy_level, li.district) == (Role.DEPUTY, DeputyLevel.DISTRICT, district)
    passwords = {a.username: a.password for a in report.new_accounts}
    assert wang.check_password(passwords["wang"]) and li.check_password(passwords["li"])
    assert wang.must_change_password and li.must_change_password
    assert not wang.is_staff and not wang.is_superuser
    created = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User),
        action=LogEntry.Action.CREATE,
        object_pk__in=[str(wang.pk), str(li.pk)],
    )
    assert created.count() == 2 and all(e.actor == admin for e in created)
    assert all("password" not in e.changes for e in created)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["", "无名", "人大代表", "", "市人大代表", ""], "用户名为空"),
        (["a b", "空格", "人大代表", "", "市人大代表", ""], "不能含空格"),
        (["x1", "", "人大代表", "", "市人大代表", ""], "姓名为空"),
        (["x2", "某人", "评议办工作人员", "", "", ""], "角色“评议办工作人员”无效"),
        (["x3", "某人", "常委会组成人员", "", "", ""], "常委会组成人员须填写所属人大常委会"),
        (["x4", "某人", "常委会组成人员", "", "", "不存在的常委会"], "不存在"),
        (["x5", "某人", "人大代表", "", "", ""], "人大代表须填写代表层级"),
        (["x6", "某人", "人大代表", "", "省人大代表", ""], "代表层级“省人大代表”无效"),
        (["x7", "某人", "人大代表", "电话", "市人大代表", ""], "手机“电话”无效"),
    ],
)
def test_bad_rows_are_reported_by_line_and_good_rows_kept(row, message):
    rows = people_from_table([HEADER, ["good", "好人", "人大代表", "", "市人大代表", ""], row])

    report = services.people_import(rows=rows, actor=AdminFactory())

    assert report.created == 1 and User.objects.filter(username="good").exists()
    assert len(report.errors) == 1
    line, text = report.errors[0]
    assert line == 3 and message in text


def test_a_username_twice_in_one_sheet_is_an_error_on_the_second_line():
    rows = people_from_table(
        [HEADER, ["dup", "甲", "人大代表", "", "市人大代表", ""],
         ["dup", "乙", "人大代表", "", "市人大代表", ""]]
    )  # fmt: skip

    report = services.people_import(rows=rows, actor=AdminFactory())

    assert report.created == 1 and report.errors == [(3, "用户名“dup”与第 2 行重复")]
    assert User.objects.get(username="dup").name == "甲"


def test_import_never_touches_staff_or_admin_accounts():
    staff = StaffFactory(username="wangmin")
    rows = people_from_table([HEADER, ["wangmin", "王敏", "人大代表", "", "市人大代表", ""]])

    report = services.people_import(rows=rows, actor=AdminFactory())

    assert report.errors and "不能由导入修改" in report.errors[0][1]
    staff.refresh_from_db()
    assert staff.role == Role.STAFF


def test_reimport_updates_changed_rows_only_and_keeps_passwords():
    admin = AdminFactory()
    OrganizerFactory(name="淄博市人大常委会")
    first = services.people_import(
        rows=people_from_table([HEADER, *members(5, "淄博市人大常委会")]), actor=admin
    )
    password_hash = User.objects.get(username="m01").password
    changed = members(5, "淄博市人大常委会")
    changed[1][3] = "13999999999"

    again = services.people_import(rows=people_from_table([HEADER, *changed]), actor=admin)

    assert first.summary == "新增 5，更新 0，未变 0，错误 0"
    assert again.summary == "新增 0，更新 1，未变 4，错误 0"
    assert again.new_accounts == [] and again.updated_usernames == ["m01"]
    m01 = User.objects.get(username="m01")
    assert m01.phone == "13999999999" and m01.password == password_hash
    assert User.objects.filter(username__startswith="m").count() == 5
    entry = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User),
        object_pk=str(m01.pk),
        action=LogEntry.Action.UPDATE,
    ).get()
    assert entry.actor == admin and entry.changes["phone"] == ["13800000001", "13999999999"]


# --------------------------------------------------------------------------- views
def test_import_page_shows_the_summary_errors_and_new_passwords_once(client):
    client.force_login(AdminFactory())
    OrganizerFactory(name="淄博市人大常委会")
    rows = [*members(3, "淄博市人大常委会"), ["bad", "坏行", "人大代表", "", "", ""]]

    response = client.post(reverse("accounts:users-import"), {"file": upload(xlsx(rows))})

    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "新增 3，更新 0，未变 0，错误 1" in page
    assert "人大代表须填写代表层级" in page and ">5<" in page  # the line number
    for account in response.context["report"].new_accounts:
        assert account.password in page


def test_import_refuses_a_file_that_is_not_xlsx(client):
    client.force_login(AdminFactory())

    response = client.post(
        reverse("accounts:users-import"), {"file": upload(b"a,b\n", name="名单.csv")}
    )

    assert response.status_code == 400
    assert "只能是 XLSX 格式" in response.content.decode()
    assert not User.objects.filter(role=Role.DEPUTY).exists()


def test_the_template_downloads_and_imports_as_is(client):
    client.force_login(AdminFactory())
    OrganizerFactory(name="淄博市人大常委会")
    DistrictFactory(name="张店区")

    response = client.get(reverse("accounts:users-import-template"))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == list(TEMPLATE_HEADERS)
    report = services.people_import(rows=read_people(response.content), actor=AdminFactory())
    assert (report.created, report.errors) == (2, [])


def test_generated_passwords_get_a_light_argon2_hash_that_signs_in(settings, client):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    rows = people_from_table([HEADER, ["light", "轻", "人大代表", "", "市人大代表", ""]])

    report = services.people_import(rows=rows, actor=AdminFactory())

    user = User.objects.get(username="light")
    assert user.password.startswith("argon2$") and "m=4096,t=1,p=1" in user.password
    password = report.new_accounts[0].password
    response = client.post(reverse("accounts:login"), {"username": "light", "password": password})
    assert response.status_code == 302
    assert client.get(response.url).url == reverse("accounts:password-change")


def test_new_passwords_download_once_as_a_workbook(client):
    client.force_login(AdminFactory())
    OrganizerFactory(name="淄博市人大常委会")
    page = client.post(
        reverse("accounts:users-import"), {"file": upload(xlsx(members(3, "淄博市人大常委会")))}
    )
    report = page.context["report"]
    data = {
        "username": [a.username for a in report.new_accounts] + ["admin-not-imported"],
        "name": [a.name for a in report.new_accounts] + ["x"],
        "password": [a.password for a in report.new_accounts] + ["x"],
        "form_token": "one-time-download-token",
    }

    response = client.post(reverse("accounts:users-import-passwords"), data)

    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert rows == [[a.username, a.name, a.password] for a in report.new_accounts]
    again = client.post(reverse("accounts:users-import-passwords"), data)
    assert again.status_code == 302  # the form's token is spent: a one-time download


def test_import_queries_do_not_grow_with_the_rows(client, django_assert_max_num_queries):
    client.force_login(AdminFactory())
    OrganizerFactory(name="淄博市人大常委会")
    client.post(
        reverse("accounts:users-import"), {"file": upload(xlsx(members(40, "淄博市人大常委会")))}
    )
    changed = members(80, "淄博市人大常委会")
    for row in changed[:40]:
        row[1] += "（改）"

    # 40 updated and 40 created in one request: a fixed number of queries (bulk writes and
    # bulk audit entries), not one or more per row.
    with django_assert_max_num_queries(30):
        response = client.post(reverse("accounts:users-import"), {"file": upload(xlsx(changed))})
    assert "新增 40，更新 40，未变 0，错误 0" in response.content.decode()


# --------------------------------------------------------------- concurrent imports
def test_a_username_taken_between_reading_and_saving_is_a_row_error_not_a_crash():
    admin = AdminFactory()
    OrganizerFactory(name="淄博市人大常委会")
    plan = services.people_import_prepare(
        rows=people_from_table([HEADER, *members(3, "淄博市人大常委会")])
    )
    # Another import (or an admin on the user page) creates m01 before this one saves.
    DeputyFactory(username="m01", name="别人")

    report = services.people_import_save(plan=plan, actor=admin)

    assert report.summary == "新增 2，更新 0，未变 0，错误 1"
    assert report.errors == [(3, services.USERNAME_TAKEN_MEANWHILE.format("m01"))]
    assert "同时进行的另一次导入" in report.errors[0][1]
    assert [a.username for a in report.new_accounts] == ["m00", "m02"]
    assert User.objects.get(username="m01").name == "别人"
    assert set(User.objects.filter(username__in=["m00", "m02"]).values_list("name", flat=True)) == {
        "委员0",
        "委员2",
    }


def test_a_username_taken_in_a_later_insert_batch_leaves_the_others_created(monkeypatch):
    from core import audit

    monkeypatch.setattr(audit, "CHUNK", 2)  # five new accounts: INSERTs of 2, 2 and 1 rows
    OrganizerFactory(name="淄博市人大常委会")
    plan = services.people_import_prepare(
        rows=people_from_table([HEADER, *members(5, "淄博市人大常委会")])
    )
    DeputyFactory(username="m03")

    report = services.people_import_save(plan=plan, actor=AdminFactory())

    assert report.summary == "新增 4，更新 0，未变 0，错误 1" and report.errors[0][0] == 5
    created = User.objects.filter(username__in=["m00", "m01", "m02", "m04"])
    assert sorted(created.values_list("name", flat=True)) == ["委员0", "委员1", "委员2", "委员4"]
    assert (
        LogEntry.objects.filter(
            object_pk__in=[str(pk) for pk in created.values_list("pk", flat=True)],
            action=LogEntry.Action.CREATE,
        ).count()
        == 4
    )


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_the_same_sheet_at_once_create_each_account_once(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite serialises every write on one file lock, so two connections cannot race; "
            "run with DATABASE_URL=postgres://... to test the unique index under concurrency"
        )
    admin = AdminFactory()
    OrganizerFactory(name="淄博市人大常委会")
    rows = people_from_table([HEADER, *members(4, "淄博市人大常委会")])
    both_read = threading.Barrier(2)
    original = services.people_import_prepare

    def prepare_then_wait(**kwargs):
        # Both imports have read the accounts (none exists yet) before either inserts.
        plan = original(**kwargs)
        both_read.wait(timeout=10)
        return plan

    monkeypatch.setattr(services, "people_import_prepare", prepare_then_wait)
    reports: list[services.PeopleImportReport] = []
    failures: list[BaseException] = []

    def run():
        try:
            reports.append(services.people_import(rows=rows, actor=admin))
        except BaseException as exc:  # noqa: BLE001 - the test reports it below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert failures == [] and len(reports) == 2
    summaries = sorted(r.summary for r in reports)
    assert summaries == ["新增 0，更新 0，未变 0，错误 4", "新增 4，更新 0，未变 0，错误 0"]
    late = next(r for r in reports if r.errors)
    assert [line for line, _ in late.errors] == [2, 3, 4, 5] and late.new_accounts == []
    assert all("同时进行的另一次导入" in text for _, text in late.errors)
    assert User.objects.filter(username__startswith="m0").count() == 4


def test_a_people_sheet_formatted_out_to_xfd_reads_and_a_broken_reference_is_a_file_error(
    tmp_path,
):
    from tests.hotline.test_xlsx_limits import _cell, hand_made

    def sheet(extra: str) -> bytes:
        header = "".join(_cell(f"{'ABC'[i]}1", t) for i, t in enumerate(HEADER[:3]))
        row = "".join(_cell(f"{'ABC'[i]}2", t) for i, t in enumerate(["wang", "王五", "人大代表"]))
        xml = f'<sheetData><row r="1">{header}</row><row r="2">{row}{extra}</row></sheetData>'
        return hand_made(tmp_path / "p.xlsx", xml).read_bytes()

    (person,) = read_people(sheet('<c r="XFD2" s="1"/>'))
    assert (person.line, person.username, person.problem) == (2, "wang", "")
    with pytest.raises(PeopleFileError, match="第 2 行附近的内容无法读取"):
        read_people(sheet(_cell("ZZZZZZ2", "x")))
