from django.urls import path

from zhaoshang.registry import park_views, views

app_name = "registry"
urlpatterns = [
    path("", views.firm_list, name="list"),
    path("export.xlsx", views.firm_export, name="export"),
    path("<int:pk>/", views.firm_detail, name="detail"),
    path("<int:pk>/edit/", views.firm_edit, name="edit"),
    path("code/<str:code>/", views.firm_by_code, name="by_code"),
    path("parks/", park_views.park_list, name="parks"),
    path("parks/<int:pk>/", park_views.park_detail, name="park"),
    path("parks/<int:pk>/rules/", park_views.park_rule_add, name="park_rule_add"),
    path("parks/<int:pk>/rules/<int:rule_pk>/delete/", park_views.park_rule_delete, name="park_rule_delete"),
    path("parks/<int:pk>/firms/", park_views.park_firm_add, name="park_firm_add"),
    path("imports/", views.import_list, name="imports"),
    path("imports/new/", views.import_new, name="import_new"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("imports/<int:pk>/rerun/", views.import_rerun, name="import_rerun"),
    path("imports/<int:pk>/report.xlsx", views.import_report, name="import_report"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("duplicates/detect/", views.duplicates_detect, name="duplicates_detect"),
    path("duplicates/<int:pk>/merge/", views.duplicate_merge, name="duplicate_merge"),
    path("duplicates/<int:pk>/dismiss/", views.duplicate_dismiss, name="duplicate_dismiss"),
]
