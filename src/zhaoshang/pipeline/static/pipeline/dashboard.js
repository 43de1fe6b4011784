// The pipeline dashboard's charts; labels come translated in data-* attributes of #pipeline-charts.
import {chartData, makeChart} from "../zhaoshang/charts.js";

const d = chartData("pipeline-chart");
const labels = (document.getElementById("pipeline-charts") || document.body).dataset;
if (d) {
  makeChart("chart-funnel", {tooltip: {}, series: [{type: "funnel", sort: "none", minSize: "8%", data: d.funnel, label: {formatter: "{b} {c}"}}]});
  makeChart("chart-amounts", {tooltip: {trigger: "axis"}, legend: {}, xAxis: {type: "category", data: d.stages}, yAxis: {type: "value"},
    series: [{name: labels.planned, type: "bar", data: d.planned}, {name: labels.signed, type: "bar", data: d.signed}]});
  makeChart("chart-teams", {tooltip: {}, grid: {left: 120}, xAxis: {type: "value"}, yAxis: {type: "category", data: d.teams}, series: [{type: "bar", data: d.team_planned}]});
  makeChart("chart-chains", {tooltip: {}, xAxis: {type: "category", data: d.chains}, yAxis: {type: "value"}, series: [{type: "bar", data: d.chain_counts}]});
  makeChart("chart-trend", {tooltip: {trigger: "axis"}, legend: {}, xAxis: {type: "category", data: d.months}, yAxis: {type: "value"},
    series: [{name: labels.newLeads, type: "line", data: d.new}, {name: labels.signed, type: "line", data: d.signed_trend}]});
}
