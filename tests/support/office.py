"""A real reader for the files pingyi hands out: LibreOffice headless prints an .xlsx or
.docx to PDF as an office would, poppler reads the PDF back (text per page, PNG pages).

    pages = pdf_pages(office_pdf(path))      # list of page texts
    png = pdf_png(pdf, page=1, out=ARTIFACTS / "x")  # screenshot of one page

Missing tools skip the test on a developer's machine and fail it in CI (need_or_skip);
scripts/ensure-system-deps.sh installs them."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
PDFTOPPM = shutil.which("pdftoppm")


def office_available() -> bool:
    return bool(SOFFICE and PDFTOTEXT and PDFTOPPM)


def require_office() -> None:
    if office_available():
        return
    import pytest

    reason = "LibreOffice headless and poppler-utils are not installed"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI must provide them: see scripts/ensure-system-deps.sh)")
    pytest.skip(reason)


def office_pdf(path: Path | str, out_dir: Path | str | None = None) -> Path:
    """Convert `path` (.xlsx, .docx, …) to PDF with LibreOffice headless; returns the PDF.
    Each call uses its own LibreOffice profile, so parallel or leftover instances never
    block it."""
    path = Path(path)
    return office_pdfs([path], out_dir or path.parent)[0]


def office_pdfs(paths: list[Path], out_dir: Path | str) -> list[Path]:
    """Convert many files in one LibreOffice start (it costs about a second; each file after
    it a fraction of that); returns the PDFs in the order of `paths`. A file LibreOffice
    cannot open makes no PDF, and the assertion names it."""
    require_office()
    paths = [Path(p) for p in paths]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        env = {**os.environ, "HOME": profile}
        subprocess.run(
            [
                SOFFICE,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                *map(str, paths),
            ],
            check=True,
            capture_output=True,
            timeout=180 + 10 * len(paths),
            env=env,
        )
    pdfs = [out / (path.stem + ".pdf") for path in paths]
    for path, pdf in zip(paths, pdfs, strict=True):
        assert pdf.exists(), f"LibreOffice made no PDF of {path.name}"
    return pdfs


def pdf_pages(pdf: Path | str) -> list[str]:
    """The text of each page of `pdf` (pdftotext -layout, split on form feeds)."""
    require_office()
    text = subprocess.run(
        [PDFTOTEXT, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return pages


def pdf_png(pdf: Path | str, out: Path | str, page: int = 1, dpi: int = 80) -> Path:
    """Page `page` of `pdf` as `out`.png (for screenshots under docs/ and for looking)."""
    require_office()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [PDFTOPPM, "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile"]
        + [str(pdf), str(out.with_suffix(""))],
        check=True,
        capture_output=True,
    )
    return out.with_suffix(".png")
