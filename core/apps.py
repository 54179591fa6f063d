from django.apps import AppConfig, apps

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


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "通用组件"

    def ready(self) -> None:
        translate_third_party_labels()
