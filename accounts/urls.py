from django.urls import path

from . import views, views_users

app_name = "accounts"

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("workspace/", views.workspace, name="workspace"),
    path("staff/", views.staff_workspace, name="workspace-staff"),
    path("workspace/member/", views.member_workspace, name="workspace-member"),
    path("workspace/research/", views.researcher_workspace, name="workspace-researcher"),
    path("workspace/liaison/", views.liaison_workspace, name="workspace-liaison"),
    path("workspace/deputy/", views.deputy_workspace, name="workspace-deputy"),
    path("workspace/admin/", views.admin_workspace, name="workspace-admin"),
    # users and roles (issue 17): admins only; every account's own password
    path("accounts/password/", views_users.password_change, name="password-change"),
    path("workspace/admin/users/", views_users.users, name="users"),
    path("workspace/admin/users/new/", views_users.user_new, name="user-new"),
    path("workspace/admin/users/import/", views_users.users_import, name="users-import"),
    path(
        "workspace/admin/users/import/template.xlsx",
        views_users.users_import_template,
        name="users-import-template",
    ),
    path(
        "workspace/admin/users/import/passwords.xlsx",
        views_users.users_import_passwords,
        name="users-import-passwords",
    ),
    path("workspace/admin/users/<int:pk>/", views_users.user_edit, name="user"),
    path("workspace/admin/users/<int:pk>/active/", views_users.user_active, name="user-active"),
    path(
        "workspace/admin/users/<int:pk>/password/",
        views_users.user_password,
        name="user-password",
    ),
]
