"""Print a downloaded workbook as an office would (LibreOffice headless → PDF, see
tests/support/office.py) and check what every export must hold on paper.

    pages = printed(response.content, tmp_path / "ledger.xlsx")
    assert_prints_readably(pages, header="整改措施", version="导出于")
"""

from __future__ import annotations

import re
from pathlib import Path

from .office import office_pdf, pdf_pages

# LibreOffice's "第 &P 页 共 &N 页" as pdftotext lays it out (spaces may vary).
PAGE = re.compile(r"第\s*(\d+)\s*页\s*共\s*(\d+)\s*页")


def printed(body: bytes, path: Path) -> list[str]:
    """Write `body` to `path`, convert it once, return the text of each printed page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    return pdf_pages(office_pdf(path))


def assert_prints_readably(pages: list[str], *, header: str, version: str) -> None:
    """No "###" anywhere; every page repeats the header row (holds `header`), names the
    version (`version`) and numbers itself "第 N 页 共 M 页"."""
    assert pages, "nothing printed"
    for number, text in enumerate(pages, start=1):
        assert "###" not in text, f"page {number} prints ### (a column too narrow)"
        assert header in text, f"page {number} lacks the header row ({header})"
        assert version in text, f"page {number} lacks the version ({version})"
        found = PAGE.search(text)
        assert found, f"page {number} has no page number"
        assert (int(found.group(1)), int(found.group(2))) == (number, len(pages))
