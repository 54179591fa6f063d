"""Commitment statements (表态发言): text or an uploaded PDF/DOCX, published on the
department's public page."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from core.uploads import UnsafeUploadError, upload_check

from ..models import CommitmentStatement, EvaluatedDepartment

# Extension and the file's first bytes must agree (a DOCX is a ZIP container, so it also
# gets the zip-bomb check): core.uploads.upload_check.
MAX_STATEMENT_BYTES = 10 * 1024 * 1024


def statement_file_check(upload: UploadedFile) -> str:
    """The lower-case extension of an acceptable upload; ValidationError otherwise."""
    try:
        return upload_check(
            upload, max_bytes=MAX_STATEMENT_BYTES, kinds=("pdf", "docx"), label="发言稿文件"
        )
    except UnsafeUploadError as exc:
        raise ValidationError(str(exc)) from exc


@transaction.atomic
def statement_save(
    *,
    evaluated: EvaluatedDepartment,
    actor,
    speaker: str,
    date: dt.date,
    text: str = "",
    upload: UploadedFile | None = None,
    remove_file: bool = False,
    publish: bool = False,
) -> CommitmentStatement:
    speaker, text = (speaker or "").strip(), (text or "").strip()
    if not speaker:
        raise ValidationError("请填写发言人。")
    if upload is not None:
        statement_file_check(upload)
    statement = CommitmentStatement.objects.select_for_update().filter(
        evaluated=evaluated
    ).first() or CommitmentStatement(evaluated=evaluated)
    old_file = statement.file.name if statement.file else ""
    keeps_file = upload is not None or (bool(old_file) and not remove_file)
    if not text and not keeps_file:
        raise ValidationError("请填写发言内容或上传发言稿文件（PDF/DOCX）。")
    statement.speaker, statement.date, statement.text = speaker, date, text
    if upload is not None:
        upload_name = upload.name or ""
        statement.file.save(upload_name, upload, save=False)
        statement.file_name = upload_name[:200]
    elif remove_file:
        statement.file, statement.file_name = "", ""
    now = timezone.now()
    statement.updated_by, statement.updated_at = actor, now
    if publish and not statement.is_published:
        statement.is_published, statement.published_by, statement.published_at = True, actor, now
    elif not publish:
        statement.is_published, statement.published_by, statement.published_at = False, None, None
    statement.save()
    new_file = statement.file.name if statement.file else ""
    if old_file and old_file != new_file:
        storage = CommitmentStatement._meta.get_field("file").storage
        transaction.on_commit(lambda: storage.delete(old_file))
    return statement
