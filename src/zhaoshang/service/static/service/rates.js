// The service dashboard's charts: rates by month (fetched from data-months-url), appeals by category and by
// department (the #service-chart JSON); series names come translated in the data-* attributes of
// #service-chart-labels.
import {chartData, makeChart} from "../zhaoshang/charts.js";

const d = chartData("service-chart");
const t = (document.getElementById("service-chart-labels") || document.body).dataset;
const narrow = () => window.innerWidth < 480;
// a long Chinese department name must not push the bars off a phone screen
const axisName = (max) => ({formatter: (v) => (String(v).length > max ? `${String(v).slice(0, max)}…` : v)});

// the monthly series costs a scan of its own: fetched after the page has shown
fetch(t.monthsUrl, {credentials: "same-origin", headers: {Accept: "application/json"}})
  .then((r) => (r.ok ? r.json() : null))
  .then((m) => {
    if (!m) return;
    makeChart("chart-service-months", {
      tooltip: {trigger: "axis"},
      legend: {type: "scroll", top: 0},
      grid: {left: 40, right: 16, top: 40, bottom: 30, containLabel: true},
      xAxis: {type: "category", data: m.months},
      yAxis: {type: "value", min: 0, max: 100, axisLabel: {formatter: "{value}%"}},
      series: [
        {name: t.response, type: "line", data: m.response_rate, connectNulls: false},
        {name: t.solve, type: "line", data: m.solve_rate, connectNulls: false},
        {name: t.satisfaction, type: "line", data: m.satisfaction_rate, connectNulls: false},
        {name: t.onTime, type: "line", data: m.on_time_rate, connectNulls: false},
      ],
    });
  })
  .catch(() => null);

if (d) {
  makeChart("chart-service-categories", {
    tooltip: {trigger: "axis"},
    legend: {top: 0},
    grid: {left: 8, right: 16, top: 40, bottom: 20, containLabel: true},
    xAxis: {type: "value"},
    yAxis: {type: "category", inverse: true, data: d.categories, axisLabel: axisName(narrow() ? 5 : 10)},
    series: [
      {name: t.received, type: "bar", data: d.category_received},
      {name: t.unsatisfied, type: "bar", data: d.category_unsatisfied},
    ],
  });
  makeChart("chart-service-departments", {
    tooltip: {trigger: "axis"},
    legend: {top: 0},
    grid: {left: 8, right: 16, top: 40, bottom: 20, containLabel: true},
    xAxis: {type: "value"},
    yAxis: {type: "category", inverse: true, data: d.departments, axisLabel: axisName(narrow() ? 5 : 12)},
    series: [
      {name: t.closedOnTime, type: "bar", stack: "closed", data: d.department_on_time},
      {name: t.closedLate, type: "bar", stack: "closed", data: d.department_late},
    ],
  });
}
