from django.urls import path

from zhaoshang.service import public_views

app_name = "service_public"

urlpatterns = [
    path("appeal/", public_views.appeal_form, name="form"),
    path("appeal/status/", public_views.status, name="status"),
]
