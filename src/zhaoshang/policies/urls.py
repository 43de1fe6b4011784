from django.urls import path

from zhaoshang.policies import views

app_name = "policies"
urlpatterns = [
    path("", views.policy_list, name="list"),
    path("new/", views.policy_edit, name="new"),
    path("import/", views.import_view, name="import"),
    path("export/", views.export_view, name="export"),
    path("<int:pk>/", views.policy_detail, name="detail"),
    path("<int:pk>/edit/", views.policy_edit, name="edit"),
    path("<int:pk>/source/", views.source_document, name="source"),
    path("<int:pk>/clauses/new/", views.clause_edit, name="clause_new"),
    path("clauses/<int:pk>/edit/", views.clause_edit, name="clause_edit"),
    path("clauses/<int:pk>/pushes/", views.pushes, name="pushes"),
    path("clauses/<int:pk>/push/", views.push, name="push"),
    path("clauses/<int:pk>/assign/", views.assign, name="assign"),
    path("pushes/<int:pk>/", views.push_record, name="push_record"),
    path("firm/<int:pk>/", views.firm_matches, name="firm"),
]
