from django.contrib import admin

from zhaoshang.places.models import Park, Poi, PoiTypeCode, StreetNetwork


@admin.register(PoiTypeCode)
class PoiTypeCodeAdmin(admin.ModelAdmin):
    list_display = ("prefix", "category", "label")
    list_editable = ("category", "label")
    search_fields = ("prefix", "label")


@admin.register(Park)
class ParkAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "origin_kind", "lon", "lat", "is_demo")
    search_fields = ("name",)


@admin.register(StreetNetwork)
class StreetNetworkAdmin(admin.ModelAdmin):
    list_display = ("name", "node_count", "edge_count", "imported_at", "is_demo")
    exclude = ("data",)


@admin.register(Poi)
class PoiAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "source", "dataset", "network", "lon", "lat")
    list_filter = ("category", "source")
    search_fields = ("name",)
