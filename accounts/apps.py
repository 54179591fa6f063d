from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    label = "accounts"
    verbose_name = "用户与角色"

    def ready(self) -> None:
        from core.audit import audit_register

        audit_register(
            self.get_model("User"),
            include_fields=[
                "username",
                "name",
                "phone",
                "role",
                "organizer",
                "department",
                "deputy_level",
                "is_active",
                "is_staff",
                "is_superuser",
                "must_change_password",
            ],
        )
