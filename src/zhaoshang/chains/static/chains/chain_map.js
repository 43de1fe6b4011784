// The chain map (an ECharts tree). Node names are data: the tooltip escapes them (charts.js textTooltip), and
// labels are drawn on the canvas as text. On a phone (≤ 480 px) the chart is hidden and the page shows the
// expandable list of segments → nodes instead (chains/phone.py): the chart is only drawn once the screen is wide.
import {chartData, makeChart, textTooltip} from "../zhaoshang/charts.js";

const el = document.getElementById("chain-map");
const phone = window.matchMedia("(max-width: 480px)");

function draw() {
  const data = chartData("chain-tree");
  const chart = makeChart("chain-map", {
    tooltip: {trigger: "item", formatter: textTooltip((p) => [p.data.name, p.data.label ?? p.data.firms ?? ""])},
    series: [{type: "tree", data, top: "2%", left: "12%", bottom: "2%", right: "28%", symbolSize: 10, initialTreeDepth: 2,
      label: {position: "left", verticalAlign: "middle", align: "right", fontSize: 12},
      leaves: {label: {position: "right", align: "left"}}, expandAndCollapse: true, emphasis: {focus: "descendant"}}],
  });
  chart.on("click", (p) => {
    if (!p.data.key) return;
    const url = el.dataset.nodeUrl.replace("KEY", encodeURIComponent(p.data.key)) + "?region=" + encodeURIComponent(el.dataset.region || "");
    window.htmx.ajax("GET", url, {target: "#node-panel"});
  });
  el.chart = chart;
  chart.on("finished", () => { el.dataset.ready = "1"; });
}

if (el) {
  if (!phone.matches) {
    draw();
  } else {
    el.dataset.phone = "1";
    const widen = (event) => {
      if (!event.matches) {
        phone.removeEventListener("change", widen);
        draw();
      }
    };
    phone.addEventListener("change", widen);
  }
}
