"""Browsers accept only ISO values in date, time and datetime-local inputs ("2026-12-01",
"22:00", "2026-12-01T09:30"); a widget left at the zh-hans input format renders
"2026/12/01", which the browser discards, so the field shows empty. Every such widget of
every form in the project names its HTML format."""

import importlib
import inspect
import pkgutil

import pytest
from django import forms

APPS = ["accounts", "campaigns", "core", "hotline", "issues", "notifications", "rectification",
        "scoring"]  # fmt: skip
HTML_FORMATS = {"date": "%Y-%m-%d", "time": "%H:%M", "datetime-local": "%Y-%m-%dT%H:%M"}


def project_forms():
    for app in APPS:
        package = importlib.import_module(app)
        names = [f"{app}.{m.name}" for m in pkgutil.iter_modules(package.__path__)]
        for name in names:
            if not name.rsplit(".", 1)[-1].startswith("forms"):
                continue
            module = importlib.import_module(name)
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                    yield cls


def test_the_walk_finds_the_forms_with_date_fields():
    names = {cls.__name__ for cls in project_forms()}
    assert {"RecordForm", "QuietHoursForm", "MeasureForm"} <= names


@pytest.mark.parametrize("form_class", list(project_forms()), ids=lambda c: c.__qualname__)
def test_date_and_time_inputs_render_iso_values(form_class):
    for name, field in form_class.base_fields.items():
        kind = field.widget.attrs.get("type") or getattr(field.widget, "input_type", "")
        if kind in HTML_FORMATS:
            assert field.widget.format == HTML_FORMATS[kind], f"{form_class.__name__}.{name}"
