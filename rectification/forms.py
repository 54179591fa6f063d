from django import forms

from .models import Measure, Verdict


class PlanForm(forms.Form):
    goals = forms.CharField(label="整改目标", widget=forms.Textarea(attrs={"rows": 4}))
    deadline = forms.DateField(
        label="完成时限", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class MeasureForm(forms.ModelForm):
    class Meta:
        model = Measure
        fields = [
            "title",
            "responsible_unit",
            "responsible_person",
            "deadline",
            "target_value",
            "target_unit",
        ]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def clean_target_value(self):
        # Named at its field; the database's check (measure_target_positive) would only say
        # "约束 … 是无效的" in the error summary.
        value = self.cleaned_data.get("target_value")
        if value is not None and value <= 0:
            raise forms.ValidationError("目标值须大于 0；没有量化目标时请留空。")
        return value


class EvidenceForm(forms.Form):
    evidence = forms.CharField(
        label="完成情况和佐证",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "标记完成时请说明完成情况和佐证。"},
    )


class ActionForm(forms.Form):
    """A button with no field (submit a plan, delete a measure): bound only to carry the
    service's refusal to the error summary of the page shown again."""


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class UpdateForm(forms.Form):
    text = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 5}))
    percent = forms.IntegerField(label="整体完成进度（%）", min_value=0, max_value=100)
    files = MultipleFileField(
        label="图片或 PDF 附件",
        required=False,
        help_text="可多选。只接受 JPEG、PNG、WebP 图片和 PDF，图片会去除拍摄位置等信息。",
    )
    caption = forms.CharField(
        label="照片说明（建议填写）",
        required=False,
        max_length=200,
        help_text="用一句话说明照片拍的是什么，如“第一小学课后服务课堂”。它会作为照片的文字说明，"
        "供看不到图片的群众（如使用读屏软件）了解照片内容；不填写时显示部门和日期。",
    )

    def __init__(self, *args, measures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator_fields = []
        for m in measures:
            if m.target_value is None:
                continue
            name = f"value_{m.id}"
            self.fields[name] = forms.DecimalField(
                label=f"{m.title}（目标 {m.target_value.normalize()} {m.target_unit}）",
                required=False,
                min_value=0,
                max_digits=14,
                decimal_places=2,
            )
            self.indicator_fields.append(name)

    def values(self) -> dict:
        return {
            int(name.split("_")[1]): self.cleaned_data[name]
            for name in self.indicator_fields
            if self.cleaned_data.get(name) is not None
        }


class ReturnForm(forms.Form):
    reason = forms.CharField(label="退回理由", widget=forms.Textarea(attrs={"rows": 2}))


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="撤回理由",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "撤回整改措施时请写明理由。"},
    )


class VerdictForm(forms.Form):
    result = forms.ChoiceField(label="评议意见", choices=Verdict.Result.choices)
    remarks = forms.CharField(
        label="常委会意见", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    new_deadline = forms.DateField(
        label="重新整改完成时限",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="不满意时必填。",
    )


class ReboundForm(forms.Form):
    evidence = forms.CharField(
        label="反弹依据",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="如 12345 热线诉求量回升、群众反映、实地调研情况。",
    )


class ResolveForm(forms.Form):
    resolution = forms.CharField(label="解决情况", widget=forms.Textarea(attrs={"rows": 2}))
