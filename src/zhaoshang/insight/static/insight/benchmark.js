// The benchmark page: one line chart per indicator, the city and its peers over the years.
import {chartData, makeChart, textTooltip} from "../zhaoshang/charts.js";

const charts = chartData("benchmark-data") || [];
for (const c of charts) {
  const chart = makeChart(c.id, {
    tooltip: {trigger: "axis", formatter: textTooltip((p) => [`${p.axisValue} ${p.seriesName}: ${p.value ?? "—"} ${c.unit}`])},
    legend: {type: "scroll", top: 0},
    grid: {left: 8, right: 16, top: 36, bottom: 8, containLabel: true},
    xAxis: {type: "category", data: c.years},
    yAxis: {type: "value", scale: true},
    series: c.series.map((s) => ({name: s.name, type: "line", data: s.data, connectNulls: true, symbolSize: 6})),
  });
  if (chart) chart.on("finished", () => { document.getElementById(c.id).dataset.ready = "1"; });
}
