from django.urls import path

from zhaoshang.approvals import views

app_name = "approvals_public"
urlpatterns = [path("<str:code>/", views.public_track, name="track")]
