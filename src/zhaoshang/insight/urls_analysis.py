from django.urls import path

from zhaoshang.insight import views_analysis as views

urlpatterns = [
    path("next/", views.opportunities, name="next"),
    path("next/export.<str:fmt>", views.opportunities_export, name="next-export"),
    path("next/rebuild/", views.rebuild, name="rebuild"),
    path("space/", views.space, name="space"),
    path("supply/", views.supply, name="supply"),
    path("supply/export.<str:fmt>", views.supply_export, name="supply-export"),
    path("supply/mapping.xlsx", views.mapping_export, name="mapping-export"),
    path("supply/mapping/import/", views.mapping_import, name="mapping-import"),
]
