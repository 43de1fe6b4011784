from django.urls import include, path

app_name = "insight"
urlpatterns = [
    path("", include("zhaoshang.insight.urls_benchmark")),
]
