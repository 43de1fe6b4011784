from django.urls import path

from zhaoshang.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.centre, name="centre"),
    path("<int:pk>/open/", views.open_notification, name="open"),
    path("<int:pk>/toggle/", views.toggle_read, name="toggle"),
    path("read-all/", views.read_all, name="read_all"),
    path("settings/", views.settings_view, name="settings"),
    path("channels/", views.organisation_channels, name="channels"),
    path("channels/<int:pk>/delete/", views.channel_delete, name="channel_delete"),
    path("channels/<int:pk>/test/", views.channel_test, name="channel_test"),
]
