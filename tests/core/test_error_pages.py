"""With DEBUG off (as `make run` and production serve), a mistyped address and a failure get
the Chinese error pages: no Django debug page, no URL patterns, no exception text."""

import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory
from django.urls import get_resolver

from core.errors import server_error

ENGLISH = ("Page not found", "Not Found", "Server Error", "URLconf", "Traceback", "DEBUG")


@pytest.fixture
def site(settings):
    settings.DEBUG = False


@pytest.mark.django_db
def test_unknown_address_shows_the_chinese_404(client, site):
    response = client.get("/no/such/page/")

    body = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in body and "返回首页" in body
    assert not [word for word in ENGLISH if word in body]


def test_the_500_handler_is_the_chinese_page_without_the_exception(site):
    # Every route is gated by the permission matrix, so no test route can raise: check that
    # the root URLconf names the handler, and what the handler renders.
    assert get_resolver(django_settings.ROOT_URLCONF).resolve_error_handler(500) is server_error

    response = server_error(RequestFactory().get("/2021/"))

    body = response.content.decode()
    assert response.status_code == 500
    assert "服务器出了点问题" in body and "/static/css/pingyi.css" in body
    assert not [word for word in ENGLISH if word in body]
