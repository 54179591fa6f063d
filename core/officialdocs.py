"""Official documents (公文) laid out after GB/T 9704-2012, with python-docx only.

    doc = OfficialDocument(title="关于……的意见", issuer="某某市人大常委会")
    doc.addressee("某某局：")
    doc.heading1("一、重点整改问题")
    doc.heading2("（一）问题标题")
    doc.paragraph("正文……")
    doc.signature("某某市人大常委会", "2021年8月20日")
    data = doc.to_bytes()

The layout: A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (a 156 x 225 mm
text area); title 方正小标宋简体 二号 (22 pt) centred; body 仿宋_GB2312 三号 (16 pt) on a
line grid of 22 lines, condensed to 28 characters a line; first-level headings 黑体 三号,
second-level 楷体_GB2312 三号; page numbers "— N —" in 宋体 四号 (14 pt), odd pages right and
even pages left, one character in from the edge of the text area.

Fonts are named as an office has them (eastAsia = the official name) so Word on an office PC
uses them. A machine without them (only free CJK fonts, e.g. Noto Sans CJK) falls back by
itself: the font table declares each official font as GB2312 (charset 86) with a free
alternative name, so LibreOffice and fontconfig pick an installed simplified-Chinese font and
the text renders as Chinese, never as boxes. No Django here: the apps put the records' text in.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

# Fonts as offices have them, and a free font with the same role (altName in the font table).
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
FALLBACKS = {
    TITLE_FONT: "Noto Serif CJK SC",
    BODY_FONT: "Noto Serif CJK SC",
    HEADING1_FONT: "Noto Sans CJK SC",
    HEADING2_FONT: "Noto Serif CJK SC",
    PAGE_NUMBER_FONT: "Noto Serif CJK SC",
}

SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号
SIZE_SMALL_4 = Pt(12)  # 小四
SIZE_5 = Pt(10.5)  # 五号

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 156 mm
TEXT_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM  # 225 mm
TWIPS_PER_EMU = 1 / 635
# 225 mm / 22 lines = 10.23 mm = 579 twips (28.95 pt) a line.
LINE_PITCH_TWIPS = int(TEXT_HEIGHT * TWIPS_PER_EMU / LINES_PER_PAGE)
LINE_PITCH = Pt(LINE_PITCH_TWIPS / 20)
# 156 mm / 28 = 15.79 pt a character, a little less than the 16 pt font: characters are
# condensed by 0.25 pt (w:spacing, in twentieths of a point) so 28 fit a line, in Word and in
# LibreOffice alike. A character grid (docGrid linesAndChars, charSpace -846) would say the
# same to Word, but LibreOffice puts a 16 pt character into two 15.79 pt cells and prints 14
# characters a line, so the grid here is a line grid only.
CONDENSE_TWIPS = -5

RED = RGBColor(0xC0, 0x00, 0x00)
FILL_IN = "（请填写）"


def _set_fonts(rpr, east_asia: str, latin: str = LATIN_FONT) -> None:
    """rFonts with the official CJK font for eastAsia and a Latin font for digits/letters."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr, value in (
        ("w:ascii", latin),
        ("w:hAnsi", latin),
        ("w:eastAsia", east_asia),
        ("w:cs", latin),
    ):
        fonts.set(qn(attr), value)
    fonts.set(qn("w:hint"), "eastAsia")


def _font_run(run, east_asia: str, size: Pt | None = None, *, bold: bool = False) -> None:
    run.font.name = LATIN_FONT
    _set_fonts(run._element.get_or_add_rPr(), east_asia)
    if size is not None:
        run.font.size = size
    if bold:
        run.font.bold = True


def _snap_to_grid(paragraph_format_element, snap: bool) -> None:
    ppr = paragraph_format_element
    element = ppr.find(qn("w:snapToGrid"))
    if element is None:
        element = OxmlElement("w:snapToGrid")
        ppr.append(element)
    element.set(qn("w:val"), "1" if snap else "0")


class OfficialDocument:
    """One 公文: build it top to bottom, then save it or take its bytes."""

    def __init__(self, *, title: str, issuer: str = "", subtitle: str = "") -> None:
        self.document = Document()
        self._page_setup()
        self._styles()
        self._font_table()
        self._page_numbers()
        body = self.document.element.body
        for paragraph in list(body.iterchildren(qn("w:p"))):
            body.remove(paragraph)  # the template's empty first paragraph
        if issuer:
            self._masthead(issuer)
        self.title(title)
        if subtitle:
            self.paragraph(subtitle, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
        self.blank()

    # ------------------------------------------------------------------------ layout
    def _page_setup(self) -> None:
        section = self.document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
        section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
        # The page number sits 7 mm below the text area (its line about 5 mm tall).
        section.footer_distance = Mm(35 - 7 - 6)
        section.header_distance = Mm(15)
        sect_pr = section._sectPr
        for grid in sect_pr.findall(qn("w:docGrid")):
            sect_pr.remove(grid)
        grid = OxmlElement("w:docGrid")
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
        sect_pr.append(grid)

    def _styles(self) -> None:
        styles = self.document.styles
        normal = styles["Normal"]
        normal.font.name = LATIN_FONT
        normal.font.size = SIZE_3
        rpr = normal.element.get_or_add_rPr()
        _set_fonts(rpr, BODY_FONT)
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:val"), str(CONDENSE_TWIPS))
        rpr.append(spacing)
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
        rpr.append(lang)
        fmt = normal.paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = LINE_PITCH
        fmt.widow_control = False
        # The document defaults decide the grid's character pitch: 三号 仿宋.
        defaults = self.document.styles.element.find(qn("w:docDefaults"))
        if defaults is not None:
            rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
            if rpr is not None:
                _set_fonts(rpr, BODY_FONT)
                size = rpr.find(qn("w:sz"))
                if size is None:
                    size = OxmlElement("w:sz")
                    rpr.append(size)
                size.set(qn("w:val"), str(int(SIZE_3.pt * 2)))
                lang = rpr.find(qn("w:lang"))
                if lang is None:
                    lang = OxmlElement("w:lang")
                    rpr.append(lang)
                lang.set(qn("w:eastAsia"), "zh-CN")

    def _font_table(self) -> None:
        """Declare each official font as a GB2312 (charset 86) font with a free altName, so
        a reader without it substitutes a simplified-Chinese font."""
        part = self.document.part
        font_part = None
        for rel in part.rels.values():
            if rel.reltype.endswith("/fontTable"):
                font_part = rel.target_part
        if font_part is None:
            return
        from lxml import etree  # type: ignore[import-untyped]

        root = etree.fromstring(font_part.blob)
        for name, alt in FALLBACKS.items():
            font = etree.SubElement(root, qn("w:font"))
            font.set(qn("w:name"), name)
            alt_name = etree.SubElement(font, qn("w:altName"))
            alt_name.set(qn("w:val"), alt)
            charset = etree.SubElement(font, qn("w:charset"))
            charset.set(qn("w:val"), "86")
            family = etree.SubElement(font, qn("w:family"))
            family.set(qn("w:val"), "modern" if name == HEADING1_FONT else "roman")
            pitch = etree.SubElement(font, qn("w:pitch"))
            pitch.set(qn("w:val"), "variable")
        font_part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8")

    def _page_numbers(self) -> None:
        """ "— N —" in 宋体 四号: odd pages right, even pages left, one character in."""
        self.document.settings.odd_and_even_pages_header_footer = True
        section = self.document.sections[0]
        for footer, align in (
            (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
            (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
        ):
            footer.is_linked_to_previous = False
            paragraph = footer.paragraphs[0]
            paragraph.alignment = align
            fmt = paragraph.paragraph_format
            fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
            fmt.left_indent = fmt.right_indent = Pt(14)
            _snap_to_grid(paragraph._p.get_or_add_pPr(), False)
            self._run(paragraph, "— ", PAGE_NUMBER_FONT, SIZE_4)
            self._field(paragraph, "PAGE", "1")
            self._run(paragraph, " —", PAGE_NUMBER_FONT, SIZE_4)

    def _field(self, paragraph, instruction: str, placeholder: str) -> None:
        def fld(kind: str):
            run = paragraph.add_run()
            _font_run(run, PAGE_NUMBER_FONT, SIZE_4)
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
            run._r.append(element)

        fld("begin")
        run = paragraph.add_run()
        _font_run(run, PAGE_NUMBER_FONT, SIZE_4)
        text = OxmlElement("w:instrText")
        text.set(qn("xml:space"), "preserve")
        text.text = f" {instruction} "
        run._r.append(text)
        fld("separate")
        self._run(paragraph, placeholder, PAGE_NUMBER_FONT, SIZE_4)
        fld("end")

    @staticmethod
    def _run(paragraph, text: str, font: str, size: Pt | None = None, *, bold: bool = False):
        run = paragraph.add_run(text)
        _font_run(run, font, size, bold=bold)
        return run

    def _masthead(self, issuer: str) -> None:
        """The issuer in red over a red rule (版头), as a committee's documents start."""
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt = paragraph.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        fmt.space_after = Pt(6)
        _snap_to_grid(paragraph._p.get_or_add_pPr(), False)
        run = self._run(paragraph, issuer, TITLE_FONT, Pt(26))
        run.font.color.rgb = RED
        ppr = paragraph._p.get_or_add_pPr()
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for attr, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "8")):
            bottom.set(qn(attr), value)
        bottom.set(qn("w:color"), "C00000")
        borders.append(bottom)
        ppr.append(borders)
        self.blank()

    # ------------------------------------------------------------------------ content
    def title(self, text: str) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt = paragraph.paragraph_format
        fmt.line_spacing = Pt(35)
        _snap_to_grid(paragraph._p.get_or_add_pPr(), False)
        self._run(paragraph, text, TITLE_FONT, SIZE_2)

    def blank(self) -> None:
        self.document.add_paragraph()

    def addressee(self, text: str) -> None:
        """主送机关: flush left, ending in a full-width colon."""
        self.paragraph(text if text.endswith("：") else f"{text}：", indent=False)

    def heading1(self, text: str) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.paragraph_format.first_line_indent = SIZE_3 * 2
        paragraph.paragraph_format.keep_with_next = True
        self._run(paragraph, text, HEADING1_FONT)

    def heading2(self, text: str) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.paragraph_format.first_line_indent = SIZE_3 * 2
        paragraph.paragraph_format.keep_with_next = True
        self._run(paragraph, text, HEADING2_FONT)

    def paragraph(
        self,
        text: str = "",
        *,
        lead: str = "",
        indent: bool = True,
        align: WD_ALIGN_PARAGRAPH | None = None,
    ) -> None:
        """Body text in 仿宋, first line indented two characters. `lead` is a run-in label
        (e.g. "整改目标：") in 仿宋 bold, as a third-level heading would be."""
        for number, line in enumerate((text or "").splitlines() or [""]):
            paragraph = self.document.add_paragraph()
            if align is not None:
                paragraph.alignment = align
            else:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            if indent:
                paragraph.paragraph_format.first_line_indent = SIZE_3 * 2
            if lead and number == 0:
                self._run(paragraph, lead, BODY_FONT, bold=True)
            self._run(paragraph, line.strip(), BODY_FONT)

    def fill_in(self, lead: str = "") -> None:
        """A place the recipient must write in: "（请填写）"."""
        self.paragraph(FILL_IN, lead=lead)

    def items(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.paragraph(line)

    def table(
        self,
        headers: Sequence[str],
        rows: Iterable[Sequence[object]],
        *,
        widths_mm: Sequence[float] | None = None,
        size: Pt = SIZE_SMALL_4,
        align_right: Iterable[int] = (),
    ) -> None:
        """A plain grid table in 仿宋 (小四 by default, 五号 when wide), header row repeated
        on every page, off the line grid so it stays compact."""
        right = set(align_right)
        table = self.document.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        # Narrow cell padding (1 mm a side, Word's default is 1.9 mm) so numbers fit.
        margins = OxmlElement("w:tblCellMar")
        for side in ("left", "right"):
            margin = OxmlElement(f"w:{side}")
            margin.set(qn("w:w"), "57")
            margin.set(qn("w:type"), "dxa")
            margins.append(margin)
        table._tbl.tblPr.append(margins)
        header_row = table.rows[0]
        tr_pr = header_row._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        tr_pr.append(repeat)
        for cell, text in zip(header_row.cells, headers, strict=True):
            self._cell(cell, text, size, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        for values in rows:
            row = table.add_row()
            cant_split = OxmlElement("w:cantSplit")  # a row never breaks across pages
            row._tr.get_or_add_trPr().append(cant_split)
            cells = row.cells
            for index, (cell, value) in enumerate(zip(cells, values, strict=True)):
                align = WD_ALIGN_PARAGRAPH.RIGHT if index in right else WD_ALIGN_PARAGRAPH.LEFT
                self._cell(cell, "" if value is None else str(value), size, align=align)
        if widths_mm:
            # LibreOffice reads the grid (gridCol), Word the cells (tcW): set both.
            table.autofit = False
            for column, width in zip(table.columns, widths_mm, strict=True):
                column.width = Mm(width)
            for row in table.rows:
                for cell, width in zip(row.cells, widths_mm, strict=True):
                    cell.width = Mm(width)
        self.blank()

    def _cell(self, cell, text: str, size: Pt, *, bold: bool = False, align=None) -> None:
        paragraph = cell.paragraphs[0]
        paragraph.alignment = align
        fmt = paragraph.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        fmt.first_line_indent = Pt(0)
        _snap_to_grid(paragraph._p.get_or_add_pPr(), False)
        self._run(paragraph, text, BODY_FONT, size, bold=bold)

    def image(self, data: bytes, *, width_mm: float = 150, caption: str = "") -> None:
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt = paragraph.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        _snap_to_grid(paragraph._p.get_or_add_pPr(), False)
        paragraph.add_run().add_picture(io.BytesIO(data), width=Mm(width_mm))
        if caption:
            self.paragraph(caption, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)

    def signature(self, issuer: str, date_text: str) -> None:
        """落款: the issuer and the date, right-aligned four characters in from the edge."""
        self.blank()
        for text in (issuer, date_text):
            paragraph = self.document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.paragraph_format.right_indent = SIZE_3 * 4
            self._run(paragraph, text, BODY_FONT)

    # ------------------------------------------------------------------------ output
    def save(self, path: Path | str) -> None:
        self.document.save(str(path))

    def to_bytes(self) -> bytes:
        stream = io.BytesIO()
        self.document.save(stream)
        return stream.getvalue()


def chinese_date(value) -> str:
    """2021年8月20日 (成文日期 in Arabic numerals, no leading zeros, as GB/T 9704-2012 has it)."""
    return f"{value.year}年{value.month}月{value.day}日"
