from django.urls import path

from . import views

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
]
