"""The channels a message can take, each a class selected by a dotted path in
settings.NOTIFY_CHANNELS (like SMS_BACKEND). `send(delivery)` returns the platform's answer
or raises DeliveryError with it; the caller logs it, retries and falls back.

Group robots post the JSON bodies the platforms define (text or markdown):
- 企业微信: POST {"msgtype": "markdown", "markdown": {"content": …}} to
  https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY; answer {"errcode": 0, …}.
- 钉钉: POST {"msgtype": "markdown", "markdown": {"title": …, "text": …}} to
  https://oapi.dingtalk.com/robot/send?access_token=TOKEN&timestamp=MS&sign=SIGN, where
  SIGN = urlencode(base64(HMAC-SHA256(key=secret, msg=f"{MS}\\n{secret}"))); same answer."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from core.sms import SmsError, get_backend

from .models import Channel, Message

if TYPE_CHECKING:
    from .models import Delivery


class DeliveryError(Exception):
    """The channel could not deliver; str(exc) is the platform's answer."""


class BaseChannel:
    code = ""

    # A person's own address for this channel: None means the channel cannot reach them.
    def address(self, user) -> str | None:
        return None

    def send(self, delivery: Delivery) -> str:
        raise NotImplementedError


def link(url: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{url}" if url.startswith("/") else url


class InAppChannel(BaseChannel):
    code = Channel.INAPP

    def address(self, user) -> str | None:
        return f"user:{user.pk}"

    def send(self, delivery: Delivery) -> str:
        message = Message.objects.create(
            recipient_id=delivery.user_id,
            event=delivery.event,
            title=delivery.title,
            body=delivery.body,
            url=delivery.url,
        )
        return f"message {message.pk}"


class SmsChannel(BaseChannel):
    """Through the SMS backend (core/sms.py), to the phone number of the person's profile."""

    code = Channel.SMS

    def address(self, user) -> str | None:
        return user.phone or None

    def send(self, delivery: Delivery) -> str:
        phone = delivery.user.phone if delivery.user else ""
        if delivery.contact is not None:
            phone = delivery.contact.address
        if not phone:
            raise DeliveryError("没有手机号码")
        text = f"【人大评议】{delivery.body}"
        try:
            return get_backend().send_text(phone=phone, text=text) or "ok"
        except SmsError as exc:
            raise DeliveryError(str(exc)) from exc


class EmailChannel(BaseChannel):
    """Django's email backend (EMAIL_BACKEND), to the email of the person's profile."""

    code = Channel.EMAIL

    def address(self, user) -> str | None:
        return user.email or None

    def send(self, delivery: Delivery) -> str:
        email = delivery.user.email if delivery.user else ""
        if delivery.contact is not None:
            email = delivery.contact.address
        if not email:
            raise DeliveryError("没有电子邮箱")
        body = delivery.body + (f"\n\n{link(delivery.url)}" if delivery.url else "")
        try:
            send_mail(delivery.title, body, None, [email], fail_silently=False)
        except Exception as exc:  # SMTP and backend errors alike: logged, retried
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
        return "ok"


class RobotChannel(BaseChannel):
    """A group robot's webhook. Robots speak for a group, so the text is the event's robot
    template (no personal data) and the address is the robot, not a person."""

    def payload(self, delivery: Delivery) -> dict:
        raise NotImplementedError

    def endpoint(self, delivery: Delivery) -> str:
        assert delivery.robot is not None
        return delivery.robot.url

    def markdown(self, delivery: Delivery) -> str:
        text = f"### {delivery.title}\n{delivery.body}"
        if delivery.url:
            text += f"\n\n[查看详情]({link(delivery.url)})"
        return text

    def send(self, delivery: Delivery) -> str:
        if delivery.robot is None or not delivery.robot.is_active:
            raise DeliveryError("群机器人未配置或已停用")
        data = json.dumps(self.payload(delivery), ensure_ascii=False).encode()
        url = self.endpoint(delivery)
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise DeliveryError("推送地址（URL）不是 http(s) 地址")
        request = urllib.request.Request(  # noqa: S310 - http(s) only, checked above
            url,
            data=data,
            headers={"Content-Type": "application/json; charset=utf-8"},
            method="POST",
        )
        try:
            timeout = settings.NOTIFY_HTTP_TIMEOUT
            with urllib.request.urlopen(request, timeout=timeout) as resp:  # noqa: S310
                answer = resp.read(2000).decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            raise DeliveryError(
                f"HTTP {exc.code}: {exc.read(500).decode('utf-8', 'replace')}"
            ) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise DeliveryError(f"网络错误：{exc}") from exc
        try:
            errcode = json.loads(answer).get("errcode")
        except (ValueError, AttributeError):
            raise DeliveryError(f"无法识别的答复：{answer[:300]}") from None
        if errcode != 0:
            raise DeliveryError(answer[:500])
        return answer[:500]


class WeComRobotChannel(RobotChannel):
    code = Channel.WECOM

    def payload(self, delivery: Delivery) -> dict:
        return {"msgtype": "markdown", "markdown": {"content": self.markdown(delivery)}}


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉 加签: base64 HMAC-SHA256 of "timestamp\\nsecret" keyed by the secret, URL-encoded."""
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


class DingTalkRobotChannel(RobotChannel):
    code = Channel.DINGTALK

    def endpoint(self, delivery: Delivery) -> str:
        url = super().endpoint(delivery)
        secret = delivery.robot.secret if delivery.robot else ""
        if not secret:
            return url
        timestamp = int(time.time() * 1000)
        sep = "&" if "?" in url else "?"
        return f"{url}{sep}timestamp={timestamp}&sign={dingtalk_sign(secret, timestamp)}"

    def payload(self, delivery: Delivery) -> dict:
        return {
            "msgtype": "markdown",
            "markdown": {"title": delivery.title, "text": self.markdown(delivery)},
        }


def get_channel(code: str) -> BaseChannel:
    return import_string(settings.NOTIFY_CHANNELS[code])()
