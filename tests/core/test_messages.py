"""ValidationError (and form errors) → one Django error message each, in order."""

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from core.messages import form_errors_flash, validation_error_flash


def _request():
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_every_message_of_a_validation_error_becomes_an_error_message():
    request = _request()

    validation_error_flash(request, ValidationError(["批次不在票决阶段", "票决已结束"]))
    validation_error_flash(request, ValidationError({"percent": ["进度须在 0–100 之间"]}))

    shown = [(m.level_tag, m.message) for m in get_messages(request)]
    assert shown == [
        ("error", "批次不在票决阶段"),
        ("error", "票决已结束"),
        ("error", "进度须在 0–100 之间"),
    ]


class _Form(forms.Form):
    title = forms.CharField(label="标题")

    def clean(self):
        raise ValidationError("整体不对")


def test_form_errors_carry_their_field_label():
    request = _request()
    form = _Form(data={})
    assert not form.is_valid()

    form_errors_flash(request, form)

    assert [m.message for m in get_messages(request)] == ["标题：该字段是必填项。", "整体不对"]
