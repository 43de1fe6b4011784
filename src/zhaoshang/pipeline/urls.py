from django.urls import path

from zhaoshang.pipeline import views

app_name = "pipeline"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_new, name="new"),
    path("from-target/", views.from_target, name="from_target"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/advance/", views.project_advance, name="advance"),
    path("<int:pk>/followups/", views.followup_new, name="followup_new"),
    path("<int:pk>/items/", views.item_new, name="item_new"),
    path("followups/<int:pk>/done/", views.followup_done, name="followup_done"),
    path("tasks/<int:pk>/done/", views.task_done, name="task_done"),
    path("items/", views.item_list, name="items"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("carriers/", views.carrier_list, name="carriers"),
    path("meeting/", views.meeting, name="meeting"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("import/", views.import_view, name="import"),
    path("import/errors/<str:token>.xlsx", views.import_report, name="import_report"),
]
