"""Pluggable SMS backends (setting SMS_BACKEND): verification codes for public scoring
(scoring/) and text messages for notifications (notifications/).

The default console backend writes the message to the log, for development and tests. A real
backend subclasses BaseSmsBackend and sends through the city's SMS gateway; `send_text`
raises SmsError with the gateway's answer when the gateway refuses."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("pingyi.sms")


class SmsError(Exception):
    """The gateway refused the message; the text is its answer (kept in the delivery log)."""


class BaseSmsBackend:
    def send_code(self, *, phone: str, code: str, minutes: int) -> None:
        raise NotImplementedError

    def send_text(self, *, phone: str, text: str) -> str:
        """Send a notification; returns the gateway's answer (a message id or "ok")."""
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

    def send_text(self, *, phone: str, text: str) -> str:
        logger.info("短信 发送至 %s：%s", mask_phone(phone), text)
        return "console"


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"


def get_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()


# Messages sent through LocmemSmsBackend, newest last (for tests, like Django's mail.outbox).
outbox: list[dict] = []


class LocmemSmsBackend(BaseSmsBackend):
    def send_code(self, *, phone: str, code: str, minutes: int) -> None:
        outbox.append({"phone": phone, "code": code, "minutes": minutes})

    def send_text(self, *, phone: str, text: str) -> str:
        outbox.append({"phone": phone, "text": text})
        return f"locmem-{len(outbox)}"
