"""Checking and cleaning uploaded attachments, by content and never by name.

No Django imports. Images (JPEG, PNG, WebP) are decoded with Pillow, turned upright by their
EXIF orientation, and re-encoded, which drops EXIF, GPS and any other metadata and anything
appended to the file; a thumbnail is made alongside. PDFs must start with the PDF header."""

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

THUMB_SIZE = (480, 360)
MAX_PIXELS = 40_000_000  # a 40-megapixel photo; larger is refused, not decoded
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


class RejectedFile(ValueError):
    """The message is Chinese and shown to the person who uploaded the file."""


@dataclass(frozen=True)
class CleanFile:
    kind: str  # "image" | "pdf"
    extension: str
    content: bytes
    thumbnail: bytes | None = None
    width: int | None = None
    height: int | None = None


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head.startswith(b"%PDF-"):
        return "PDF"
    return None


def clean_upload(data: bytes, *, name: str, max_bytes: int) -> CleanFile:
    if len(data) > max_bytes:
        raise RejectedFile(
            f"文件“{name}”过大（{len(data) / 1048576:.1f} MB），"
            f"每个附件不能超过 {max_bytes / 1048576:.0f} MB。"
        )
    if not data:
        raise RejectedFile(f"文件“{name}”是空文件。")
    kind = _sniff(data[:16])
    if kind is None:
        raise RejectedFile(
            f"文件“{name}”不是图片或 PDF（按文件内容识别，与扩展名无关）。"
            "只能上传 JPEG、PNG、WebP 图片或 PDF 文件。"
        )
    if kind == "PDF":
        if b"%%EOF" not in data[-2048:]:
            raise RejectedFile(f"文件“{name}”不是完整的 PDF 文件。")
        return CleanFile(kind="pdf", extension="pdf", content=data)
    return _clean_image(data, name=name, expected=kind)


def _clean_image(data: bytes, *, name: str, expected: str) -> CleanFile:
    bad = RejectedFile(f"文件“{name}”无法作为图片打开，可能已损坏。")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format != expected:
                raise bad
            if probe.width * probe.height > MAX_PIXELS:
                raise RejectedFile(f"图片“{name}”像素过多，请缩小后再上传。")
            probe.verify()  # structure check; the image must be reopened afterwards
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            upright = ImageOps.exif_transpose(img)
    except RejectedFile:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise bad from None
    fmt = "PNG" if expected == "PNG" else expected
    if fmt == "JPEG" and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    out = io.BytesIO()
    # A fresh save writes no EXIF, XMP, ICC or text chunks: nothing is passed along.
    upright.save(out, format=fmt, quality=85) if fmt != "PNG" else upright.save(out, format=fmt)
    thumb = upright.copy()
    thumb.thumbnail(THUMB_SIZE)
    if thumb.mode not in ("RGB", "L"):
        thumb = thumb.convert("RGB")
    thumb_out = io.BytesIO()
    thumb.save(thumb_out, format="JPEG", quality=80)
    return CleanFile(
        kind="image",
        extension=IMAGE_FORMATS[expected],
        content=out.getvalue(),
        thumbnail=thumb_out.getvalue(),
        width=upright.width,
        height=upright.height,
    )
