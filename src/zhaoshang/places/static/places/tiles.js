// Intranet map tiles (ZHAOSHANG_MAP_TILE_URL) under the vector layers: one image per tile, laid between its
// corners in the map's metre frame, so they follow zoom and pan. No tiles are listed when the setting is unset.
export function tileSeries(tiles) {
  if (!tiles || !tiles.length) return [];
  return [{
    type: "custom", name: "tiles", coordinateSystem: "cartesian2d", silent: true, z: -1,
    // no coordinates in the data: the tiles must not widen the axes, which the vector layers alone decide
    data: tiles.map(() => [NaN, NaN]),
    renderItem: (params, api) => {
      const t = tiles[params.dataIndex];
      const sw = api.coord([t.x0, t.y0]);
      const ne = api.coord([t.x1, t.y1]);
      return {type: "image", style: {image: t.url, x: sw[0], y: ne[1], width: ne[0] - sw[0], height: sw[1] - ne[1]}};
    },
  }];
}
