// Moved out of the page so that the Content-Security-Policy (script-src 'self') lets it run.
import * as echarts from "../echarts/echarts.esm.min.js";
const el = document.getElementById("radar");
const data = JSON.parse(document.getElementById("radar-data").textContent);
const esc = s => String(s).replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
const chart = echarts.init(el);
chart.on("finished", () => { el.dataset.ready = "1"; });
chart.setOption({
  tooltip: {formatter: p => esc(p.name) + "<br>" + data.indicators.map((ind, i) => esc(ind.name) + ": " + p.value[i]).join("<br>")},
  legend: {bottom: 0, formatter: name => name},
  radar: {indicator: data.indicators, radius: "62%"},
  series: [{type: "radar", data: data.series, areaStyle: {opacity: 0.15}}],
});
window.addEventListener("resize", () => chart.resize());
