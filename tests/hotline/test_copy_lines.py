"""The fast COPY-line path must say exactly what the reference path (parse, then format)
says, for every value form of the contract, or reject the row with the same message."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotline.importing.copy_lines import CopyLineParser
from hotline.importing.parsing import (
    DEFAULT_SATISFACTION_MAP,
    HEADER_ALIASES,
    RowError,
    map_header,
)

FULL_HEADER = [names[0] for names in HEADER_ALIASES.values()]
DEPARTMENTS = {"淄博市公安局": 1, "市公安局": 1, "淄博市教育局": 2}


def parser(header=FULL_HEADER, secret=b"secret") -> CopyLineParser:
    return CopyLineParser(
        map_header(header),
        departments=DEPARTMENTS,
        batch_id=7,
        satisfaction_map=DEFAULT_SATISFACTION_MAP,
        phone_secret=secret,
    )


def row(**values: str) -> list[str]:
    cells = dict.fromkeys(HEADER_ALIASES, "")
    cells.update(ticket_no="GD001", received_at="2021-03-05 14:22:10", department="市公安局")
    cells.update(values)
    return [cells[name] for name in HEADER_ALIASES]


def outcome(make, cells):
    try:
        return make(3, cells)
    except RowError as exc:
        return ("rejected", str(exc))


def assert_same(cells):
    fast = outcome(parser().line, cells)
    # A fresh parser for the reference, so the fast path's caches cannot leak into it.
    reference = outcome(parser().slow_line, cells)
    assert fast == reference
    return fast


TIMES = [
    "2021-03-05 14:22:10", "2021-03-05 14:22", "2021/3/5 14:22", "2021-03-05",
    "2021年3月5日 14:22", "2021年3月5日", "2021-03-05T14:22:10", "2021-03-05 14:22:10+08:00",
    "2021-03-05 14:22:10Z", "2021-03-05 14:22:10.5", " 2021-03-05 14:22:10 ", "2021-02-30",
    "2021-02-30 10:00:00", "2021-03-05 24:00:00", "2021-03-05 14:60", "2021-13-01",
    "0000-01-01", "2024-02-29 23:59:59", "2023-02-29", "05/03/2021", "昨天", "2021-03-05 ",
    "２０２１-０３-０５", "2021-03-05 1:2:3", "2021-3-5 14:22:10", "  ",
    # What Excel writes for date cells saved as CSV, and its neighbours.
    "2021/3/5 14:22", "2021/3/5 14:22:10", "2021.3.5 9:05", "2021/3/5 9:5", "2021/02/30 10:00",
    "2021/3/5 24:00", "2021/3/5  14:22", "2021/3/5 14:22 ", "2021/3/5 14:22:60",
    "2021年3月5日 9:05", "2021-3/5 14:22", "2021/3/5 14时22分", "2021/3/5 T14:22",
]  # fmt: skip


@pytest.mark.parametrize("value", TIMES)
def test_every_time_form_gives_the_same_line(value):
    assert_same(row(received_at=value))
    assert_same(row(closed_at=value))


@pytest.mark.parametrize(
    "ticket",
    ["GD001", "20210305001", "2.02103E+12", "2021030500.0", "GD 001", " GD001 ", "ＧＤ００１",
     "", "gd-001", "工单1", "A" * 64, "1e5", "007"],
)  # fmt: skip
def test_every_ticket_form_gives_the_same_line(ticket):
    assert_same(row(ticket_no=ticket))


@pytest.mark.parametrize(
    "rating", [*DEFAULT_SATISFACTION_MAP, " 满意 ", "满 意", "还行", "  ", "非常　满意"]
)
def test_every_satisfaction_value_gives_the_same_line(rating):
    assert_same(row(satisfaction=rating))


@pytest.mark.parametrize(
    "department",
    ["淄博市公安局", "　淄博市公安局 ", "淄博市 公安局", "市公安局", "某某物业", "", "  "],
)
def test_department_forms_and_matching_give_the_same_line(department):
    line = assert_same(row(department=department))
    if department.strip() in DEPARTMENTS:
        assert "\t1\t" in line


def test_names_categories_content_and_escapes_give_the_same_line():
    cells = row(
        category=" 城乡建设 ＞ 物业管理 ",
        district="张店区　",
        town="车站\t街道",
        status=" 已办结",
        request_type="投诉",
        content=" 第一行\n第二行\\ 有\t制表符 \r\n",
        caller_phone="+86 138-0000-0000",
    )
    line = assert_same(cells)
    assert "\\n" in line and "\\\\" in line


def test_the_phone_number_becomes_the_same_keyed_hash_and_never_appears():
    line = assert_same(row(caller_phone="13800000000"))
    assert "13800000000" not in line
    assert_same(row(caller_phone="138****0000"))
    no_secret = parser(secret=None)
    assert no_secret.line(3, row(caller_phone="13800000000")) == no_secret.slow_line(
        3, row(caller_phone="13800000000")
    )


def test_short_rows_and_missing_optional_columns_give_the_same_line():
    header = ["工单编号", "受理时间", "承办单位", "满意度"]
    p = parser(header)
    for cells in (["GD1", "2021-03-05", "市公安局"], ["GD1", "2021-03-05", "市公安局", "满意"]):
        assert outcome(p.line, cells) == outcome(p.slow_line, cells)


def test_a_row_with_several_bad_values_is_rejected_with_every_reason():
    result = assert_same(row(ticket_no="", received_at="昨天", satisfaction="还行"))
    assert result[0] == "rejected"
    assert "缺少工单编号" in result[1] and "受理时间" in result[1] and "还行" in result[1]


def test_caches_do_not_change_answers_when_values_repeat():
    p = parser()
    rows = [row(received_at=t, satisfaction=s) for t in TIMES for s in ("满意", "还行", "")]
    first = [outcome(p.line, cells) for cells in rows]
    again = [outcome(p.line, cells) for cells in rows]
    assert first == again == [outcome(parser().slow_line, cells) for cells in rows]


_cell = st.text(
    alphabet=st.sampled_from(
        list("0123456789-/: 年月日时分秒T.+Z满意不一般　\t\n\\ＧＤGD市公安局")
    ),  # noqa: E501
    max_size=22,
)


@settings(max_examples=400, deadline=None)
@given(ticket=_cell, received=_cell, closed=_cell, rating=_cell, department=_cell, town=_cell)
def test_any_text_gives_the_same_outcome_on_both_paths(
    ticket, received, closed, rating, department, town
):
    cells = row(
        ticket_no=ticket,
        received_at=received,
        closed_at=closed,
        satisfaction=rating,
        department=department,
        town=town,
    )
    assert outcome(parser().line, cells) == outcome(parser().slow_line, cells)


def test_canonical_rows_take_the_fast_path():
    p = parser()
    reference = p.slow_line(3, row(satisfaction="满意", caller_phone="13800000000"))

    def no_parse(cells):
        raise AssertionError("the reference parser ran for a canonical row")

    p.parse = no_parse
    for value in ("2021-03-05 14:22:10", "2021-03-05 14:22", "2021-03-05"):
        p.line(3, row(received_at=value, satisfaction="满意"))
    assert p.line(3, row(satisfaction="满意", caller_phone="13800000000")) == reference
