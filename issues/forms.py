from django import forms

from campaigns.models import Campaign, EvaluatedDepartment
from core.uploads import MB, UnsafeUploadError, upload_check
from departments.models import District
from notifications.services import contact_channel

from .models import (
    ANSWER_MAX,
    ANSWER_REASON_MAX,
    OFFLINE_CHANNELS,
    Channel,
    KeyIssue,
    SourceType,
    Suggestion,
    Theme,
)
from .selectors import LEVEL_CHOICES, evaluated_departments

TEXT_MIN, TEXT_MAX = 5, 2000


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: EvaluatedDepartment) -> str:
        return obj.department.name


def _department_field(
    campaign: Campaign, *, label="涉及部门（单位）", empty="不确定"
) -> forms.Field:
    return DepartmentChoiceField(
        queryset=evaluated_departments(campaign=campaign),
        required=False,
        empty_label=empty,
        label=label,
    )


def _text_field(label="意见建议") -> forms.CharField:
    return forms.CharField(
        label=label,
        min_length=TEXT_MIN,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class PublicSuggestionForm(forms.Form):
    department = forms.Field()  # replaced in __init__
    source_type = forms.ChoiceField(
        label="您的身份",
        choices=[
            (SourceType.PUBLIC, "市民群众"),
            (SourceType.ENTERPRISE, "企业"),
            (SourceType.OTHER, "其他"),
        ],
        initial=SourceType.PUBLIC,
    )
    text = _text_field("您的意见建议")
    contact = forms.CharField(
        label="联系方式（选填，不公开）",
        max_length=100,
        required=False,
        help_text="仅供工作人员核实情况时联系您，任何页面都不会公开。",
    )
    notify = forms.BooleanField(
        label="通过上面的手机号码或电子邮箱告诉我这条意见建议的办理进展",
        required=False,
        help_text="选填。只发送这条意见建议的归并和整改进展，不作他用。",
    )
    # The honeypot: hidden from people by CSS (.hp), bots fill every field they see.
    website = forms.CharField(label="网站（请勿填写）", required=False)

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"] = _department_field(campaign)
        self.fields["website"].widget.attrs.update(
            {"autocomplete": "off", "tabindex": "-1", "class": "hp-input"}
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("notify") and contact_channel(cleaned.get("contact") or "") is None:
            self.add_error("contact", "接收办理进展须填写手机号码或电子邮箱。")
        return cleaned


class DeputySuggestionForm(forms.Form):
    department = forms.Field()
    text = _text_field()

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"] = _department_field(campaign)


class RecordForm(forms.Form):
    channel = forms.ChoiceField(
        label="征集渠道", choices=[(c.value, c.label) for c in OFFLINE_CHANNELS]
    )
    source_type = forms.ChoiceField(label="来源类型", choices=SourceType.choices)
    department = forms.Field()
    district = forms.ModelChoiceField(
        label="所属区县（选填）", queryset=District.objects.all(), required=False
    )
    submitted_on = forms.DateField(
        label="日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    text = _text_field("内容")
    contact = forms.CharField(label="联系方式（选填，不公开）", max_length=100, required=False)

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"] = _department_field(campaign)
        self.order_fields(["channel", "source_type", "department", "district", "submitted_on"])


class ImportForm(forms.Form):
    file = forms.FileField(label="表格文件（XLSX 或 CSV）")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            upload_check(upload, max_bytes=20 * MB)
        except UnsafeUploadError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload


class TriageFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False)
    batch = forms.ChoiceField(label="批次", required=False)
    department = forms.ChoiceField(label="部门（单位）", required=False)
    channel = forms.ChoiceField(
        label="渠道", required=False, choices=[("", "全部渠道"), *Channel.choices]
    )
    source_type = forms.ChoiceField(
        label="来源类型", required=False, choices=[("", "全部来源"), *SourceType.choices]
    )
    level = forms.ChoiceField(
        label="层级", required=False, choices=[("", "全部层级"), *LEVEL_CHOICES]
    )
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "有效（不含无效信息）"), *Suggestion.Status.choices],
    )
    tag = forms.ChoiceField(label="标签", required=False)
    theme = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, campaign: Campaign, departments, tags, **kwargs):
        super().__init__(*args, **kwargs)
        batches = {ev.batch_id: ev.batch.name for ev in departments}
        self.fields["batch"].choices = [("", "全部批次"), *batches.items()]
        self.fields["department"].choices = [
            ("", "全部部门"),
            ("none", "未确定部门"),
            *[(ev.id, ev.department.short_name) for ev in departments],
        ]
        self.fields["tag"].choices = [("", "全部标签"), *[(t.id, t.name) for t in tags]]


class ThemeForm(forms.ModelForm):
    department = forms.Field()

    class Meta:
        model = Theme
        fields = ["title", "department", "is_focus", "summary", "summary_approved"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"summary": "经审核后在部门公开页面显示；请概括，不要照抄群众原文和个人信息。"}

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"] = _department_field(campaign, empty="未确定")
        self.order_fields(["title", "department", "is_focus", "summary", "summary_approved"])


class ThemeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Theme) -> str:
        return f"{obj.title}（{obj.n} 条）"


class KeyIssueForm(forms.ModelForm):
    class Meta:
        model = KeyIssue
        fields = ["title", "description", "hotline_categories", "themes"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "hotline_categories": forms.Textarea(attrs={"rows": 3}),
            "themes": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"] = ThemeChoiceField(
            queryset=themes,
            required=False,
            label="来源主题（归并后的意见建议）",
            widget=forms.CheckboxSelectMultiple,
        )


class ContactExportForm(forms.Form):
    """Asking for the citizens' contact details in the suggestions export: explicit (the box
    must be ticked) and audited; the reason is optional and goes into the audit entry."""

    include_contact = forms.BooleanField(label="包含联系方式", required=True)
    reason = forms.CharField(
        label="用途（选填，记入审计日志）",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "如：回访核实第二批意见"}),
    )


class SuggestionAnswerForm(forms.Form):
    """办理答复, or 更正答复 once answered (`correcting`): then the reason is required.
    Line ends are stored as "\n": a browser posts a textarea with CRLF, and the review page
    (core.confirm) must sign the same text the confirming POST carries back."""

    text = forms.CharField(
        label="答复内容",
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=f"在回执查询页公开给提出人（不显示答复人姓名），最多 {ANSWER_MAX} 字。",
        error_messages={
            "required": "请填写答复内容。",
            "max_length": f"答复内容不能超过 {ANSWER_MAX} 字（现有 %(show_value)d 字）。",
        },
    )
    reason = forms.CharField(
        label="更正理由",
        max_length=ANSWER_REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="更正了什么、为什么更正；与更正后的答复一并告知提出人。",
        error_messages={
            "max_length": f"更正理由不能超过 {ANSWER_REASON_MAX} 字（现有 %(show_value)d 字）。"
        },
    )

    def __init__(self, *args, correcting: bool, **kwargs):
        kwargs.setdefault("auto_id", "answer-%s")
        super().__init__(*args, **kwargs)
        self.correcting = correcting
        if correcting:
            self.fields["reason"].required = True
            self.fields["reason"].error_messages["required"] = (
                "更正答复须说明更正了什么、为什么更正。"
            )
        else:
            del self.fields["reason"]

    def _clean_lines(self, name: str) -> str:
        return self.cleaned_data.get(name, "").replace("\r\n", "\n").replace("\r", "\n").strip()

    def clean_text(self) -> str:
        return self._clean_lines("text")

    def clean_reason(self) -> str:
        return self._clean_lines("reason")
