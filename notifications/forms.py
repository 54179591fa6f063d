from django import forms

from departments.models import Department

from .models import Robot


class RobotForm(forms.ModelForm):
    url = forms.URLField(
        label="推送地址（URL）",
        max_length=400,
        assume_scheme="https",
        # A text box (the design system styles those), with the URL keyboard on phones.
        widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "off"}),
        help_text="企业微信：https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…；"
        "钉钉：https://oapi.dingtalk.com/robot/send?access_token=…",
    )

    class Meta:
        model = Robot
        fields = ["platform", "name", "department", "url", "secret", "is_active"]
        widgets = {"secret": forms.PasswordInput(render_value=True)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.order_by("name")
        self.fields["department"].empty_label = "（常委会：评议办、委员和调研组）"


class QuietHoursForm(forms.Form):
    start = forms.TimeField(
        label="免打扰开始",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    end = forms.TimeField(
        label="免打扰结束",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
