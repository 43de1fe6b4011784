from django.urls import path

from zhaoshang.service import views

app_name = "service"

urlpatterns = [
    path("", views.appeal_list, name="list"),
    path("new/", views.appeal_new, name="new"),
    path("<int:pk>/", views.appeal_detail, name="detail"),
    path("<int:pk>/<slug:action>/", views.appeal_action, name="action"),
    path("rates/", views.rates_dashboard, name="rates"),
    path("rates/report.<slug:fmt>", views.rates_report, name="report"),
    path("clusters/", views.clusters_page, name="clusters"),
    path("clusters/raise/", views.raise_problem, name="raise_problem"),
    path("import/", views.import_page, name="import"),
    path("visits/", views.visits_page, name="visits"),
    path("visits/<int:pk>/record/", views.visit_record, name="visit_record"),
]
