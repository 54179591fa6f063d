"""The project's URLconf plus one new top-level route, for tests/test_urls.py."""

from django.http import HttpResponse
from django.urls import path

from pingyi.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("reports/weekly/", lambda request: HttpResponse(), name="weekly-reports"),
    *project_urlpatterns,
]
