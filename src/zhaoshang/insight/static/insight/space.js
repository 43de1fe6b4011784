// The complexity space (product space style): activities linked to their closest ones; the location's present
// activities highlighted. Names are data: the tooltip escapes them (charts.js textTooltip).
import {chartData, makeChart, textTooltip} from "../zhaoshang/charts.js";

const el = document.getElementById("space-chart");
if (el) {
  const data = chartData("space-data");
  const presentLabel = el.dataset.presentLabel, absentLabel = el.dataset.absentLabel;
  const chart = makeChart("space-chart", {
    tooltip: {trigger: "item", formatter: textTooltip((p) => p.dataType === "edge"
      ? [`${p.data.source} — ${p.data.target}`, `φ ${p.data.value}`]
      : [p.data.name, `${p.data.id}`, `PCI ${p.data.value ?? "—"}`, p.data.present ? presentLabel : absentLabel])},
    legend: [{data: [presentLabel, absentLabel], bottom: 0}],
    series: [{
      type: "graph", layout: "force", roam: true, draggable: true,
      categories: [{name: presentLabel, itemStyle: {color: "#c53030"}}, {name: absentLabel, itemStyle: {color: "#a0aec0"}}],
      data: data.nodes, links: data.links,
      force: {repulsion: 60, edgeLength: [20, 80], gravity: 0.08},
      lineStyle: {color: "#cbd5e0", width: 1, opacity: 0.7},
      label: {show: false}, emphasis: {focus: "adjacency", label: {show: true}},
    }],
  });
  el.chart = chart;
  chart.on("finished", () => { el.dataset.ready = "1"; });
}
