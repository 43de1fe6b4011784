from django.urls import path

from zhaoshang.web import views

app_name = "web"
urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("organisations/", views.organisations, name="organisations"),
    path("audit/", views.audit, name="audit"),
]
