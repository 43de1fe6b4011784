// ECharts on zhaoshang pages. Every text that comes from data and is shown as HTML (tooltips) goes through
// escapeHtml: a firm or node named <img src=x onerror=...> is shown as text, never run.
import * as echarts from "../echarts/echarts.esm.min.js";

const ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"};

export function escapeHtml(value) {
  return String(value ?? "").replace(/[&<>"']/g, (ch) => ENTITIES[ch]);
}

// A tooltip formatter from a function returning plain-text lines: each line is escaped, then joined with <br>.
export function textTooltip(lines) {
  return (params) => {
    const list = Array.isArray(params) ? params : [params];
    return list.flatMap((p) => lines(p)).filter((l) => l !== null && l !== undefined && l !== "").map(escapeHtml).join("<br>");
  };
}

// The default tooltip for series that do not say otherwise: "name: value", escaped.
export const defaultTooltip = textTooltip((p) => [p.seriesName && p.seriesType !== "funnel" && p.seriesType !== "tree" ? `${p.seriesName}` : null,
  `${p.name ?? ""}${p.value !== undefined && p.value !== null && typeof p.value !== "object" ? `: ${p.value}` : ""}`]);

export function chartData(id) {
  const el = document.getElementById(id);
  return el ? JSON.parse(el.textContent) : null;
}

export function makeChart(id, option) {
  const el = document.getElementById(id);
  if (!el) return null;
  const chart = echarts.init(el);
  const tooltip = {formatter: defaultTooltip, ...(option.tooltip || {})};
  chart.setOption({...option, tooltip});
  addEventListener("resize", () => chart.resize());
  return chart;
}
