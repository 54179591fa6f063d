"""Issue 16 item 4: `export_documents 2021` on the demo makes one opinion and one report per
evaluated department and one notice; every .docx opens in python-docx, and one of each kind
prints through LibreOffice as an A4 Chinese document with page numbers."""

import re
import subprocess

import pytest
from django.core.management import call_command
from docx import Document

from campaigns.models import Campaign, EvaluatedDepartment
from issues.models import KeyIssue
from tests.support.office import office_pdf, office_pdfs, pdf_pages, require_office

pytestmark = pytest.mark.django_db


def _pdfinfo(pdf) -> str:
    return subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout


def _pdffonts(pdf) -> str:
    return subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout


def _flat(pages: list[str]) -> str:
    """Page text without the layout's line breaks and spaces (a title may wrap)."""
    return re.sub(r"\s+", "", "".join(pages))


def test_export_documents_on_the_demo_makes_every_document_and_they_print(tmp_path, capsys):
    require_office()
    call_command("load_demo", "--quiet-logins")
    campaign = Campaign.objects.get(slug="2021")
    evaluated = list(
        EvaluatedDepartment.objects.filter(campaign=campaign).select_related("department")
    )

    call_command("export_documents", "2021", "--out", str(tmp_path))

    files = sorted(p.name for p in tmp_path.glob("*.docx"))
    opinions = [f for f in files if f.startswith("2021-评议意见-")]
    reports = [f for f in files if f.startswith("2021-整改情况报告-")]
    assert len(opinions) == len(reports) == len(evaluated) > 0
    assert "2021-评议结果通报.docx" in files
    assert len(files) == 2 * len(evaluated) + 1
    for ev in evaluated:
        assert f"2021-评议意见-{ev.department.short_name}.docx" in files
    for name in files:  # every file opens
        assert Document(str(tmp_path / name)).paragraphs
    # ... and every file opens and prints in LibreOffice (one start for all of them), each
    # naming its department.
    pdfs = office_pdfs([tmp_path / name for name in files], tmp_path / "all")
    names = {ev.department.short_name: ev.department.name for ev in evaluated}
    for name, pdf in zip(files, pdfs, strict=True):
        text = _flat(pdf_pages(pdf))
        short = name.removesuffix(".docx").split("-", 2)[-1]
        expected = names.get(short, "评议结果的通报")  # the notice names no one department
        assert expected in text, name

    education = next(ev for ev in evaluated if ev.department.short_name == "市教育局")
    titles = list(
        KeyIssue.objects.filter(department=education, status=KeyIssue.Status.CONFIRMED).values_list(
            "title", flat=True
        )
    )
    assert titles
    for kind in ("评议意见", "整改情况报告"):
        pdf = office_pdf(tmp_path / f"2021-{kind}-市教育局.docx", tmp_path / "pdf")
        pages = pdf_pages(pdf)
        text = _flat(pages)
        assert education.department.name in text
        for title in titles:
            assert title in text
        assert "A4" in _pdfinfo(pdf)
        assert re.search(r"—\s*1\s*—", pages[0])  # the page number, "— 1 —"
        assert "CJK" in _pdffonts(pdf)  # the fallback rendered Chinese glyphs, not boxes
        if kind == "整改情况报告":
            assert "（请填写）" in text

    pdf = office_pdf(tmp_path / "2021-评议结果通报.docx", tmp_path / "pdf")
    pages = pdf_pages(pdf)
    text = _flat(pages)
    assert "A4" in _pdfinfo(pdf)
    assert re.search(r"—\s*1\s*—", pages[0])
    assert "评议结果的通报" in text and "综合得分" in text
    notice = Document(str(tmp_path / "2021-评议结果通报.docx"))
    ranked = [row.cells[2].text for row in notice.tables[0].rows[1:]]
    assert sorted(ranked) == sorted(ev.department.name for ev in evaluated)
    assert ranked[0] in text  # the first row, unwrapped, in the printed text
    assert len(notice.inline_shapes) == 1  # the chart
