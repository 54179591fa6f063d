"""Pluggable SMS backends for phone verification codes (setting SMS_BACKEND).

The default console backend writes the code to the log, for development and tests. A real
backend subclasses BaseSmsBackend and sends through the city's SMS gateway."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("pingyi.sms")


class BaseSmsBackend:
    def send_code(self, *, phone: str, code: str, minutes: int) -> None:
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    """Logs the message instead of sending it (the number is masked, the code is not)."""

    def send_code(self, *, phone: str, code: str, minutes: int) -> None:
        logger.info(
            "短信验证码 发送至 %s：您的验证码为 %s，%d 分钟内有效。",
            mask_phone(phone),
            code,
            minutes,
        )


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"


def get_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()


# Messages sent through LocmemSmsBackend, newest last (for tests, like Django's mail.outbox).
outbox: list[dict] = []


class LocmemSmsBackend(BaseSmsBackend):
    def send_code(self, *, phone: str, code: str, minutes: int) -> None:
        outbox.append({"phone": phone, "code": code, "minutes": minutes})
