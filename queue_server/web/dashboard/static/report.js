// The report part of the dashboard: figures as tiles and tables, charts with Chart.js
// (served from our own static folder). Names come from the API and go in as text.
import { element, format } from "/web-static/common.js";
import { numberText, percentText as localPercent } from "/web-static/formats.js";

export const charts = {};
const COLORS = { blue: "#0a58a8", teal: "#12808a", green: "#177245", amber: "#c27c0e", red: "#b3261e",
  grey: "#8796a5", purple: "#6a3d9a" };
const RATING_COLORS = { 5: "#177245", 4: "#5aa469", 3: "#c9a227", 2: "#d9731a", 1: "#b3261e" };

const minutes = (seconds) => (seconds === null || seconds === undefined ? null : Math.round(seconds / 6) / 10);
const percent = (share) => (share === null || share === undefined ? null : Math.round(share * 1000) / 10);

function draw(id, definition) {
  const canvas = document.getElementById(id);
  if (!canvas || typeof window.Chart !== "function") return;
  charts[id]?.destroy();
  charts[id] = new window.Chart(canvas, {
    ...definition,
    options: { responsive: true, maintainAspectRatio: false, animation: { duration: 300 },
      plugins: { legend: { position: "bottom" } }, ...definition.options },
  });
}

/** Bigger type for a projector; charts are redrawn at the new size. */
export function setProjector(on) {
  document.body.classList.toggle("projector", on);
  document.getElementById("projector")?.setAttribute("aria-pressed", String(on));
  if (typeof window.Chart === "function") window.Chart.defaults.font.size = on ? 20 : 13;
  for (const chart of Object.values(charts)) chart.update();
}

function tile(label, value, note, alert = false) {
  const box = element("div", `tile${alert ? " is-alert" : ""}`);
  box.append(element("span", "tile-label", label), element("strong", "tile-value", value));
  if (note) box.append(element("span", "tile-note", note));
  return box;
}

// The page's locale, set by drawReport before anything is drawn.
let locale = "vi-VN";

function minutesText(t, seconds) {
  return seconds === null || seconds === undefined ? t.none
    : format(t.minutes, { value: numberText(locale, minutes(seconds)) });
}

function percentText(t, share) {
  return localPercent(locale, share) ?? t.none;
}

function drawTiles(report, t) {
  const inbox = report.feedback_inbox;
  const repeat = report.repeat_visits;
  document.getElementById("report-tiles").replaceChildren(
    tile(t.issued, String(report.issued)),
    tile(t.served, String(report.served)),
    tile(t.no_show, String(report.no_show)),
    tile(t.wait_mean, minutesText(t, report.wait_s.mean)),
    tile(t.wait_p90, minutesText(t, report.wait_s.p90)),
    tile(t.service_mean, minutesText(t, report.service_s.mean)),
    tile(t.over_target, percentText(t, report.over_target.share), String(report.over_target.count),
      (report.over_target.share || 0) > 0.2),
    tile(t.satisfied, percentText(t, report.satisfaction.satisfied_share),
      format(t.responses, { count: report.satisfaction.responses })),
    tile(t.repeat, percentText(t, repeat.repeat_share), `${repeat.second + repeat.three_or_more} / ${repeat.answered}`),
    tile(t.handled_on_time, percentText(t, inbox.within_target_share), `${inbox.open} · ${inbox.overdue} ${t.overdue}`,
      inbox.overdue > 0),
  );
}

function hoursOf(rows) {
  if (!rows.length) return [];
  const byHour = new Map(rows.map((row) => [row.hour, row]));
  const hours = [];
  for (let hour = rows[0].hour; hour <= rows[rows.length - 1].hour; hour += 1) hours.push(byHour.get(hour) || { hour, wait_s: {}, issued: 0 });
  return hours;
}

function drawCharts(report, t, labels, language) {
  const hours = hoursOf(report.by_hour);
  draw("chart-wait-by-hour", { type: "bar", data: {
    labels: hours.map((row) => `${String(row.hour).padStart(2, "0")}h`),
    datasets: [
      { label: t.mean, data: hours.map((row) => minutes(row.wait_s.mean)), backgroundColor: COLORS.blue },
      { label: t.p90, type: "line", data: hours.map((row) => minutes(row.wait_s.p90)), borderColor: COLORS.red, backgroundColor: COLORS.red },
    ] } });
  draw("chart-by-service", { type: "bar", data: {
    labels: report.by_service.map((row) => row.name),
    datasets: [
      { label: t.issued, data: report.by_service.map((row) => row.issued), backgroundColor: COLORS.grey },
      { label: t.served, data: report.by_service.map((row) => row.served), backgroundColor: COLORS.green },
      { label: t.no_show, data: report.by_service.map((row) => row.no_show), backgroundColor: COLORS.amber },
    ] } });
  const levels = [5, 4, 3, 2, 1];
  draw("chart-satisfaction", { type: "doughnut", data: {
    labels: levels.map((level) => labels.ratings[level][language]),
    datasets: [{ data: levels.map((level) => report.satisfaction.by_rating[level]), backgroundColor: levels.map((level) => RATING_COLORS[level]) }],
  } });
  const reasons = Object.keys(labels.reasons);
  draw("chart-reasons", { type: "bar", options: { indexAxis: "y", plugins: { legend: { display: false } } }, data: {
    labels: reasons.map((code) => labels.reasons[code][language]),
    datasets: [{ label: t.chart_reasons, data: reasons.map((code) => report.satisfaction.reasons[code]), backgroundColor: COLORS.amber }],
  } });
  draw("chart-officers", { type: "bar", data: {
    labels: report.by_staff.map((row) => row.name),
    datasets: [
      { label: t.served_count, data: report.by_staff.map((row) => row.served), backgroundColor: COLORS.teal, yAxisID: "y" },
      { label: t.satisfied, type: "line", data: report.by_staff.map((row) => percent(row.satisfaction.satisfied_share)), borderColor: COLORS.purple, backgroundColor: COLORS.purple, yAxisID: "share" },
    ] },
    options: { scales: { y: { beginAtZero: true }, share: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false } } } } });
}

function table(id, headers, rows) {
  const head = element("thead");
  const headRow = element("tr");
  headers.forEach(([label, numeric]) => headRow.append(element("th", numeric ? "num" : "", label)));
  head.append(headRow);
  const body = element("tbody");
  for (const cells of rows) {
    const row = element("tr");
    cells.forEach((cell, index) => row.append(element("td", headers[index][1] ? "num" : "", cell)));
    body.append(row);
  }
  document.getElementById(id).replaceChildren(head, body);
}

function figureCells(row, t) {
  return [String(row.served), String(row.no_show), minutesText(t, row.wait_s.mean), minutesText(t, row.wait_s.p90),
    minutesText(t, row.service_s.mean), minutesText(t, row.service_s.p90), percentText(t, row.over_target.share),
    String(row.satisfaction.responses), percentText(t, row.satisfaction.satisfied_share)];
}

function figureHeaders(t) {
  return [[t.served, true], [t.no_show, true], [t.wait_mean, true], [t.wait_p90, true], [t.service_mean, true],
    ["P90", true], [t.over_target, true], [t.ratings || "#", true], [t.satisfied, true]];
}

// A criterion's share against the office's targets: below the minimum, reaching it, at the goal.
function targetClass(share, targets) {
  if (share === null || share === undefined) return "";
  if (share >= targets.goal) return "at-goal";
  return share >= targets.minimum ? "at-minimum" : "below-minimum";
}

function shareCell(t, figures, targets) {
  const cell = element("td", `num ${targetClass(figures.satisfied_share, targets)}`,
    figures.responses ? percentText(t, figures.satisfied_share) : t.none);
  const status = targetClass(figures.satisfied_share, targets);
  if (status) cell.title = t[`target_${status.replaceAll("-", "_")}`];
  if (figures.responses) cell.dataset.responses = String(figures.responses);
  return cell;
}

function drawCriteria(report, t, labels, language) {
  const targets = report.criteria_targets;
  document.getElementById("criteria-targets").textContent = format(t.criteria_targets, {
    minimum: percentText(t, targets.minimum), goal: percentText(t, targets.goal) });
  const codes = labels.criteria_order;
  const months = report.criteria_by_month.map((row) => row.month);
  const head = element("thead");
  const headRow = element("tr");
  headRow.append(element("th", "", t.criterion), element("th", "num", t.ratings_count),
    element("th", "num", t.satisfied), ...months.map((month) => element("th", "num", month)));
  head.append(headRow);
  const body = element("tbody");
  for (const code of codes) {
    const row = element("tr");
    row.dataset.criterion = code;
    row.append(element("th", "", labels.criteria[code][language]),
      element("td", "num", String(report.criteria[code].responses)),
      shareCell(t, report.criteria[code], targets),
      ...report.criteria_by_month.map((month) => shareCell(t, month.criteria[code], targets)));
    body.append(row);
  }
  document.getElementById("criteria-table").replaceChildren(head, body);
  const staffHead = element("thead");
  const staffRow = element("tr");
  staffRow.append(element("th", "", t.staff), ...codes.map((code) => element("th", "num", labels.criteria[code][language])));
  staffHead.append(staffRow);
  const staffBody = element("tbody");
  for (const person of report.criteria_by_staff) {
    const row = element("tr");
    row.dataset.staff = person.staff;
    row.append(element("th", "", person.name), ...codes.map((code) => shareCell(t, person.criteria[code], targets)));
    staffBody.append(row);
  }
  document.getElementById("criteria-staff-table").replaceChildren(staffHead, staffBody);
}

function drawDossiers(report, t, labels, language) {
  const dossiers = report.dossiers;
  const outcomes = labels.outcome_order;
  document.getElementById("dossier-tiles").replaceChildren(
    tile(t.dossiers_seen, String(dossiers.seen)),
    tile(t.first_contact, percentText(t, dossiers.first_contact_share)),
    ...outcomes.map((code) => tile(labels.outcomes[code][language], String(dossiers.by_outcome[code]))),
    tile(t.outcome_unrecorded, String(dossiers.by_outcome.unrecorded)),
  );
  table("sent-back-table", [[t.service, false], [t.visits_count, true], [t.sent_back, true], [t.sent_back_share, true]],
    dossiers.by_service.map((row) => [row.name, String(row.visits), String(row.supplement),
      percentText(t, row.supplement_share)]));
}

/** Draw a stats report: tiles, charts, the officers' and services' tables. */
export function drawReport(report, config) {
  const t = config.texts;
  locale = config.locale || locale;
  drawTiles(report, t);
  drawCharts(report, t, config.labels, config.language);
  drawCriteria(report, t, config.labels, config.language);
  drawDossiers(report, t, config.labels, config.language);
  table("officers-table", [[t.staff, false], ...figureHeaders(t)],
    report.by_staff.map((row) => [row.name, ...figureCells(row, t)]));
  table("services-table", [[t.service, false], [t.issued, true], ...figureHeaders(t)],
    report.by_service.map((row) => [row.name, String(row.issued), ...figureCells(row, t)]));
}
