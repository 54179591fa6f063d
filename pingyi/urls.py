from django.contrib import admin
from django.urls import include, path

from campaigns.views import home
from core.health import bench_bare, healthz

admin.site.site_header = "评议 · 后台管理"
admin.site.site_title = "评议后台"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("bench/bare/", bench_bare, name="bench-bare"),  # 404 unless BENCH_BARE_VIEW
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("", include("accounts.urls")),
    path("", include("notifications.urls")),
    # One scheme per audience: /<slug>/… public, /staff/… committee staff,
    # /workspace/<role>/… every other role, /api/v1/ (see docs/urls.md).
    path("", include("campaigns.urls_staff")),
    path("", include("issues.urls")),
    path("", include("rectification.urls")),
    path("", include("scoring.urls")),
    path("", include("hotline.urls")),
    path("", include("core.urls")),
    # Old addresses answer 301 to their new place (bookmarks keep working).
    path("", include("pingyi.urls_legacy")),
    # Campaign pages use clean slugs (/2021/) and so come last.
    path("", include("campaigns.urls")),
]

handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
