// Moved out of the page so that the Content-Security-Policy (script-src 'self') lets it run.
import * as echarts from "../echarts/echarts.esm.min.js";
import {tileSeries} from "./tiles.js";
const el = document.getElementById("park-map");
const d = JSON.parse(document.getElementById("map-data").textContent);
const esc = s => String(s).replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
const lines = (segs, colour, width, name) => ({type: "lines", name, coordinateSystem: "cartesian2d", polyline: false, silent: true,
  lineStyle: {color: colour, width, opacity: 0.9}, data: segs.map(s => ({coords: s}))});
const series = [...tileSeries(d.tiles), lines(d.background, "#c8c8c8", 1, "network")];
for (const b of d.bands.slice().reverse()) series.push(lines(b.segments, b.colour, 2.5, b.minutes + " min"));
series.push({type: "scatter", name: "poi", symbolSize: 7, itemStyle: {color: "#1565c0"}, data: d.pois.map(p => ({value: [p[0], p[1]], cat: p[2]})),
  tooltip: {formatter: p => esc(d.categories[p.data.cat] || p.data.cat)}});
if (d.park.shape.length) series.push({type: "lines", coordinateSystem: "cartesian2d", polyline: true, silent: true, lineStyle: {color: "#6a1b9a", width: 3}, data: [{coords: d.park.shape}]});
series.push({type: "scatter", name: "park", symbol: "diamond", symbolSize: 10, itemStyle: {color: "#6a1b9a"}, data: d.park.origins.map(o => ({value: o})),
  tooltip: {formatter: () => esc(d.park.name)}});
if (d.carriers && d.carriers.length) series.push({type: "scatter", name: "carrier", symbol: "rect", symbolSize: 11,
  itemStyle: {color: "#ef6c00", borderColor: "#fff", borderWidth: 1}, data: d.carriers.map(c => ({value: c.xy, name: c.name})),
  label: {show: true, position: "right", fontSize: 11, formatter: p => p.data.name}, tooltip: {formatter: p => esc(p.data.name)}});
const PICKED = series.length;
series.push({type: "scatter", name: "picked", symbol: "pin", symbolSize: 26, silent: true, itemStyle: {color: "#d81b60"}, data: []});
const chart = echarts.init(el);
chart.on("finished", () => { el.dataset.ready = "1"; });
chart.setOption({
  animation: false, tooltip: {trigger: "item"},
  grid: {left: 4, right: 4, top: 4, bottom: 4},
  xAxis: {type: "value", show: false, scale: true}, yAxis: {type: "value", show: false, scale: true},
  dataZoom: [{type: "inside", xAxisIndex: 0, filterMode: "none"}, {type: "inside", yAxisIndex: 0, filterMode: "none"}],
  series,
});
window.addEventListener("resize", () => chart.resize());

// Placing by hand: a tap on the map fills the form's WGS-84 coordinates (the inverse of the server's local frame).
const form = document.querySelector("[data-testid=place-form]");
if (form && d.frame) {
  const f = d.frame;
  const lonInput = form.querySelector("input[name=lon]");
  const latInput = form.querySelector("input[name=lat]");
  chart.getZr().on("click", e => {
    const xy = chart.convertFromPixel({gridIndex: 0}, [e.offsetX, e.offsetY]);
    if (!xy || !isFinite(xy[0]) || !isFinite(xy[1])) return;
    lonInput.value = (f.lon0 + xy[0] / f.kx).toFixed(7);
    latInput.value = (f.lat0 + xy[1] / f.ky).toFixed(7);
    const s = new Array(PICKED + 1).fill({});
    s[PICKED] = {data: [xy]};
    chart.setOption({series: s});
    el.dataset.picked = "1";
  });
}
