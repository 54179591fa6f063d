from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.forms.models import construct_instance

from core.uploads import MB, UnsafeUploadError, upload_check
from departments.models import Department, Organizer

from .models import Role, User
from .services import PROFILE_FIELDS


class LoginForm(AuthenticationForm):
    # As long as a username can be: a longer one is refused before authenticate(), whose
    # failure django-axes records in a 255-character column (a 100 KB name was a 500 on
    # PostgreSQL).
    username = forms.CharField(
        label="用户名",
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label="密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": "用户名或密码不正确，请重新输入。",
        "inactive": "该账号已停用，请联系管理员。",
    }


# ------------------------------------------------------------------- users (admins only)
class UserFilterForm(forms.Form):
    q = forms.CharField(label="搜索（用户名、姓名、手机）", required=False)
    role = forms.ChoiceField(
        label="角色", required=False, choices=[("", "全部角色"), *Role.choices]
    )
    organizer = forms.ModelChoiceField(
        label="所属人大常委会", required=False, queryset=Organizer.objects.all(),
        empty_label="全部",
    )  # fmt: skip
    department = forms.ModelChoiceField(
        label="所属部门", required=False, queryset=Department.objects.all(), empty_label="全部"
    )
    active = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), ("1", "启用"), ("0", "已停用")]
    )


class UserForm(forms.ModelForm):
    """The profile of an account. The role's requirements are the service's
    (accounts/services.py), reported on the fields they concern."""

    class Meta:
        model = User
        fields = list(PROFILE_FIELDS)
        labels = {"username": "用户名", "email": "电子邮箱", "department": "所属部门（联络员）"}
        help_texts = {"username": "登录用，字母、数字和 @/./+/-/_，最长 150 字。"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django's empty choice "---------" reads as a glitch; most roles leave these empty.
        for name in ("organizer", "department", "district", "town"):
            self.fields[name].empty_label = "（不选）"
        level = self.fields["deputy_level"]
        level.choices = [("", "（不选）"), *((v, t) for v, t in level.choices if v)]

    def _post_clean(self):
        # As Django's, without the table's check constraints: the role's requirements are
        # the service's (accounts/services.py), reported in Chinese on their fields, where
        # full_clean would report "Constraint … is violated" for the whole form.
        try:
            self.instance = construct_instance(
                self, self.instance, self._meta.fields, self._meta.exclude
            )
        except forms.ValidationError as exc:
            self._update_errors(exc)
        exclude = self._get_validation_exclusions()
        try:
            self.instance.full_clean(
                exclude=exclude, validate_unique=False, validate_constraints=False
            )
        except forms.ValidationError as exc:
            self._update_errors(exc)
        try:
            self.instance.validate_unique(exclude=exclude)
        except forms.ValidationError as exc:
            self._update_errors(exc)


class UserCreateForm(UserForm):
    password = forms.CharField(
        label="初始密码（选填）",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="留空则自动生成。新用户首次登录时必须修改密码。",
    )

    def clean_password(self):
        password = self.cleaned_data.get("password") or ""
        if password:
            password_validation.validate_password(password)
        return password


class PasswordResetForm(forms.Form):
    password = forms.CharField(
        label="临时密码（选填）",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="留空则自动生成。该用户下次登录时必须修改密码。",
    )

    def clean_password(self):
        password = self.cleaned_data.get("password") or ""
        if password:
            password_validation.validate_password(password)
        return password


class PeopleImportForm(forms.Form):
    file = forms.FileField(label="人员名单（XLSX）")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            upload_check(upload, max_bytes=5 * MB, kinds=["xlsx"], label="人员名单")
        except UnsafeUploadError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload
