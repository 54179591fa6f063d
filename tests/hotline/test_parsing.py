import datetime as dt
import hashlib
import hmac
from zoneinfo import ZoneInfo

import pytest

from hotline.importing.parsing import (
    DEFAULT_SATISFACTION_MAP,
    HEADER_ALIASES,
    REQUIRED,
    FileError,
    RowError,
    RowParser,
    caller_hash,
    map_header,
    normalize_name,
    normalize_phone,
    parse_satisfaction,
    parse_time,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
FULL_HEADER = [names[0] for names in HEADER_ALIASES.values()]


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def row(**values: object) -> list[object]:
    """Cells in FULL_HEADER order, with valid required values unless overridden."""
    cells = dict.fromkeys(HEADER_ALIASES, "")
    cells.update(ticket_no="GD001", received_at="2021-03-05 14:22:10", department="市公安局")
    cells.update(values)
    return [cells[name] for name in HEADER_ALIASES]


# --- header -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "alias"),
    [(field, alias) for field, aliases in HEADER_ALIASES.items() for alias in aliases],
)
def test_every_alias_maps_to_its_field(field: str, alias: str) -> None:
    header = [names[0] for name, names in HEADER_ALIASES.items() if name != field] + [alias]

    header_map = map_header(header)

    assert header_map.columns[field] == len(header) - 1
    assert header_map.unknown == []


def test_header_is_normalized_for_width_case_and_spaces() -> None:
    header_map = map_header([" 工单编号 ", "RECEIVED_AT", "承办\n单位", "镇(街道)", "*满意度"])

    assert header_map.columns == {
        "ticket_no": 0,
        "received_at": 1,
        "department": 2,
        "town": 3,
        "satisfaction": 4,
    }


def test_unknown_columns_are_named_and_empty_ones_ignored() -> None:
    header_map = map_header(["工单编号", "受理时间", "承办单位", "备注", "", "坐席工号"])

    assert header_map.unknown == ["备注", "坐席工号"]


def test_duplicate_column_first_wins() -> None:
    header_map = map_header(["编号", "受理时间", "承办单位", "工单编号"])

    assert header_map.columns["ticket_no"] == 0
    assert header_map.duplicates == ["工单编号"]


def test_missing_required_column_is_refused_with_its_name_and_aliases() -> None:
    with pytest.raises(FileError) as error:
        map_header(["工单编号", "承办单位", "满意度"])

    assert str(error.value) == (
        "缺少必需的列：受理时间（可用列名：受理时间、来电时间、登记时间、received_at）"
    )


def test_every_missing_required_column_is_named() -> None:
    with pytest.raises(FileError) as error:
        map_header(["满意度"])

    message = str(error.value)
    for field in REQUIRED:
        assert HEADER_ALIASES[field][0] in message


# --- names --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", ["淄博市公安局", " 淄博市公安局 ", "　淄博市公安局　", "淄博市公安局\t"]
)
def test_normalize_name_ignores_surrounding_spaces(raw: str) -> None:
    assert normalize_name(raw) == "淄博市公安局"


def test_normalize_name_folds_full_width_and_collapses_spaces() -> None:
    assert normalize_name("ＡＢＣ　公安局（交警）  支队１") == "ABC 公安局(交警) 支队1"


# --- time ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2021-03-05 14:22:10", at(2021, 3, 5, 14, 22, 10)),
        ("2021-03-05 14:22", at(2021, 3, 5, 14, 22)),
        ("2021/3/5 14:22", at(2021, 3, 5, 14, 22)),
        ("2021/3/5 14:22:10", at(2021, 3, 5, 14, 22, 10)),
        ("2021/03/05 4:02:09", at(2021, 3, 5, 4, 2, 9)),
        ("2021-03-05", at(2021, 3, 5)),
        ("2021-3-5", at(2021, 3, 5)),
        ("2021/3/5", at(2021, 3, 5)),
        ("2021.3.5 14:22", at(2021, 3, 5, 14, 22)),
        ("2021年3月5日 14:22", at(2021, 3, 5, 14, 22)),
        ("2021年3月5日 14:22:10", at(2021, 3, 5, 14, 22, 10)),
        ("2021年3月5日14:22", at(2021, 3, 5, 14, 22)),
        ("2021年3月5日 14时22分10秒", at(2021, 3, 5, 14, 22, 10)),
        ("2021年03月05日", at(2021, 3, 5)),
        ("2021年3月5日", at(2021, 3, 5)),
        ("2021-03-05T14:22:10", at(2021, 3, 5, 14, 22, 10)),
        ("2021-03-05 14:22:10.5", at(2021, 3, 5, 14, 22, 10, 500000)),
        ("  2021-03-05 14:22:10  ", at(2021, 3, 5, 14, 22, 10)),
        ("２０２１-０３-０５ １４：２２", at(2021, 3, 5, 14, 22)),
    ],
)
def test_parse_time_accepts_every_text_form(raw: str, expected: dt.datetime) -> None:
    parsed = parse_time(raw)

    assert parsed == expected
    assert parsed.utcoffset() == dt.timedelta(hours=8)


def test_parse_time_keeps_an_explicit_zone() -> None:
    assert parse_time("2021-03-05T06:22:10Z") == at(2021, 3, 5, 14, 22, 10)
    assert parse_time("2021-03-05 14:22:10+08:00") == at(2021, 3, 5, 14, 22, 10)
    assert parse_time("2021/3/5 07:22 +01:00") == at(2021, 3, 5, 14, 22)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (dt.datetime(2021, 3, 5, 14, 22, 10), at(2021, 3, 5, 14, 22, 10)),
        (dt.date(2021, 3, 5), at(2021, 3, 5)),
        (44260.5, at(2021, 3, 5, 12)),  # Excel serial day number
        (44260, at(2021, 3, 5)),
        (44260.598726851855, at(2021, 3, 5, 14, 22, 10)),
    ],
)
def test_parse_time_accepts_excel_values(raw: object, expected: dt.datetime) -> None:
    assert parse_time(raw) == expected


def test_parse_time_uses_the_given_zone() -> None:
    utc = dt.UTC

    assert parse_time("2021-03-05 14:22", utc) == dt.datetime(2021, 3, 5, 14, 22, tzinfo=utc)
    assert parse_time("2021/3/5 14:22", utc).tzinfo is utc


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "abc",
        "2021-13-05",
        "2021-02-30 10:00",
        "2021/3/5 25:00",
        "05/03/2021",  # day-first or month-first: ambiguous
        "21-3-5",
        "2021-03-05 14",
        "2021-03-0514:22",
        True,
        dt.time(14, 22),
        None,
        -1.0,
    ],
)
def test_parse_time_refuses_unreadable_values(raw: object) -> None:
    with pytest.raises(RowError, match="^无法识别的时间："):
        parse_time(raw)


# --- satisfaction -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("满意", "satisfied"),
        ("非常满意", "satisfied"),
        ("基本满意", "basic"),
        ("一般", "basic"),
        ("不满意", "dissatisfied"),
        ("非常不满意", "dissatisfied"),
        ("", None),
        ("未评价", None),
        ("未回访", None),
        ("无法联系", None),
        (" 满意　", "satisfied"),
        (None, None),
    ],
)
def test_parse_satisfaction_maps_each_contract_value(raw: object, expected: str | None) -> None:
    assert parse_satisfaction(raw) == expected


def test_parse_satisfaction_refuses_unknown_value() -> None:
    with pytest.raises(RowError, match="^未知的满意度取值：比较满意$"):
        parse_satisfaction("比较满意")


def test_parse_satisfaction_uses_a_custom_mapping() -> None:
    mapping = {"5": "satisfied", " 差评 ": "dissatisfied"}

    assert parse_satisfaction(5.0, mapping) == "satisfied"
    assert parse_satisfaction("差评", mapping) == "dissatisfied"
    assert parse_satisfaction("", mapping) is None
    with pytest.raises(RowError):
        parse_satisfaction("满意", mapping)


def test_default_satisfaction_map_is_read_only() -> None:
    with pytest.raises(TypeError):
        DEFAULT_SATISFACTION_MAP["好"] = "satisfied"  # type: ignore[index]


# --- phone --------------------------------------------------------------------------

SECRET = b"test-secret"


@pytest.mark.parametrize(
    "raw",
    ["13800138000", "138 0013 8000", "138-0013-8000", "+86 138 0013 8000", "008613800138000",
     "8613800138000", "+86-13800138000", "１３８００１３８０００", 13800138000.0, 13800138000],
)  # fmt: skip
def test_caller_hash_is_the_same_for_every_form_of_a_number(raw: object) -> None:
    assert caller_hash(raw, SECRET) == caller_hash("13800138000", SECRET)


def test_caller_hash_never_contains_the_number() -> None:
    hashed = caller_hash("13800138000", SECRET)

    assert hashed is not None
    assert len(hashed) == 32
    assert "13800138000" not in hashed
    assert hashed != caller_hash("13800138000", b"another-secret")
    assert hashed != caller_hash("13900139000", SECRET)


@pytest.mark.parametrize("secret", [b"k", b"test-secret", b"x" * 64, b"y" * 100])
def test_caller_hash_is_standard_hmac_sha256(secret: bytes) -> None:
    expected = hmac.new(secret, b"13800138000", hashlib.sha256).hexdigest()[:32]

    assert caller_hash("13800138000", secret) == expected


@pytest.mark.parametrize("secret", [None, b""])
def test_caller_hash_is_none_without_a_secret(secret: bytes | None) -> None:
    assert caller_hash("13800138000", secret) is None


@pytest.mark.parametrize("raw", ["", None, "  ", "无", "0", "138****8000", "138＊＊＊＊8000"])
def test_caller_hash_is_none_without_a_usable_number(raw: object) -> None:
    assert caller_hash(raw, SECRET) is None


def test_normalize_phone_keeps_landlines_and_the_first_number() -> None:
    assert normalize_phone("(0533) 123-4567") == "05331234567"
    assert normalize_phone("0533-1234567转801") == "05331234567"
    assert normalize_phone("13800138000/13900139000") == "13800138000"


# --- rows ---------------------------------------------------------------------------


def full_parser(**kwargs: object) -> RowParser:
    return RowParser(map_header(FULL_HEADER), **kwargs)  # type: ignore[arg-type]


def test_row_parser_returns_typed_values() -> None:
    parser = full_parser(phone_secret=SECRET)

    parsed = parser.parse(
        row(
            request_type="投诉",
            category=" 城乡建设 ＞ 物业管理 ",
            district="张店区",
            town="车站街道",
            status="已办结",
            closed_at="2021/3/8 9:00",
            satisfaction="基本满意",
            content="  小区物业不作为\n请处理  ",
            caller_phone="13800138000",
        )
    )

    assert parsed.ticket_no == "GD001"
    assert parsed.received_at == at(2021, 3, 5, 14, 22, 10)
    assert parsed.department_name == "市公安局"
    assert parsed.request_type == "投诉"
    assert parsed.category == "城乡建设>物业管理"
    assert (parsed.district, parsed.town, parsed.status) == ("张店区", "车站街道", "已办结")
    assert parsed.closed_at == at(2021, 3, 8, 9, 0)
    assert parsed.satisfaction == "basic"
    assert parsed.content == "小区物业不作为\n请处理"
    assert parsed.caller_hash == caller_hash("13800138000", SECRET)


def test_row_parser_never_returns_the_raw_phone() -> None:
    parsed = full_parser(phone_secret=SECRET).parse(row(caller_phone="13800138000"))

    assert "13800138000" not in repr(parsed)
    assert not hasattr(parsed, "caller_phone")


def test_row_parser_drops_the_phone_without_a_secret() -> None:
    parsed = full_parser().parse(row(caller_phone="13800138000"))

    assert parsed.caller_hash is None
    assert "13800138000" not in repr(parsed)


def test_row_parser_normalizes_full_width_department_names() -> None:
    parsed = full_parser().parse(row(department="　淄博市公安局（交警支队） "))

    assert parsed.department_name == "淄博市公安局(交警支队)"


def test_row_parser_keeps_slashes_inside_category_names() -> None:
    parsed = full_parser().parse(row(category="城乡建设>水/电/气"))

    assert parsed.category == "城乡建设>水/电/气"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (2021030500001.0, "2021030500001"),
        (2021030500001, "2021030500001"),
        ("2021030500001.0", "2021030500001"),
        (" GD-2021-001 ", "GD-2021-001"),
        ("ＧＤ００１", "GD001"),
    ],
)
def test_row_parser_normalizes_ticket_numbers(raw: object, expected: str) -> None:
    assert full_parser().parse(row(ticket_no=raw)).ticket_no == expected


def test_row_parser_refuses_ticket_numbers_mangled_by_excel() -> None:
    with pytest.raises(RowError, match="科学计数法"):
        full_parser().parse(row(ticket_no="2.02103E+12"))


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("ticket_no", "缺少工单编号"),
        ("received_at", "缺少受理时间"),
        ("department", "缺少承办单位"),
    ],
)
def test_row_parser_refuses_empty_required_fields(field: str, message: str) -> None:
    with pytest.raises(RowError, match=f"^{message}$"):
        full_parser().parse(row(**{field: "  "}))


def test_row_parser_names_the_field_of_an_unreadable_time() -> None:
    with pytest.raises(RowError, match="^受理时间：无法识别的时间：昨天$"):
        full_parser().parse(row(received_at="昨天"))
    with pytest.raises(RowError, match="^办结时间：无法识别的时间：2021-02-30$"):
        full_parser().parse(row(closed_at="2021-02-30"))


def test_row_parser_reports_every_problem_of_a_row_at_once() -> None:
    with pytest.raises(RowError) as error:
        full_parser().parse(row(ticket_no="", satisfaction="还行"))

    assert str(error.value) == "缺少工单编号；未知的满意度取值：还行"


def test_row_parser_reads_short_rows_and_missing_optional_columns() -> None:
    parser = RowParser(map_header(["工单编号", "受理时间", "承办单位", "满意度"]))

    parsed = parser.parse(["GD001", "2021-03-05", "市公安局"])

    assert parsed.satisfaction is None
    assert parsed.closed_at is None
    assert (parsed.category, parsed.content) == ("", "")


def test_row_parser_accepts_excel_cells() -> None:
    parser = full_parser(phone_secret=SECRET)

    parsed = parser.parse(
        row(
            ticket_no=2021030500001.0,
            received_at=dt.datetime(2021, 3, 5, 14, 22, 10),
            closed_at=dt.date(2021, 3, 8),
            caller_phone=13800138000.0,
        )
    )

    assert parsed.ticket_no == "2021030500001"
    assert parsed.received_at == at(2021, 3, 5, 14, 22, 10)
    assert parsed.closed_at == at(2021, 3, 8)
    assert parsed.caller_hash == caller_hash("13800138000", SECRET)


def test_row_parser_uses_the_configured_satisfaction_map() -> None:
    parser = full_parser(satisfaction_map={"好评": "satisfied", "": None})

    assert parser.parse(row(satisfaction="好评")).satisfaction == "satisfied"
    with pytest.raises(RowError, match="未知的满意度取值：满意"):
        parser.parse(row(satisfaction="满意"))
