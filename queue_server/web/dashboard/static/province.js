// The province's monitor, for province managers and admins. Live part: every office's queue,
// counters and today's satisfaction, offices past their target wait first; the province
// channel says which office moved and the page refetches the snapshot, at most once every few
// seconds whatever the number of offices. League part: every office over a period, ranked,
// with the exports. Names typed by people are always set with textContent.
import { element, format, readConfig, request } from "/web-static/common.js";
import { numberText, percentText } from "/web-static/formats.js";

const config = readConfig("dashboard-config");
const t = config.texts;
const $ = (id) => document.getElementById(id);
// A hundred offices' events in a busy minute must not become a hundred refetches.
const MIN_REFETCH_MS = 5000;
const RESYNC_EVERY_MS = 30000; // waits grow with the clock, not only with events
const ATTENTION_SHOWN = 8;

const minutes = (seconds) => (seconds === null || seconds === undefined ? t.none
  : format(t.minutes, { value: numberText(config.locale, Math.round(seconds / 6) / 10) }));
const percent = (share) => percentText(config.locale, share) ?? t.none;
const count = (value) => numberText(config.locale, value, 0) ?? t.none;

function officeLink(row) {
  const link = element("a", "", row.name);
  link.href = `/dashboard/${encodeURIComponent(row.office)}`;
  return link;
}

function goToLogin() {
  window.location.assign(config.login);
}

// ---------------------------------------------------------------- sortable tables

function compare(a, b, descending) {
  const missing = (value) => value === null || value === undefined;
  if (missing(a) || missing(b)) return missing(a) - missing(b); // no figure: always last
  const order = typeof a === "string" ? a.localeCompare(b, config.locale) : a - b;
  return descending ? -order : order;
}

// columns: [{ key, label, value(row), cell(row) -> text or node, numeric, bad(row) }]
function sortableTable(table, columns, sort) {
  const state = { rows: [], total: null, ...sort };
  const byName = columns.find((column) => column.key === "name");

  function header() {
    const line = element("tr");
    for (const column of columns) {
      const cell = element("th", column.numeric ? "num" : "");
      const active = column.key === state.key;
      cell.setAttribute("aria-sort", active ? (state.descending ? "descending" : "ascending") : "none");
      const button = element("button", "sort-button", column.label + (active ? (state.descending ? " ▼" : " ▲") : ""));
      button.type = "button";
      button.dataset.sort = column.key;
      button.addEventListener("click", () => {
        state.descending = active ? !state.descending : Boolean(column.numeric);
        state.key = column.key;
        draw();
      });
      cell.append(button);
      line.append(cell);
    }
    const head = element("thead");
    head.append(line);
    return head;
  }

  function line(row, className) {
    const tr = element("tr", className);
    if (row.office) tr.dataset.office = row.office;
    for (const column of columns) {
      const bad = column.bad ? column.bad(row) : false;
      const cell = element("td", `${column.numeric ? "num" : ""}${bad ? " is-bad" : ""}`.trim());
      cell.append(column.cell(row));
      tr.append(cell);
    }
    return tr;
  }

  function draw() {
    const column = columns.find((candidate) => candidate.key === state.key);
    const rows = [...state.rows].sort((a, b) => compare(column.value(a), column.value(b), state.descending)
      || compare(byName.value(a), byName.value(b), false));
    const body = element("tbody");
    body.append(...rows.map((row) => line(row, row.is_alert ? "is-alert-row" : "")));
    if (state.total) body.append(line(state.total, "total"));
    table.replaceChildren(header(), body);
  }

  return {
    show(rows, total) {
      state.rows = rows;
      state.total = total;
      draw();
    },
  };
}

// ---------------------------------------------------------------- live part

function overText(service) {
  return format(t.province_over_target, { service: service.name,
    wait: minutes(service.longest_wait_s), target: minutes(service.target_wait_s) });
}

// How far past its target the worst queue of the office is (null: none is).
const excess = (row) => (row.over_target.length
  ? Math.max(...row.over_target.map((service) => service.longest_wait_s - service.target_wait_s)) : null);

const name = { key: "name", label: t.offices, value: (row) => row.name,
  cell: (row) => (row.office ? officeLink(row) : row.name) };

const liveTable = sortableTable($("province-live"), [
  name,
  { key: "waiting", label: t.waiting_now, numeric: true, value: (row) => row.waiting, cell: (row) => count(row.waiting) },
  { key: "longest", label: t.longest_wait, numeric: true, value: (row) => row.longest_wait_s,
    cell: (row) => minutes(row.longest_wait_s), bad: (row) => row.is_alert },
  { key: "counters", label: t.province_open_counters, numeric: true, value: (row) => row.counters.open,
    cell: (row) => (row.is_open ? `${count(row.counters.open)}/${count(row.counters.active)}` : t.province_closed),
    bad: (row) => row.waiting > 0 && row.counters.open === 0 },
  { key: "serving", label: t.province_serving, numeric: true, value: (row) => row.counters.serving,
    cell: (row) => count(row.counters.serving) },
  { key: "served", label: t.served_today, numeric: true, value: (row) => row.served_today,
    cell: (row) => count(row.served_today) },
  { key: "satisfied", label: t.satisfied_today, numeric: true, value: (row) => row.satisfaction.satisfied_share,
    cell: (row) => (row.satisfaction.responses ? `${percent(row.satisfaction.satisfied_share)} (${count(row.satisfaction.responses)})` : t.none) },
  { key: "alert", label: t.province_alert, numeric: true, value: excess, bad: (row) => row.is_alert,
    cell: (row) => (row.is_alert ? `⚠ ${row.over_target.map(overText).join("; ")}` : "") },
], { key: "alert", descending: true });

function renderAttention(offices) {
  const alerts = offices.filter((row) => row.is_alert).sort((a, b) => excess(b) - excess(a));
  const list = $("province-attention");
  if (!alerts.length) {
    list.replaceChildren(element("li", "attention-ok", t.province_no_alert));
    return;
  }
  const items = alerts.slice(0, ATTENTION_SHOWN).map((row) => {
    const item = element("li", "attention-item");
    item.append(officeLink(row), element("span", "", ` — ${row.over_target.map(overText).join("; ")}`));
    return item;
  });
  if (alerts.length > ATTENTION_SHOWN) {
    items.push(element("li", "muted", format(t.province_more_alerts, { count: alerts.length - ATTENTION_SHOWN })));
  }
  list.replaceChildren(...items);
}

function renderLive(snapshot) {
  const started = performance.now();
  const { total } = snapshot;
  $("province-alerts").textContent = `${count(total.alerts)}/${count(total.offices)}`;
  $("tile-alerts").classList.toggle("is-alert", total.alerts > 0);
  $("province-waiting").textContent = count(total.waiting);
  $("province-longest").textContent = minutes(total.longest_wait_s);
  $("province-counters").textContent = `${count(total.counters.open)}/${count(total.counters.active)}`;
  $("province-served").textContent = count(total.served_today);
  $("province-satisfied").textContent = percent(total.satisfaction.satisfied_share);
  renderAttention(snapshot.offices);
  liveTable.show(snapshot.offices, null);
  $("province-updated").textContent = format(t.updated, { time: (snapshot.generated_at || "").slice(11, 16) });
  document.body.dataset.liveServed = String(total.served_today);
  document.body.dataset.liveRenderMs = String(Math.round(performance.now() - started));
}

const live = { timer: null, last: 0, epoch: 0, fetches: 0 };

async function refreshLive() {
  live.timer = null;
  live.last = Date.now();
  live.fetches += 1;
  document.body.dataset.liveFetches = String(live.fetches);
  const epoch = ++live.epoch;
  try {
    const result = await request("GET", config.monitor, { language: config.language });
    if (result.status === 401) return goToLogin();
    if (result.status === 200 && epoch === live.epoch) renderLive(result.data);
  } catch {
    // Offline: the socket's reconnect brings a fresh snapshot.
  }
  return undefined;
}

function scheduleLive() {
  if (live.timer !== null) return; // a refetch is coming: it will see this change too
  const wait = Math.max(250, live.last + MIN_REFETCH_MS - Date.now());
  live.timer = setTimeout(refreshLive, wait);
}

function setOnline(online) {
  const pill = $("connection");
  pill.textContent = online ? t.online : t.offline;
  pill.className = `pill ${online ? "pill-online" : "pill-offline"}`;
}

function connectLive() {
  refreshLive();
  setInterval(scheduleLive, RESYNC_EVERY_MS);
  if (typeof window.io !== "function") return;
  const socket = window.io({ reconnectionDelayMax: 5000 });
  socket.on("connect", () => {
    socket.emit("subscribe", { channel: "province" }, (answer) => {
      setOnline(!(answer && answer.error));
      scheduleLive();
    });
  });
  socket.on("disconnect", () => setOnline(false));
  socket.on("connect_error", () => setOnline(false));
  socket.on("office_moved", scheduleLive);
}

// ---------------------------------------------------------------- league table

const flagged = (flag) => (row) => Boolean(row.league && row.league.flags.includes(flag));

const leagueTable = sortableTable($("offices-table"), [
  { key: "place", label: t.league_place, numeric: true, value: (row) => row.league?.place,
    cell: (row) => (row.league ? (row.league.place ? String(row.league.place) : t.none) : "") },
  name,
  { key: "wait_p90", label: t.wait_p90, numeric: true, value: (row) => row.wait_s.p90,
    cell: (row) => minutes(row.wait_s.p90), bad: flagged("wait") },
  { key: "over_target", label: t.over_target, numeric: true, value: (row) => row.over_target.share,
    cell: (row) => percent(row.over_target.share), bad: flagged("wait") },
  { key: "satisfied", label: t.satisfied, numeric: true, value: (row) => row.satisfaction.satisfied_share,
    cell: (row) => percent(row.satisfaction.satisfied_share), bad: flagged("satisfaction") },
  { key: "first_contact", label: t.first_contact, numeric: true, value: (row) => row.first_contact_share,
    cell: (row) => percent(row.first_contact_share) },
  { key: "served", label: t.served, numeric: true, value: (row) => row.served, cell: (row) => count(row.served) },
  { key: "open_feedback", label: t.open_feedback, numeric: true, value: (row) => row.open_feedback,
    cell: (row) => count(row.open_feedback) },
], { key: "place", descending: false });

function renderLeagueAttention(offices) {
  // The bottom of the league, worst first: what to ask about in the meeting.
  const ranked = offices.filter((row) => row.league.place !== null)
    .sort((a, b) => b.league.place - a.league.place || b.league.flags.length - a.league.flags.length);
  const worst = ranked.filter((row) => row.league.flags.length).slice(0, 5);
  const line = $("league-attention");
  if (!worst.length) {
    line.replaceChildren(element("span", ranked.length ? "attention-ok" : "muted",
      ranked.length ? t.league_no_flag : t.no_data));
    return;
  }
  const parts = [element("strong", "", `${t.league_attention}: `)];
  worst.forEach((row, index) => {
    if (index) parts.push(document.createTextNode("; "));
    const flags = row.league.flags.map((flag) => t[`league_flag_${flag}`]).join(", ");
    parts.push(officeLink(row), document.createTextNode(` (${format(t.league_place_of, { place: row.league.place, count: ranked.length })}: ${flags})`));
  });
  line.replaceChildren(...parts);
}

async function loadLeague() {
  const query = new URLSearchParams({ from: $("report-from").value, to: $("report-to").value }).toString();
  $("export-xlsx").href = `${config.api}.xlsx?${query}`;
  $("export-csv").href = `${config.api}.csv?${query}`;
  $("report-status").textContent = t.loading;
  const result = await request("GET", `${config.api}?${query}`, { language: config.language });
  if (result.status === 401) { goToLogin(); return; }
  if (result.status !== 200) { $("report-status").textContent = format(t.load_failed, { message: result.data?.error?.message || result.status }); return; }
  $("report-status").textContent = "";
  renderLeagueAttention(result.data.offices);
  leagueTable.show(result.data.offices, { ...result.data.total, name: t.province_total });
  document.body.dataset.leagueLoaded = query;
}

$("report-from").value = `${config.today.slice(0, 8)}01`;
$("report-to").value = config.today;
$("report-form").addEventListener("submit", (event) => { event.preventDefault(); loadLeague(); });
$("projector").addEventListener("click", () => document.body.classList.toggle("projector"));
connectLive();
loadLeague();
