// Moved out of the page so that the Content-Security-Policy (script-src 'self') lets it run.
import * as echarts from "../echarts/echarts.esm.min.js";
const d = JSON.parse(document.getElementById("gantt-data").textContent);
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
const names = d.rows.map((r) => r.name);
const day = (n) => { const t = new Date(d.start + "T00:00:00"); t.setDate(t.getDate() + n); return t.toISOString().slice(0, 10); };
const bar = (key, colour) => ({
  type: "custom", name: d.labels[key], encode: {x: [1, 2], y: 0},
  renderItem: (params, api) => {
    const y = api.value(0), a = api.coord([api.value(1), y]), b = api.coord([Math.max(api.value(2), api.value(1) + 0.3), y]);
    const h = api.size([0, 1])[1] * (key === "planned" ? 0.25 : 0.55), off = key === "planned" ? h * 1.6 : 0;
    return {type: "rect", shape: {x: a[0], y: a[1] - h / 2 + off, width: b[0] - a[0], height: h}, style: {fill: colour(params.dataIndex)}};
  },
  data: d.rows.map((r, i) => [i, r[key][0], r[key][1]]),
});
const el = document.getElementById("gantt");
const chart = echarts.init(el);
chart.setOption({
  tooltip: {formatter: (p) => { const r = d.rows[p.value[0]]; return `${esc(r.name)}<br>${esc(r.department)}<br>${esc(r.dates[0])} → ${esc(r.dates[1])}`; }},
  grid: {left: 8, right: 24, top: 24, bottom: 24, containLabel: true},
  xAxis: {type: "value", splitNumber: 4, axisLabel: {hideOverlap: true, formatter: (v) => day(v).slice(5)}},
  yAxis: {type: "category", data: names, inverse: true},
  series: [
    bar("planned", () => "#b0b7c3"),
    {...bar("expected", (i) => d.rows[i].late ? "#d9342b" : (d.rows[i].critical ? "#1d3f8f" : "#5b8def")),
     markLine: {symbol: "none", label: {formatter: d.labels.today, position: "insideEndTop"}, lineStyle: {color: "#d9342b", type: "dashed"}, data: [{xAxis: d.today}]}},
  ],
});
addEventListener("resize", () => chart.resize());
