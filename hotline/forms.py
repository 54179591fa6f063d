from django import forms

from core.uploads import UnsafeUploadError, upload_check
from departments.models import Department

from . import conf
from .importing.readers import MAX_XLSX_UNCOMPRESSED


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="工单文件", help_text="CSV（UTF-8 或 GBK 编码）或 XLSX，第一行为表头。"
    )
    source = forms.CharField(
        label="数据来源",
        initial="12345热线",
        max_length=80,
        help_text="同一来源内工单编号唯一；重复导入同一文件不会产生重复记录。",
    )
    sheet = forms.CharField(
        label="工作表（仅 XLSX）",
        required=False,
        max_length=100,
        help_text="留空则读取第一个工作表。",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # The same gate for the page and the API (which validates through this form).
        try:
            upload_check(
                upload,
                max_bytes=conf.upload_max_bytes(),
                # The reader streams a full sheet: its own, larger limit of inflated XML.
                max_uncompressed=MAX_XLSX_UNCOMPRESSED,
            )
        except UnsafeUploadError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload


class AliasForm(forms.Form):
    name = forms.CharField(max_length=80, widget=forms.HiddenInput)
    department = forms.ModelChoiceField(
        label="归入部门", queryset=Department.objects.order_by("name"), empty_label="选择部门…"
    )

    def __init__(self, *args, departments=None, **kwargs):
        """`departments`: the choices offered (the user's committee's). Posted data is
        checked against every department, so the service refuses a foreign one with its
        own message."""
        super().__init__(*args, **kwargs)
        if departments is not None:
            self.fields["department"].queryset = departments.order_by("name")
