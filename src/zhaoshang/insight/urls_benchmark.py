from django.urls import path

from zhaoshang.insight import views_benchmark as views

urlpatterns = [
    path("benchmark/", views.benchmark_page, name="benchmark"),
    path("benchmark/peers/", views.peers_edit, name="benchmark_peers"),
    path("benchmark/import/", views.indicators_import, name="benchmark_import"),
    path("benchmark/import/errors/<str:token>.xlsx", views.import_report, name="benchmark_import_report"),
    path("benchmark/<str:fmt>", views.benchmark_export, name="benchmark_export"),
]
