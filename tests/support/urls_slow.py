"""The project's URLconf plus two test-only routes whose query sleeps in PostgreSQL for
?seconds=… (pg_sleep): a page and an API endpoint, for the statement timeout tests."""

import os

from django.db import connection, transaction
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from pingyi.urls import urlpatterns as project_urlpatterns


class Sleep(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get(self, request):
        seconds = float(request.query_params.get("seconds", "0"))
        # In a block, as a service's queries run: its failure rolls back to the savepoint and
        # the connection (in a test, the test's transaction) stays usable.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(%s)", [seconds])
        return Response({"slept": seconds, "pid": os.getpid()})


urlpatterns = [
    path("slow/", Sleep.as_view(), name="slow-page"),
    path("api/v1/slow/", Sleep.as_view(), name="slow-api"),
    *project_urlpatterns,
]
