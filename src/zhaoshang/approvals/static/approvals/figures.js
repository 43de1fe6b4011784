// Moved out of the page so that the Content-Security-Policy (script-src 'self') lets it run.
import * as echarts from "../echarts/echarts.esm.min.js";
const d = JSON.parse(document.getElementById("figures-chart").textContent);
const el = document.getElementById("chart-items");
if (el && d.items.length) { const c = echarts.init(el); c.setOption({tooltip: {trigger: "axis"}, legend: {}, grid: {containLabel: true, left: 8},
  xAxis: {type: "value"}, yAxis: {type: "category", data: d.items, inverse: true},
  series: [{name: el.dataset.medianLabel, type: "bar", data: d.median}, {name: el.dataset.limitLabel, type: "bar", data: d.limit}]});
  addEventListener("resize", () => c.resize()); }
