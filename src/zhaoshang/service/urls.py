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
    path("rates/months.json", views.rates_months, name="rates_months"),
    path("clusters/", views.clusters_page, name="clusters"),
    path("clusters/raise/", views.raise_problem, name="raise_problem"),
    path("import/", views.import_page, name="import"),
    path("import/<int:pk>/", views.import_run, name="import_run"),
    path("import/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("import/<int:pk>/errors.xlsx", views.import_errors, name="import_errors"),
    path("import/<int:pk>/rerun/", views.import_rerun, name="import_rerun"),
    path("problems/", views.problems_page, name="problems"),
    path("problems/<int:pk>/", views.problem_edit, name="problem_edit"),
    path("departments/", views.departments_page, name="departments"),
    path("departments/<int:pk>/<slug:action>/", views.department_decide, name="department_decide"),
    path("directory/", views.directory_page, name="directory"),
    path("visits/", views.visits_page, name="visits"),
    path("visits/<int:pk>/record/", views.visit_record, name="visit_record"),
]
