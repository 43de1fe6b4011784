from django.urls import path

from zhaoshang.chains import views

app_name = "chains"
urlpatterns = [
    path("", views.index, name="index"),
    path("review/", views.review, name="review"),
    path("review/train/", views.train, name="train"),
    path("review/<int:pk>/<str:verb>/", views.review_action, name="review-action"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/tree.json", views.tree_json, name="tree-json"),
    path("<slug:slug>/compare/", views.compare, name="compare"),
    path("<slug:slug>/export.<str:fmt>", views.export_file, name="export"),
    path("<slug:slug>/targets.<str:fmt>", views.targets_export, name="targets-export"),
    path("<slug:slug>/assignments.xlsx", views.assignments_export, name="assignments-export"),
    path("<slug:slug>/nodes/<slug:key>/", views.node_panel, name="node"),
    path("<slug:slug>/nodes/<slug:key>/card/", views.edit_card, name="edit-card"),
    path("<slug:slug>/targets/<slug:node_key>/<int:enterprise_id>/", views.target_detail, name="target"),
]
