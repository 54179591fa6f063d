"""Checks on uploaded files before anything stores or parses them. Pure Python, no Django.

`upload_check` is the one gate every upload form and API endpoint calls: size, type
(extension and the file's first bytes) and, for anything that is a ZIP archive inside
(XLSX, DOCX), the archive check below. Callers turn UnsafeUploadError into their own
ValidationError (form, service or API), so a page and the API refuse a file the same way.

An XLSX file is a ZIP archive. A hostile one (a "zip bomb") is a few kilobytes on the wire
and gigabytes once a reader inflates it: openpyxl and calamine would exhaust the worker's
memory. The central directory of a ZIP lists each member's compressed and uncompressed
size, so both can be checked without inflating anything. A real export of 50,000 rows of
suggestions is about 6 MB compressed, 40 MB uncompressed (ratio ~7); the limits below leave
wide room for that and none for a bomb (ratios of 1,000 and more)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

# Uncompressed bytes of all members together.
MAX_XLSX_UNCOMPRESSED = 300 * 1024 * 1024
# Per member: uncompressed / compressed. Spreadsheet XML compresses well, but not 200-fold.
MAX_XLSX_RATIO = 200
# Members smaller than this are not judged by ratio (a tiny all-blank sheet compresses well).
_RATIO_FLOOR = 1024 * 1024
MAX_XLSX_MEMBERS = 10_000


class UnsafeUploadError(ValueError):
    """The file is refused before parsing; the message is for the person who uploaded it."""


def check_xlsx_archive(
    source: bytes | str | Path | IO[bytes],
    *,
    max_uncompressed: int = MAX_XLSX_UNCOMPRESSED,
    max_ratio: int = MAX_XLSX_RATIO,
) -> None:
    """Refuse an XLSX whose archive would inflate beyond the limits. Raises
    UnsafeUploadError; a file that is not a ZIP at all is left to the parser to report."""
    handle = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    try:
        with zipfile.ZipFile(handle) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    if len(members) > MAX_XLSX_MEMBERS:
        raise UnsafeUploadError("文件结构异常（压缩包内文件过多），已拒绝。")
    total = 0
    for member in members:
        total += member.file_size
        if total > max_uncompressed:
            raise UnsafeUploadError(
                f"文件解压后超过 {max_uncompressed // (1024 * 1024)} MB，已拒绝。请拆分后分批上传。"
            )
        if member.file_size > _RATIO_FLOOR and (
            member.compress_size == 0 or member.file_size / member.compress_size > max_ratio
        ):
            raise UnsafeUploadError(
                "文件压缩比异常（疑似“压缩炸弹”），已拒绝。请上传正常导出的表格。"
            )


MB = 1024 * 1024
# The first bytes a file of each kind starts with; a kind not listed is not sniffed.
SIGNATURES = {"pdf": b"%PDF-", "docx": b"PK\x03\x04", "xlsx": b"PK\x03\x04"}
ZIP_MAGIC = b"PK\x03\x04"


def upload_check(
    upload: Any,
    *,
    max_bytes: int,
    kinds: Sequence[str] | None = None,
    label: str = "文件",
    max_uncompressed: int = MAX_XLSX_UNCOMPRESSED,
) -> str:
    """Refuse an upload before it is stored or parsed; return its lower-case extension.

    `upload` is anything with `name`, `size`, `seek` and `read` (Django's UploadedFile); the
    file is judged by its size and first bytes, never read whole. A RefusedUpload (a file
    core.upload_handlers dropped while it streamed in) is refused with its own message.
    `kinds`: the accepted extensions (None: any; the parser judges the content). A file
    that is a ZIP inside gets the archive (zip-bomb) check whatever its name, with
    `max_uncompressed` as the limit of all its members together. Raises
    UnsafeUploadError with a message for the person who uploaded it; the file is left at
    position 0."""
    refusal = getattr(upload, "refusal", None)
    if refusal:  # core.upload_handlers stopped reading it at the limit
        raise UnsafeUploadError(refusal)
    name = getattr(upload, "name", "") or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if kinds is not None and ext not in kinds:
        listed = " 或 ".join(k.upper() for k in kinds)
        raise UnsafeUploadError(f"{label}只能是 {listed} 格式。")
    size = upload.size or 0
    if size > max_bytes:
        raise UnsafeUploadError(f"{label}不能超过 {max_bytes // MB} MB（上传上限）。")
    if size == 0:
        raise UnsafeUploadError(f"{label}是空的。")
    upload.seek(0)
    try:
        head = upload.read(8)
        if kinds is not None and ext in SIGNATURES and not head.startswith(SIGNATURES[ext]):
            raise UnsafeUploadError(f"文件内容不是有效的 {ext.upper()} 文件。")
        if head.startswith(ZIP_MAGIC):
            upload.seek(0)
            check_xlsx_archive(getattr(upload, "file", upload), max_uncompressed=max_uncompressed)
    finally:
        upload.seek(0)
    return ext
