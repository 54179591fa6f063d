"""The GB/T 9704 layout of core/officialdocs.py, read back from the .docx itself."""

import io

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from core.officialdocs import FILL_IN, OfficialDocument


def _reopen(doc: OfficialDocument):
    return Document(io.BytesIO(doc.to_bytes()))


def _sample() -> OfficialDocument:
    doc = OfficialDocument(title="关于某事的意见", issuer="某市人大常委会")
    doc.addressee("某局")
    doc.heading1("一、重点整改问题")
    doc.heading2("（一）某问题")
    doc.paragraph("正文。")
    doc.fill_in(lead="整改成效：")
    doc.table(["序号", "措施"], [(1, "甲")], widths_mm=(20, 136))
    doc.signature("某市人大常委会", "2021年8月20日")
    return doc


def test_a4_with_the_standard_margins_and_a_22_line_grid():
    document = _reopen(_sample())
    section = document.sections[0]

    sizes = (section.page_width, section.page_height, section.top_margin)
    sizes += (section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(size.mm, 1) for size in sizes] == [210, 297, 37, 35, 28, 26]  # in twips
    grid = section._sectPr.find(qn("w:docGrid"))
    pitch = int(grid.get(qn("w:linePitch")))
    assert 22 * pitch <= (Mm(297 - 37 - 35) / 635) < 23 * pitch  # 22 lines fill the text area
    normal = document.styles["Normal"]
    assert normal.font.size == Pt(16)
    assert normal.paragraph_format.line_spacing == Pt(pitch / 20)


def test_fonts_are_named_as_offices_have_them():
    document = _reopen(_sample())
    east_asia = {
        run._element.rPr.rFonts.get(qn("w:eastAsia")): run.text
        for p in document.paragraphs
        for run in p.runs
        if run.text
    }
    assert east_asia["方正小标宋简体"] == "关于某事的意见"
    assert east_asia["黑体"] == "一、重点整改问题"
    assert east_asia["楷体_GB2312"] == "（一）某问题"
    assert "仿宋_GB2312" in east_asia
    assert document.paragraphs[-1].runs[0].font.size is None  # body: the 三号 of Normal
    title = next(p for p in document.paragraphs if p.text == "关于某事的意见")
    assert title.runs[0].font.size == Pt(22)


def test_page_numbers_odd_right_even_left_in_songti():
    document = _reopen(_sample())
    section = document.sections[0]

    assert document.settings.odd_and_even_pages_header_footer
    for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
        paragraph = footer.paragraphs[0]
        xml = paragraph._p.xml
        assert "PAGE" in xml and "— " in paragraph.text and " —" in paragraph.text
        assert paragraph._p.pPr.find(qn("w:jc")).get(qn("w:val")) == align
        assert 'w:eastAsia="宋体"' in xml


def test_tables_repeat_their_header_and_blanks_are_marked():
    document = _reopen(_sample())
    table = document.tables[0]

    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert round(table.columns[0].width.mm, 1) == 20
    assert any(p.text == f"整改成效：{FILL_IN}" for p in document.paragraphs)


def test_the_font_table_declares_a_gb2312_fallback():
    document = _reopen(_sample())
    part = next(
        rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/fontTable")
    )
    xml = part.blob.decode()
    assert 'w:name="仿宋_GB2312"' in xml and 'w:val="86"' in xml
