"""Workbook rows that print whole: wrapped text gets a row tall enough for its lines (an
.xlsx row without a height prints one line in LibreOffice), a width of 0 means "fit it", and
live exports name their export time."""

import datetime as dt
import io

from openpyxl import load_workbook

from core.spreadsheets import (
    LINE_HEIGHT,
    Sheet,
    exported_info,
    fitted_widths,
    workbook_bytes,
    wrapped_lines,
)


def test_wrapped_text_gets_a_row_height_for_its_lines():
    long_text = "公交等车时间太长。" * 10  # 90 characters: 180 display units
    body = workbook_bytes(
        [Sheet("表", ["编号", "内容"], [[1, long_text], [2, "短"], [3, "一\n二\n三"]], [0, 50])]
    )

    sheet = load_workbook(io.BytesIO(body))["表"]

    lines = wrapped_lines(long_text, 50)
    assert lines == 4
    assert sheet.row_dimensions[2].height == lines * LINE_HEIGHT
    assert sheet.row_dimensions[3].height is None  # one line: the default height
    assert sheet.row_dimensions[4].height == 3 * LINE_HEIGHT
    assert sheet["B2"].alignment.wrap_text and sheet["A2"].alignment.vertical == "top"


def test_a_zero_width_is_fitted_to_the_content():
    widths = fitted_widths(["部门", "内容"], [["淄博市住房和城乡建设局", "x"]], given=[0, 44])

    assert widths == [24, 44]


def test_live_exports_name_their_export_time_in_local_time():
    info = exported_info("2021年专项工作评议", now=dt.datetime(2021, 7, 10, 2, 5, tzinfo=dt.UTC))

    assert info.version == "导出于 2021-07-10 10:05" and info.campaign == "2021年专项工作评议"
