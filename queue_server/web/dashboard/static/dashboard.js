// The manager's dashboard. Live part: the board channel's events trigger a fetch of the
// monitor snapshot (debounced), so the page never applies partial state. Report part: the
// stats API for any period, drawn with Chart.js. Inbox: assign, answer, close over HTTP.
// Text typed by people (comments, answers, names) is always set with textContent.
import { element, format, readConfig, request } from "/web-static/common.js";
import { dayText, localiseCharts, percentText as localPercent } from "/web-static/formats.js";
import { loadProcedureReport } from "./procedures-report.js";
import { charts, drawReport, setProjector } from "./report.js";

const config = readConfig("dashboard-config");
localiseCharts(config.locale);
const t = config.texts;
const $ = (id) => document.getElementById(id);
const REFRESH_DELAY_MS = 250;
const RESYNC_EVERY_MS = 30000; // ages and "longest wait" move with the clock, not only events

// ---------------------------------------------------------------- helpers

function minutesText(seconds) {
  if (seconds === null || seconds === undefined) return t.none;
  return format(t.minutes, { value: Math.round(seconds / 60) });
}

function percentText(share) {
  return localPercent(config.locale, share) ?? t.none;
}

function localTime(iso) {
  return iso ? iso.slice(11, 16) : "";
}

function goToLogin() {
  window.location.assign(config.login);
}

// ---------------------------------------------------------------- live part

const live = { timer: null, epoch: 0 };

async function refreshLive() {
  const epoch = ++live.epoch;
  try {
    const result = await request("GET", `${config.api}/monitor`, { language: config.language });
    if (result.status === 401) return goToLogin();
    if (result.status === 200 && epoch === live.epoch) renderLive(result.data);
  } catch {
    // Offline: the socket's reconnect brings a fresh snapshot.
  }
  return undefined;
}

function scheduleLive() {
  clearTimeout(live.timer);
  live.timer = setTimeout(refreshLive, REFRESH_DELAY_MS);
}

function renderLive(snapshot) {
  $("live-waiting").textContent = String(snapshot.waiting);
  const longest = $("live-longest");
  longest.textContent = minutesText(snapshot.longest_wait_s);
  longest.parentElement.classList.toggle("is-alert",
    snapshot.services.some((service) => service.is_over_target));
  $("live-served").textContent = String(snapshot.today.served);
  $("live-issued").textContent = String(snapshot.today.issued);
  $("live-satisfied").textContent = percentText(snapshot.today.satisfaction.satisfied_share);
  const inbox = snapshot.feedback_inbox;
  const feedback = $("live-feedback");
  feedback.textContent = inbox.overdue ? `${inbox.open} (${inbox.overdue} ${t.overdue})`
    : String(inbox.open);
  feedback.parentElement.classList.toggle("is-alert", inbox.overdue > 0);
  $("live-services").replaceChildren(...snapshot.services.map(serviceRow));
  $("live-counters").replaceChildren(...snapshot.counters.map(counterCard));
  $("live-updated").textContent = format(t.updated, { time: localTime(snapshot.generated_at) });
  document.body.dataset.liveServed = String(snapshot.today.served);
}

function serviceRow(service) {
  const row = element("tr", service.is_over_target ? "is-alert" : "");
  row.dataset.service = service.service;
  row.append(element("td", "", service.name), element("td", "num", String(service.waiting)),
    element("td", "num", minutesText(service.longest_wait_s)),
    element("td", "num", minutesText(service.target_wait_s)));
  return row;
}

function counterCard(counter) {
  const card = element("li", `counter-card state-${counter.state}`);
  card.dataset.counter = String(counter.counter);
  card.append(element("span", "counter-title", counter.name || `${t.counter} ${counter.counter}`));
  let state = t[`state_${counter.state}`];
  if (counter.state === "serving") {
    state = `${state} ${counter.serving}`;
    if (counter.serving_for_s !== null) {
      state += ` · ${format(t.serving_for, { minutes: Math.round(counter.serving_for_s / 60) })}`;
    }
  } else if (counter.state === "paused") {
    state = `${state}: ${counter.pause_reason || ""} (${format(t.since, { time: localTime(counter.paused_at) })})`;
  }
  card.append(element("span", "counter-state", state));
  if (counter.officer) card.append(element("span", "muted", counter.officer));
  card.append(element("span", "muted", ` · ${t.served_today}: ${counter.served_today}`));
  return card;
}

function setOnline(online) {
  const pill = $("connection");
  pill.textContent = online ? t.online : t.offline;
  pill.className = `pill ${online ? "pill-online" : "pill-offline"}`;
}

function connectLive() {
  refreshLive();
  setInterval(refreshLive, RESYNC_EVERY_MS);
  if (typeof window.io !== "function") return;
  const socket = window.io({ reconnectionDelayMax: 5000 });
  socket.on("connect", () => {
    socket.emit("subscribe", { office: config.office, channel: "board" }, (snapshot) => {
      setOnline(!(snapshot && snapshot.error));
      scheduleLive();
    });
    // The manager's own channel: a new low rating or comment shows at once, not in 30 s.
    socket.emit("subscribe", { office: config.office, channel: "dashboard" });
  });
  socket.on("disconnect", () => setOnline(false));
  socket.on("connect_error", () => setOnline(false));
  // Every queue event may change the monitor: fetch it again (one request per burst).
  for (const event of ["ticket_issued", "ticket_called", "queue_changed", "feedback_received"]) {
    socket.on(event, scheduleLive);
  }
}

// ---------------------------------------------------------------- report part

function isoDay(date) {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`;
}

function setRange(kind) {
  const today = new Date(`${config.today}T12:00:00`);
  let first = today;
  if (kind === "month") first = new Date(today.getFullYear(), today.getMonth(), 1, 12);
  if (kind === "30") first = new Date(today.getTime() - 29 * 86400000);
  $("report-from").value = isoDay(first);
  $("report-to").value = config.today;
}

function reportQuery() {
  const query = new URLSearchParams();
  for (const name of ["from", "to", "service", "counter", "staff"]) {
    const value = $(`report-${name}`).value;
    if (value) query.set(name, value);
  }
  return query.toString();
}

function setExports(query) {
  $("export-xlsx").href = `${config.api}/stats.xlsx?${query}`;
  $("export-csv").href = `${config.api}/stats.csv?${query}&table=${$("export-csv-table").value}`;
  $("export-tickets-xlsx").href = `${config.api}/tickets.xlsx?${query}`;
  $("export-tickets-csv").href = `${config.api}/tickets.csv?${query}`;
  $("officer-report").href = `${config.officers_page}?month=${$("report-to").value.slice(0, 7)}`;
}

async function loadReport() {
  const query = reportQuery();
  setExports(query);
  $("report-status").textContent = t.loading;
  try {
    const result = await request("GET", `${config.api}/stats?${query}`, { language: config.language });
    if (result.status === 401) return goToLogin();
    if (result.status !== 200) {
      $("report-status").textContent = format(t.load_failed, { message: result.data?.error?.message || result.status });
      return undefined;
    }
    $("report-status").textContent = result.data.issued ? "" : t.no_data;
    drawReport(result.data, config);
    await loadProcedureReport(config, query);
    document.body.dataset.reportLoaded = String(Number(document.body.dataset.reportLoaded || 0) + 1);
  } catch {
    $("report-status").textContent = format(t.load_failed, { message: t.offline });
  }
  return undefined;
}

// ---------------------------------------------------------------- inbox

const inbox = { state: "open" };

async function loadInbox() {
  const result = await request("GET", `${config.api}/inbox?state=${inbox.state}`, { language: config.language });
  if (result.status === 401) return goToLogin();
  if (result.status !== 200) return undefined;
  const items = result.data.items.map(inboxItem);
  $("inbox-list").replaceChildren(...items);
  $("inbox-message").textContent = items.length ? "" : t.inbox_empty;
  return undefined;
}

function inboxItem(item) {
  const node = element("li", `inbox-item${item.is_overdue ? " is-overdue" : ""}`);
  node.dataset.item = String(item.id);
  const head = element("div", "inbox-head");
  const level = config.labels.ratings[String(item.rating)]?.[config.language] || String(item.rating);
  head.append(element("strong", "", format(t.ticket_number, { number: item.number })),
    element("span", `badge${item.rating <= 3 ? " badge-low" : ""}`, `${item.rating} – ${level}`),
    element("span", "muted", `${item.service_name} · ${t.counter} ${item.counter ?? t.none} · ${item.staff_name ?? ""}`),
    element("span", "muted", `${dayText(item.day)} ${localTime(item.rated_at)}`));
  if (item.state !== "closed") {
    head.append(element("span", item.is_overdue ? "badge badge-overdue" : "badge",
      item.is_overdue ? `${t.is_overdue} · ${format(t.due, { date: dayText(item.due_on) })}`
        : `${format(t.age, { days: item.age_working_days })} · ${format(t.due, { date: dayText(item.due_on) })}`));
  } else {
    head.append(element("span", "badge", format(t.closed_on, { time: `${dayText(item.closed_at)} ${localTime(item.closed_at)}` })));
  }
  node.append(head);
  if (item.reasons.length) {
    node.append(element("div", "", item.reasons.map((code) => config.labels.reasons[code]?.[config.language] || code).join(", ")));
  }
  if (item.visits) node.append(element("div", "muted", `${t.visit}: ${config.labels.visits[item.visits]?.[config.language] || item.visits}`));
  if (item.comment) node.append(element("p", "inbox-comment", item.comment));
  // A province manager reads the inbox; the office's own managers act on it.
  node.append(item.state === "closed" || config.read_only ? closedDetails(item) : inboxActions(item));
  return node;
}

function closedDetails(item) {
  const box = element("div", "muted");
  if (item.answer) box.append(element("p", "", `${t.answered}: ${item.answer}`));
  if (item.note) box.append(element("p", "", `${t.note}: ${item.note}`));
  return box;
}

function inboxActions(item) {
  const box = element("div", "inbox-actions");
  const assign = element("div", "");
  const select = element("select", "");
  select.setAttribute("aria-label", t.assignee);
  select.append(new Option(t.nobody, ""));
  for (const person of config.people) {
    select.append(new Option(person.name, person.username, false, person.username === item.assignee));
  }
  const assignButton = element("button", "chip", t.assign);
  assignButton.type = "button";
  assignButton.addEventListener("click", () => select.value && act(item, "assign", { assignee: select.value }));
  assign.append(element("label", "muted", t.assignee), select, assignButton);
  const answer = element("div", "");
  const text = element("textarea", "");
  text.maxLength = 1000;
  text.value = item.answer || "";
  text.setAttribute("aria-label", t.answer);
  const note = element("textarea", "");
  note.maxLength = 1000;
  note.setAttribute("aria-label", t.note);
  note.placeholder = t.note;
  const send = element("button", "chip", t.send_answer);
  send.type = "button";
  send.addEventListener("click", () => text.value.trim() && act(item, "answer", { answer: text.value }));
  const close = element("button", "chip", t.close);
  close.type = "button";
  close.addEventListener("click", () => act(item, "close", { note: note.value || null }));
  const buttons = element("div", "inbox-buttons");
  buttons.append(send, close);
  answer.append(element("label", "muted", `${t.answer} — ${t.answer_hint}`), text, note, buttons);
  box.append(assign, answer);
  return box;
}

async function act(item, action, body) {
  const result = await request("POST", `${config.api}/inbox/${item.id}/${action}`, { body, language: config.language });
  if (result.status === 401) return goToLogin();
  await loadInbox(); // first: it resets the message line
  $("inbox-message").textContent = result.status === 200 ? t.saved
    : (result.data?.error?.message || String(result.status));
  refreshLive();
  return undefined;
}

// ---------------------------------------------------------------- start

function start() {
  setRange("month");
  $("report-form").addEventListener("submit", (event) => {
    event.preventDefault();
    loadReport();
  });
  for (const chip of document.querySelectorAll("[data-range]")) {
    chip.addEventListener("click", () => {
      setRange(chip.dataset.range);
      loadReport();
    });
  }
  for (const tab of document.querySelectorAll("[data-state]")) {
    tab.addEventListener("click", () => {
      inbox.state = tab.dataset.state;
      for (const other of document.querySelectorAll("[data-state]")) other.classList.toggle("is-active", other === tab);
      loadInbox();
    });
  }
  $("export-csv-table").addEventListener("change", () => setExports(reportQuery()));
  $("projector").addEventListener("click", () => setProjector(!document.body.classList.contains("projector")));
  connectLive();
  loadReport();
  loadInbox();
}

window.dashboardCharts = charts; // for checks from the browser's console (and the browser test)
start();
