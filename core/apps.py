from collections.abc import Callable
from typing import Any

from django.apps import AppConfig, apps
from django.utils.timezone import localtime

# Third-party apps that ship no zh-hans translation show English in the admin ("AUDIT LOG",
# "Access attempts"). Their app and model names are set here, once, at start-up.
THIRD_PARTY_LABELS = {
    "auditlog": ("审计日志", {"logentry": ("日志记录", "日志记录")}),
    "axes": (
        "登录限制",
        {
            "accessattempt": ("登录失败记录", "登录失败记录"),
            "accessfailurelog": ("登录失败日志", "登录失败日志"),
            "accesslog": ("登录日志", "登录日志"),
        },
    ),
}


def translate_third_party_labels() -> None:
    for label, (app_name, models) in THIRD_PARTY_LABELS.items():
        if not apps.is_installed(label):
            continue
        config = apps.get_app_config(label)
        config.verbose_name = app_name
        for model_name, (singular, plural) in models.items():
            meta = config.get_model(model_name)._meta
            meta.verbose_name, meta.verbose_name_plural = singular, plural


def _when(moment) -> str:
    return localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


# How axes' records name themselves in the admin (titles, breadcrumbs, the checkboxes'
# labels): axes writes "Attempted Access: 2026-…" and "Access Log for … @ …" in English.
AXES_NAMES: dict[str, Callable[[Any], str]] = {
    "accessattempt": lambda r: f"登录失败：{r.username or '（无用户名）'}，{_when(r.attempt_time)}",
    "accessfailurelog": lambda r: (
        f"登录失败：{r.username or '（无用户名）'}{'（已锁定）' if r.locked_out else ''}，"
        f"{_when(r.attempt_time)}，来自 {r.ip_address or '未知地址'}"
    ),
    "accesslog": lambda r: f"登录：{r.username or '（无用户名）'}，{_when(r.attempt_time)}",
}


def translate_third_party_names() -> None:
    if not apps.is_installed("axes"):
        return
    config = apps.get_app_config("axes")
    for model_name, name in AXES_NAMES.items():
        model = config.get_model(model_name)

        def __str__(self, name=name) -> str:
            return name(self)

        model.__str__ = __str__  # type: ignore[method-assign]


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "通用组件"

    def ready(self) -> None:
        translate_third_party_labels()
        translate_third_party_names()
