from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from zhaoshang.web import auth as web_auth
from zhaoshang.web import language as web_language

urlpatterns = [
    path("accounts/login/", web_auth.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(template_name="registration/password_change.html"),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html"),
        name="password_change_done",
    ),
    path("i18n/setlang/", web_language.set_language, name="set_language"),  # also stores the user's choice
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", lambda request: HttpResponse("ok", content_type="text/plain")),
    path("admin/", admin.site.urls),
    path("api/", include("zhaoshang.api.urls")),
    path("registry/", include("zhaoshang.registry.urls")),
    path("chains/", include("zhaoshang.chains.urls")),
    path("insight/", include("zhaoshang.insight.urls")),
    path("pipeline/", include("zhaoshang.pipeline.urls")),
    path("places/", include("zhaoshang.places.urls")),
    path("approvals/", include("zhaoshang.approvals.urls")),
    path("policies/", include("zhaoshang.policies.urls")),
    path("public/track/", include("zhaoshang.approvals.public_urls")),
    path("service/", include("zhaoshang.service.urls")),
    path("public/", include("zhaoshang.service.public_urls")),
    path("notifications/", include("zhaoshang.notifications.urls")),
    path("favicon.ico", RedirectView.as_view(url=static("zhaoshang/favicon.svg"), permanent=True)),
    path("", include("zhaoshang.web.urls")),
]

handler400 = "zhaoshang.web.views.bad_request"
handler403 = "zhaoshang.web.views.permission_denied"
handler404 = "zhaoshang.web.views.page_not_found"
handler500 = "zhaoshang.web.views.server_error"
