"""A service's refusal shown on the form that asked for it (issue 19)."""

from django import forms
from django.core.exceptions import ValidationError

from core.messages import validation_error_to_form


class _Form(forms.Form):
    deadline = forms.DateField(label="完成时限")


def test_a_refusal_naming_a_field_goes_to_that_field_and_others_to_the_summary():
    form = _Form({"deadline": "2021-07-31"})
    assert form.is_valid()

    validation_error_to_form(
        form,
        ValidationError({"deadline": "完成时限不能晚于方案时限", "plan": "方案已提交"}),
    )

    assert form.errors["deadline"] == ["完成时限不能晚于方案时限"]
    assert form.non_field_errors() == ["方案已提交"]


def test_a_plain_refusal_goes_to_the_summary():
    form = _Form({"deadline": "2021-07-31"})
    form.is_valid()

    validation_error_to_form(form, ValidationError(["该调查已结束", "请稍后再试"]))

    assert form.non_field_errors() == ["该调查已结束", "请稍后再试"] and not form.has_error(
        "deadline"
    )
