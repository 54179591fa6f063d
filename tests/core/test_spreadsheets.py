"""The one workbook writer: hostile text stays text, as typed; numbers and dates stay typed."""

import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from core.spreadsheets import Sheet, safe_cell, safe_text, workbook_bytes

HOSTILE = ['=HYPERLINK("http://evil.example","点我")', "+86 138", "-1+1", "@SUM(A1)", "\t=1"]


def test_hostile_text_is_a_string_cell_with_excels_quote_prefix_and_its_own_value():
    body = workbook_bytes([Sheet("表", ["内容", "数"], [[text, 1] for text in HOSTILE], [60, 8])])

    sheet = load_workbook(io.BytesIO(body))["表"]
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == HOSTILE
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    assert all(c.alignment.wrap_text for c in cells)  # a column at least 40 wide wraps


def test_plain_values_keep_their_types_and_the_table_has_header_freeze_and_filter():
    rows = [["市教育局", Decimal("92.35"), 3, dt.date(2021, 6, 30), None]]
    body = workbook_bytes([("甲", ["部门", "得分", "次数", "时限", "空"], rows, [20])])

    sheet = load_workbook(io.BytesIO(body))["甲"]
    name, score, count, due, empty = next(sheet.iter_rows(min_row=2))
    assert (name.value, name.quotePrefix) == ("市教育局", False)
    assert score.value == 92.35 and score.data_type == "n" and count.value == 3
    assert due.value == dt.datetime(2021, 6, 30) and due.is_date
    assert empty.value is None
    assert sheet["A1"].font.b and sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:E2"
    assert sheet.column_dimensions["A"].width == 20


def test_csv_cells_get_a_visible_apostrophe_and_numbers_pass():
    assert [safe_text(t) for t in HOSTILE] == ["'" + t for t in HOSTILE]
    assert safe_text("市教育局") == "市教育局"
    assert safe_cell(5) == 5 and safe_cell(None) is None and safe_cell("=1") == "'=1"
