// The province view for admins: every office side by side on the same figures.
import { element, format, readConfig, request } from "/web-static/common.js";
import { localiseCharts, numberText, percentText } from "/web-static/formats.js";

const config = readConfig("dashboard-config");
localiseCharts(config.locale);
const t = config.texts;
const $ = (id) => document.getElementById(id);
let chart = null;

const minutes = (seconds) => (seconds === null || seconds === undefined ? t.none
  : format(t.minutes, { value: numberText(config.locale, Math.round(seconds / 6) / 10) }));
const percent = (share) => percentText(config.locale, share) ?? t.none;

function row(cells, className = "") {
  const line = element("tr", className);
  cells.forEach((cell, index) => line.append(element("td", index > 0 ? "num" : "", cell)));
  return line;
}

function cells(name, figures, open) {
  return [name, String(figures.issued), String(figures.served), String(figures.no_show), minutes(figures.wait_s.mean),
    minutes(figures.wait_s.p90), percent(figures.over_target.share), String(figures.satisfaction.responses),
    percent(figures.satisfaction.satisfied_share), String(open)];
}

function render(report) {
  const headers = [t.offices, t.issued, t.served, t.no_show, t.wait_mean, t.wait_p90, t.over_target, t.ratings, t.satisfied, t.open_feedback];
  const head = element("thead");
  const headRow = element("tr");
  headers.forEach((label, index) => headRow.append(element("th", index ? "num" : "", label)));
  head.append(headRow);
  const body = element("tbody");
  for (const office of report.offices) {
    const line = row(cells(office.name, office, office.open_feedback));
    const link = element("a", "", office.name);
    link.href = `/dashboard/${encodeURIComponent(office.office)}`;
    line.firstChild.replaceChildren(link);
    body.append(line);
  }
  const total = report.offices.reduce((sum, office) => sum + office.open_feedback, 0);
  body.append(row(cells("Toàn tỉnh / Province", report.total, total), "total"));
  $("offices-table").replaceChildren(head, body);
  if (typeof window.Chart !== "function") return;
  chart?.destroy();
  chart = new window.Chart($("chart-offices"), { type: "bar", options: { responsive: true, maintainAspectRatio: false,
    scales: { y: { beginAtZero: true }, share: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false } } } },
  data: { labels: report.offices.map((office) => office.name), datasets: [
    { label: t.served, data: report.offices.map((office) => office.served), backgroundColor: "#12808a", yAxisID: "y" },
    { label: t.satisfied, type: "line", data: report.offices.map((office) => (office.satisfaction.satisfied_share ?? null) === null ? null : Math.round(office.satisfaction.satisfied_share * 1000) / 10), borderColor: "#6a3d9a", yAxisID: "share" },
  ] } });
}

async function load() {
  const query = new URLSearchParams({ from: $("report-from").value, to: $("report-to").value }).toString();
  $("export-xlsx").href = `${config.api}.xlsx?${query}`;
  $("export-csv").href = `${config.api}.csv?${query}`;
  $("report-status").textContent = t.loading;
  const result = await request("GET", `${config.api}?${query}`, { language: config.language });
  if (result.status === 401) { window.location.assign(config.login); return; }
  if (result.status !== 200) { $("report-status").textContent = format(t.load_failed, { message: result.data?.error?.message || result.status }); return; }
  $("report-status").textContent = "";
  render(result.data);
}

$("report-from").value = `${config.today.slice(0, 8)}01`;
$("report-to").value = config.today;
$("report-form").addEventListener("submit", (event) => { event.preventDefault(); load(); });
$("projector").addEventListener("click", () => document.body.classList.toggle("projector"));
load();
