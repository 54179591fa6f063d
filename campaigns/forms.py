"""Input shapes for the campaign pages; the rules live in services."""

from django import forms
from django.utils import timezone

from .models import Campaign, validate_campaign_slug
from .stages import Stage

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CampaignCreateForm(forms.Form):
    copy_from = forms.ModelChoiceField(
        label="复制往年设置",
        queryset=Campaign.objects.none(),
        required=False,
        empty_label="不复制，从头创建",
        help_text="复制批次、名额、阶段计划和评分设置，不复制部门、票决和意见建议等数据。",
    )
    title = forms.CharField(label="名称", max_length=120)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    slug = forms.SlugField(
        label="网址标识",
        max_length=40,
        help_text="公开页面的网址，如 2022。",
        validators=[validate_campaign_slug],
    )
    evaluation_start = forms.DateField(label="评价期开始", widget=DATE, required=False)
    evaluation_end = forms.DateField(label="评价期结束", widget=DATE, required=False)
    batch_count = forms.IntegerField(label="批次数", min_value=1, max_value=6, initial=2)

    def __init__(self, *args, campaigns=None, **kwargs):
        super().__init__(*args, **kwargs)
        if campaigns is not None:
            self.fields["copy_from"].queryset = campaigns

    def clean(self):
        data = super().clean()
        if not data.get("copy_from"):
            for name in ("evaluation_start", "evaluation_end"):
                if not data.get(name):
                    self.add_error(name, "从头创建时请填写评价期。")
        return data


class CampaignEditForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["title", "evaluation_start", "evaluation_end", "decision_text"]
        widgets = {
            "evaluation_start": DATE,
            "evaluation_end": DATE,
            "decision_text": forms.Textarea(attrs={"rows": 5}),
        }


class NominationForm(forms.Form):
    department = forms.ModelChoiceField(label="候选部门（单位）", queryset=None)
    reason = forms.CharField(label="提名理由", max_length=500)

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class SlotsForm(forms.Form):
    slots = forms.IntegerField(label="应选名额", min_value=1, max_value=50)


class StageForm(forms.Form):
    target = forms.ChoiceField(label="进入阶段", choices=[(s.value, s.label) for s in Stage])
    note = forms.CharField(label="说明", max_length=500, required=False)


class StagePlanForm(forms.Form):
    stage = forms.ChoiceField(label="阶段", choices=[(s.value, s.label) for s in Stage])
    planned_start = forms.DateField(label="计划开始", widget=DATE, required=False)
    planned_end = forms.DateField(label="计划结束", widget=DATE, required=False)


def closes_at_check(value):
    """A planned closing time must lie ahead (services check it again)."""
    if value is not None and value <= timezone.now():
        raise forms.ValidationError("计划截止时间须晚于现在。")
    return value


class ClosesAtForm(forms.Form):
    """The optional planned closing time (计划截止时间) of a vote or scoring session."""

    closes_at = forms.DateTimeField(
        label="计划截止时间（可不填）",
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": "计划截止时间的格式不对，请按“年-月-日 时:分”填写。"},
        help_text="到时不会自动结束，仍由评议办结束；截止前会提醒尚未投票的组成人员。",
    )

    def clean_closes_at(self):
        return closes_at_check(self.cleaned_data.get("closes_at"))

    def closes_at_value(self) -> str:
        """The time as the review page posts it again on confirmation (local, minutes)."""
        value = self.cleaned_data.get("closes_at")
        return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") if value else ""


class VoteOpenForm(ClosesAtForm):
    members = forms.ModelMultipleChoiceField(
        label="有投票权的常委会组成人员",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一名有投票权的常委会组成人员。"},
    )

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members
        self.fields["members"].label_from_instance = lambda u: u.display_name


class StatementForm(forms.Form):
    speaker = forms.CharField(label="发言人（职务、姓名）", max_length=80)
    date = forms.DateField(label="发言日期", widget=DATE)
    text = forms.CharField(
        label="发言内容", widget=forms.Textarea(attrs={"rows": 10}), required=False
    )
    file = forms.FileField(
        label="发言稿文件（PDF 或 DOCX，不超过 10 MB）",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx"}),
    )
    remove_file = forms.BooleanField(label="删除已上传的文件", required=False)
    publish = forms.BooleanField(label="在部门公开页面公布", required=False)
