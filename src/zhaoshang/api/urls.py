"""The REST API. Each capability registers its viewsets on the one router here."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from zhaoshang.api import core_api
from zhaoshang.api.routes import register_all

router = DefaultRouter()
router.register("organisations", core_api.OrganisationViewSet)
router.register("users", core_api.UserViewSet)
router.register("audit", core_api.AuditEntryViewSet)
router.register("regions", core_api.RegionViewSet)
router.register("industries", core_api.IndustryViewSet)
register_all(router)

urlpatterns = [
    path("token/", obtain_auth_token, name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("", include(router.urls)),
]
