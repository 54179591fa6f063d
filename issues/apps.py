from django.apps import AppConfig


class IssuesConfig(AppConfig):
    name = "issues"
    verbose_name = "意见建议与重点问题"

    def ready(self) -> None:
        from campaigns.stages import Stage, register_guard

        from .services import key_issue_bound_errors

        # A batch leaves the key-issues stage only when every department has between
        # key_issues_min and key_issues_max confirmed key issues.
        register_guard(Stage.RECTIFICATION)(key_issue_bound_errors)
