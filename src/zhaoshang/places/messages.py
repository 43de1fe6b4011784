"""The English sentences of the places cores' error and finding codes (registered in ``PlacesConfig.ready``).

The cores (access, categories, coords, osm, parks, poifile, standards) import no Django: they raise a Chinese
sentence with a ``code`` and its values as parameters; the edge says it through ``zhaoshang.core.messages``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhaoshang.places.poifile import LABELS

ERRORS = {
    # access
    "bad_speed": _("The walking speed must be a positive number, got %(speed)s"),
    "walk_minutes_not_increasing": _("The minutes must be increasing positive whole numbers"),
    "network_coordinates_mismatch": _("The numbers of longitudes and latitudes differ"),
    "network_edges_mismatch": _("The numbers of edge start nodes, end nodes and lengths differ"),
    "network_edge_unknown_node": _("An edge refers to a node that does not exist"),
    "network_edge_bad_length": _("Edge lengths must be finite numbers, not negative"),
    "empty_network": _("The street network has no nodes to snap to"),
    "snap_coordinates_not_finite": _("Coordinates must be finite numbers"),
    "access_no_origin": _("No origin node"),
    "access_origin_off_network": _("An origin node is not in the street network"),
    "access_poi_categories_mismatch": _("The numbers of POI nodes and categories differ"),
    "access_poi_category_out_of_range": _("A POI category is out of range"),
    "access_limits_not_increasing": _("The distance limits must be increasing numbers, not negative"),
    "access_poi_off_network": _("A POI node is not in the street network"),
    "grid_cell_not_positive": _("The grid cell side must be a positive number"),
    # categories
    "category_mapping_unknown_category": _(
        "Unknown category “%(category)s”; the categories are: %(choices)s"
    ),
    "category_mapping_bad_tag": _(
        "The tag “%(tag)s” of the category “%(category)s” must be written key=value"
    ),
    "category_mapping_unreadable": _("The category mapping file %(path)s could not be read: %(error)s"),
    "category_mapping_not_a_mapping": _(
        "The category mapping file must be a mapping category: [key=value, ...]"
    ),
    "category_mapping_tags_not_a_list": _("The tags of the category “%(category)s” must be a list"),
    # coords
    "coordinates_out_of_range": _(
        "The coordinates are outside the range of longitude and latitude (%(lon)s, %(lat)s)"
    ),
    "bad_crs": _("Unknown coordinate system “%(crs)s”; the choices are: %(choices)s"),
    "tile_crs_unknown": _("The tiles' coordinate system must be wgs84 or gcj02, got %(crs)s"),
    # osm
    "osm_file_not_found": _("OSM file not found: %(path)s"),
    "osm_file_unreadable": _("The OSM file %(file)s could not be read: %(error)s"),
    # parks (GeoJSON)
    "park_point_not_a_pair": _("Feature %(feature)s: the coordinates must be [longitude, latitude]"),
    "park_point_not_a_number": _("Feature %(feature)s: the coordinates are not numbers"),
    "park_point_out_of_range": _(
        "Feature %(feature)s: the coordinates are outside the range of longitude and latitude (%(lon)s, %(lat)s)"
    ),
    "park_polygon_without_coordinates": _("Feature %(feature)s: the polygon has no coordinates"),
    "park_polygon_bad_coordinates": _(
        "Feature %(feature)s: the polygon's coordinates are malformed (they must be [[[longitude, latitude], ...]])"
    ),
    "park_polygon_too_few_points": _(
        "Feature %(feature)s: the polygon's outer ring needs at least 3 different points"
    ),
    "park_file_not_an_object": _("The top level of the GeoJSON must be an object"),
    "park_file_not_features": _("The GeoJSON must be a FeatureCollection or a Feature"),
    "park_feature_not_a_feature": _("Feature %(feature)s: not a Feature"),
    "park_feature_bad_members": _("Feature %(feature)s: properties or geometry is malformed"),
    "park_gate_without_park": _("Feature %(feature)s: a gate needs a park property (the name of its park)"),
    "park_name_not_text": _("Feature %(feature)s: the name property must be text"),
    "park_name_missing": _("Feature %(feature)s: the name property is missing"),
    "park_name_repeated": _("Feature %(feature)s: the park name “%(name)s” is repeated"),
    "park_geometry_unknown": _(
        "Feature %(feature)s: the geometry must be a Point, Polygon or MultiPolygon, got %(kind)s"
    ),
    "park_gates_not_a_list": _("Feature %(feature)s: gates must be [[longitude, latitude], ...]"),
    "park_of_gate_missing": _("The park “%(park)s” of a gate is not in the file"),
    "park_file_without_parks": _("The file has no park features"),
    "park_file_not_found": _("File not found: %(path)s"),
    "park_file_unreadable": _("The GeoJSON file %(file)s could not be read: %(error)s"),
    # poifile
    "poi_header_missing": _("The header lacks: %(missing)s (the header has: %(header)s)"),
    "bad_type_code_table": _("The type code “%(prefix)s” is mapped to the unknown category “%(category)s”"),
    # standards
    "standard_file_unreadable": _("The standard file %(path)s could not be read: %(error)s"),
    "standard_file_not_a_list": _("The standard file must be a list of requirements"),
    "standard_item_incomplete": _(
        "Item %(item)s of the standard file must have minutes, category and distance_m"
    ),
    "standard_item_unknown_category": _(
        "Item %(item)s of the standard file has the unknown category “%(category)s”"
    ),
    "standard_item_not_positive": _(
        "Item %(item)s of the standard file: distance and count must be positive"
    ),
}

# Findings of the POI file import (``poifile.RowIssue``): its row, column and value are in the report's own columns.
ISSUES = {
    "poi_name_missing": _("The name is empty"),
    "poi_location_not_a_pair": _("Write it as “longitude,latitude”"),
    "poi_coordinate_not_a_number": _("Not a number"),
    "coordinates_out_of_range": ERRORS["coordinates_out_of_range"],
}

# The POI file's columns as the import report names them, by the core's Chinese label (``poifile.LABELS``).
POI_COLUMNS = {
    LABELS[key]: label
    for key, label in {
        "name": _("name"),
        "category": _("category"),
        "type_code": _("type code"),
        "lon": _("longitude"),
        "lat": _("latitude"),
        "location": _("location"),
    }.items()
}
