// The walking heat map: streets (or grid cells) coloured by count class; redrawn when htmx swaps the panel.
import * as echarts from "../echarts/echarts.esm.min.js";
import {tileSeries} from "./tiles.js";

let chart = null;

function draw() {
  const el = document.getElementById("heat-map");
  const source = document.getElementById("heat-data");
  if (!el || !source) return;
  const d = JSON.parse(source.textContent);
  if (chart && chart.getDom() !== el) { chart.dispose(); chart = null; }
  if (!chart) chart = echarts.init(el);
  el.dataset.ready = "";
  const series = tileSeries(d.tiles);
  d.classes.forEach((items, k) => {
    if (!items.length) return;
    if (d.mode === "streets") {
      series.push({type: "lines", coordinateSystem: "cartesian2d", polyline: false, silent: true, large: true,
        largeThreshold: 2000, lineStyle: {color: d.colours[k], width: k === 0 ? 1 : 2, opacity: 0.95},
        data: items.map(s => [[s[0], s[1]], [s[2], s[3]]])});
    } else {
      const [w, h] = d.cell;
      series.push({type: "custom", coordinateSystem: "cartesian2d", silent: true, data: items,
        renderItem: (params, api) => {
          const a = api.coord([api.value(0), api.value(1) + h]);
          const b = api.coord([api.value(0) + w, api.value(1)]);
          return {type: "rect", shape: {x: a[0], y: a[1], width: b[0] - a[0], height: b[1] - a[1]},
            style: {fill: d.colours[k]}};
        }});
    }
  });
  chart.off("finished");
  chart.on("finished", () => { el.dataset.ready = "1"; });
  chart.setOption({
    animation: false,
    grid: {left: 4, right: 4, top: 4, bottom: 4},
    xAxis: {type: "value", show: false, scale: true}, yAxis: {type: "value", show: false, scale: true},
    dataZoom: [{type: "inside", xAxisIndex: 0, filterMode: "none"}, {type: "inside", yAxisIndex: 0, filterMode: "none"}],
    series,
  }, true);
}

draw();
document.body.addEventListener("htmx:afterSwap", draw);
window.addEventListener("resize", () => chart && chart.resize());
