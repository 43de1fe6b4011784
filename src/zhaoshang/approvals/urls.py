from django.urls import path

from zhaoshang.approvals import views

app_name = "approvals"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("open/", views.case_open, name="open"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/promises/", views.promise_new, name="promise_new"),
    path("items/", views.item_list, name="items"),
    path("items/<int:pk>/", views.item_update, name="item"),
    path("promises/", views.promise_list, name="promises"),
    path("promises/<int:pk>/", views.promise_update, name="promise"),
    path("figures/", views.figures, name="figures"),
]
