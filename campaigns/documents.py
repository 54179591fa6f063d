"""A campaign's official Word documents as files: which ones there are, their names, the
bytes of one, a zip of all, a directory of all. The makers are registered by the apps that
own the records (core/documents.py); this module only walks the campaign's departments.

File names are Chinese, as an office files them: `2021-评议意见-市教育局.docx` per evaluated
department (its short name) and `2021-评议结果通报.docx` for the campaign."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from core.documents import DocumentKind, DocumentUnavailable, document_kinds

from .models import Campaign, EvaluatedDepartment


@dataclass(frozen=True)
class DocumentFile:
    kind: DocumentKind
    filename: str
    evaluated: EvaluatedDepartment | None  # None for a campaign-wide document

    @property
    def department_slug(self) -> str:
        return self.evaluated.department.slug if self.evaluated else ""


def evaluated_departments(*, campaign: Campaign) -> list[EvaluatedDepartment]:
    return list(
        EvaluatedDepartment.objects.filter(campaign=campaign)
        .select_related("department", "batch", "campaign__organizer")
        .order_by("batch__number", "position", "department__name")
    )


def _filename(campaign: Campaign, kind: DocumentKind, evaluated=None) -> str:
    parts = [str(campaign.year), kind.title]
    if evaluated is not None:
        parts.append(evaluated.department.short_name or evaluated.department.name)
    return "-".join(parts).replace("/", "／") + ".docx"


def document_files(*, campaign: Campaign) -> list[DocumentFile]:
    """Every document of the campaign: campaign-wide ones first, then per department."""
    departments = evaluated_departments(campaign=campaign)
    files: list[DocumentFile] = []
    kinds = document_kinds()
    for kind in kinds:
        if not kind.per_department:
            files.append(DocumentFile(kind, _filename(campaign, kind), None))
    for evaluated in departments:
        for kind in kinds:
            if kind.per_department:
                files.append(DocumentFile(kind, _filename(campaign, kind, evaluated), evaluated))
    return files


def document_bytes(*, campaign: Campaign, file: DocumentFile) -> bytes:
    """The .docx; raises DocumentUnavailable when the records cannot make it yet."""
    target = file.evaluated if file.kind.per_department else campaign
    return file.kind.make(target).to_bytes()


def document_find(*, campaign: Campaign, kind: str, department_slug: str = "") -> DocumentFile:
    for file in document_files(campaign=campaign):
        if file.kind.key == kind and file.department_slug == department_slug:
            return file
    raise LookupError(kind)


def documents_zip(*, campaign: Campaign) -> tuple[bytes, list[str]]:
    """All documents in one zip; also the messages of those the records cannot make yet
    (written into the zip as 说明.txt so the reader knows what is missing and why)."""
    refused: list[str] = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in document_files(campaign=campaign):
            try:
                archive.writestr(file.filename, document_bytes(campaign=campaign, file=file))
            except DocumentUnavailable as exc:
                refused.append(f"{file.filename}：{exc.message}")
        if refused:
            archive.writestr("说明.txt", "未生成的文书：\n" + "\n".join(refused) + "\n")
    return buffer.getvalue(), refused


def documents_write(*, campaign: Campaign, out: Path) -> tuple[list[Path], list[str]]:
    """Write every document into `out`; returns the files written and the refusals."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    refused: list[str] = []
    for file in document_files(campaign=campaign):
        try:
            data = document_bytes(campaign=campaign, file=file)
        except DocumentUnavailable as exc:
            refused.append(f"{file.filename}：{exc.message}")
            continue
        path = out / file.filename
        path.write_bytes(data)
        written.append(path)
    return written, refused


def zip_filename(*, campaign: Campaign) -> str:
    return f"{campaign.year}-评议文书.zip"
