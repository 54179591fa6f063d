"""Checking and cleaning uploaded attachments, by content and never by name.

No Django imports. Images (JPEG, PNG, WebP) are decoded with Pillow, turned upright by their
EXIF orientation, and re-encoded, which drops EXIF, GPS and any other metadata and anything
appended to the file; a thumbnail is made alongside. PDFs must start with the PDF header and
end with its end marker; they are kept as they are and served only as downloads.

`clean_upload` takes the bytes or a binary file (Django's UploadedFile, streamed to a
temporary file by core.upload_handlers). A file is judged by its size before anything is
read: one over the limit is refused unread, and a PDF is checked by its first and last bytes
and stored from the file, never read whole into memory. Only images, within the limit, are
read to be decoded and re-encoded.

`sniff` is the one place a stored or uploaded file's kind is decided; the attachment view
serves by it (not by any name). A maintained sniffing library (filetype, puremagic) was
weighed: for the four kinds accepted here it checks the same magic numbers, and it would
recognise many kinds that must be refused anyway, so these few lines stay."""

import io
from dataclasses import dataclass
from typing import IO, Any

from PIL import Image, ImageOps, UnidentifiedImageError

THUMB_SIZE = (480, 360)
MAX_PIXELS = 40_000_000  # a 40-megapixel photo; larger is refused, not decoded
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


class RejectedFile(ValueError):
    """The message is Chinese and shown to the person who uploaded the file."""


# The kinds an attachment may be, with the extension and Content-Type each is stored and
# served with. Nothing else is accepted, stored or served as its own type.
KINDS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
    "PDF": ("pdf", "application/pdf"),
}
SNIFF_BYTES = 16


@dataclass(frozen=True)
class CleanFile:
    kind: str  # "image" | "pdf"
    extension: str
    content: bytes | IO[bytes]  # re-encoded image bytes, or the PDF file as uploaded
    size: int = 0
    thumbnail: bytes | None = None
    width: int | None = None
    height: int | None = None


def sniff(head: bytes) -> str | None:
    """JPEG, PNG, WEBP or PDF from a file's first SNIFF_BYTES bytes; None for anything else."""
    return _sniff(head)


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


def _size_of(source: bytes | IO[bytes]) -> int:
    if isinstance(source, bytes | bytearray):
        return len(source)
    size = getattr(source, "size", None)
    if size is None:
        size = source.seek(0, io.SEEK_END)
    return int(size)


def _read_at(source: IO[bytes], offset: int, count: int) -> bytes:
    source.seek(offset)
    data = source.read(count)
    source.seek(0)
    return data


def clean_upload(source: bytes | IO[bytes] | Any, *, name: str, max_bytes: int) -> CleanFile:
    # A file core.upload_handlers stopped reading at the limit: refused with its message.
    refusal = getattr(source, "refusal", None)
    if refusal:
        raise RejectedFile(refusal)
    size = _size_of(source)
    if size > max_bytes:
        raise RejectedFile(
            f"文件“{name}”过大（{size / 1048576:.1f} MB），"
            f"每个附件不能超过 {max_bytes / 1048576:.0f} MB。"
        )
    if not size:
        raise RejectedFile(f"文件“{name}”是空文件。")
    is_bytes = isinstance(source, bytes | bytearray)
    head = source[:SNIFF_BYTES] if is_bytes else _read_at(source, 0, SNIFF_BYTES)
    kind = _sniff(bytes(head))
    if kind is None:
        raise RejectedFile(
            f"文件“{name}”不是图片或 PDF（按文件内容识别，与扩展名无关）。"
            "只能上传 JPEG、PNG、WebP 图片或 PDF 文件。"
        )
    if kind == "PDF":
        tail = source[-2048:] if is_bytes else _read_at(source, max(0, size - 2048), 2048)
        if b"%%EOF" not in tail:
            raise RejectedFile(f"文件“{name}”不是完整的 PDF 文件。")
        return CleanFile(kind="pdf", extension="pdf", content=source, size=size)
    # An image within the limit is decoded whole anyway: read it.
    data = bytes(source) if is_bytes else _read_at(source, 0, max_bytes + 1)
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
        size=out.tell(),
        thumbnail=thumb_out.getvalue(),
        width=upright.width,
        height=upright.height,
    )
