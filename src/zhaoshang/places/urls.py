from django.urls import path

from zhaoshang.places import views

app_name = "places"
urlpatterns = [
    path("", views.index, name="index"),
    path("export.<str:fmt>", views.export_file, name="export"),
    path("parks/<int:pk>/", views.park_detail, name="park"),
    path("parks/<int:pk>/place/", views.place, name="place"),
    path("heat/", views.heat, name="heat"),
    path("heat/export.<str:fmt>", views.heat_export, name="heat_export"),
]
