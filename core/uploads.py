"""Checks on uploaded files before any parser opens them. Pure Python, no Django.

An XLSX file is a ZIP archive. A hostile one (a "zip bomb") is a few kilobytes on the wire
and gigabytes once a reader inflates it: openpyxl and calamine would exhaust the worker's
memory. The central directory of a ZIP lists each member's compressed and uncompressed
size, so both can be checked without inflating anything. A real export of 50,000 rows of
suggestions is about 6 MB compressed, 40 MB uncompressed (ratio ~7); the limits below leave
wide room for that and none for a bomb (ratios of 1,000 and more)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

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
    source: bytes | str | Path,
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
