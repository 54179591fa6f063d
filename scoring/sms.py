"""The SMS backends moved to core/sms.py so that notifications can use them too; the old
dotted paths (SMS_BACKEND="scoring.sms.LocmemSmsBackend") keep working."""

from core.sms import (  # noqa: F401
    BaseSmsBackend,
    ConsoleSmsBackend,
    LocmemSmsBackend,
    SmsError,
    get_backend,
    mask_phone,
    outbox,
)
