from django.urls import path
from django.views.decorators.http import require_GET

from . import views

app_name = "exports"

urlpatterns = [
    path("staff/exports/<int:pk>/", require_GET(views.job_detail), name="job"),
    path("staff/exports/<int:pk>/progress/", require_GET(views.job_progress), name="job-progress"),
    path("staff/exports/<int:pk>/download/", require_GET(views.job_download), name="job-download"),
]
