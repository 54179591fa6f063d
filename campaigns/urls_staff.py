"""Staff pages (/staff/…) and the member's selection ballot (/workspace/member/…)."""

from django.urls import path

from . import views_documents, views_member, views_staff

app_name = "campaigns-staff"

VOTE = "staff/<slug:slug>/votes/<int:pk>/"

urlpatterns = [
    path("staff/campaigns/", views_staff.campaign_list, name="campaigns"),
    path("staff/campaigns/new/", views_staff.campaign_new, name="campaign-new"),
    path("staff/<slug:slug>/", views_staff.campaign_manage, name="campaign"),
    path(
        "staff/<slug:slug>/batches/<int:number>/",
        views_staff.batch_detail,
        name="batch",
    ),
    path(
        "staff/<slug:slug>/batches/<int:number>/stage/",
        views_staff.batch_stage,
        name="batch-stage",
    ),
    path(
        "staff/<slug:slug>/batches/<int:number>/plan/",
        views_staff.batch_plan,
        name="batch-plan",
    ),
    path(
        "staff/<slug:slug>/batches/<int:number>/slots/",
        views_staff.batch_slots,
        name="batch-slots",
    ),
    path(
        "staff/<slug:slug>/batches/<int:number>/nominations/",
        views_staff.nomination_add,
        name="nomination-add",
    ),
    path(
        "staff/<slug:slug>/batches/<int:number>/nominations/<int:pk>/remove/",
        views_staff.nomination_remove,
        name="nomination-remove",
    ),
    path(
        "staff/<slug:slug>/batches/<int:number>/vote/open/",
        views_staff.vote_open,
        name="vote-open",
    ),
    path(f"{VOTE}turnout/", views_staff.vote_turnout, name="vote-turnout"),
    path(f"{VOTE}close/", views_staff.vote_close, name="vote-close"),
    path(f"{VOTE}runoff/", views_staff.vote_runoff, name="vote-runoff"),
    path(f"{VOTE}publish/", views_staff.vote_publish, name="vote-publish"),
    path(
        "staff/<slug:slug>/departments/<slug:department_slug>/statement/",
        views_staff.statement_edit,
        name="statement",
    ),
    path("workspace/member/votes/<int:pk>/", views_member.ballot, name="ballot"),
    # official Word documents (评议意见, 整改情况报告, 评议结果通报)
    path("staff/<slug:slug>/documents/", views_documents.documents, name="documents"),
    path(
        "staff/<slug:slug>/documents/all.zip",
        views_documents.documents_download,
        name="documents-zip",
    ),
    path(
        "staff/<slug:slug>/documents/<slug:kind>.docx",
        views_documents.document_download,
        name="document",
    ),
    path(
        "staff/<slug:slug>/documents/<slug:kind>/<slug:department_slug>.docx",
        views_documents.document_download,
        name="document-department",
    ),
]
