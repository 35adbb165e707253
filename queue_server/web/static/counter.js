// The counter console. State comes from the counter channel (its snapshot on subscribe, then
// `counter_updated` after this counter's actions and `counter_waiting` when others change its
// waiting list), and from GET of the same snapshot when offline; every action is an HTTP POST,
// never a socket message, so a reconnecting page can never replay one.

import { element, format, randomKey, readConfig, request, sleep } from "./common.js";
import { showProcedure } from "./counter-procedure.js";
import { showReferral } from "./counter-referral.js";
import { SUPPLEMENT, missingDocuments } from "./counter-missing.js";

const config = readConfig("console-config");
const t = config.texts;
const $ = (id) => document.getElementById(id);

// A press keeps every button busy at least this long: the second click of a double click
// (or a bouncing key) lands on a busy console, even when the server answers in 2 ms.
const MIN_PRESS_MS = 700;
const REFRESH_DELAY_MS = 250;
// Key -> action, from the same table the buttons show (letters compared in lower case).
const KEYS = {
  Enter: "call_next",
  ...Object.fromEntries(Object.entries(config.keys).map(([kind, key]) => [
    key.length === 1 ? key.toLowerCase() : key, kind])),
};
const NEEDS_CURRENT = new Set(["recall", "finish", "no_show", "transfer", "dossier", "missing",
  "print_missing"]);
// Digit -> outcome code, as the outcome buttons show them.
const OUTCOME_KEYS = Object.fromEntries(config.outcomes.map((outcome) => [outcome.key, outcome.code]));
const outcomeNames = Object.fromEntries(config.outcomes.map((outcome) => [outcome.code, outcome.label]));
// A USB scanner types the code and Enter faster than any hand: keys this close together (by
// the events' own time stamps) belong to one scan, which is added as a dossier code instead of
// running shortcuts; a lone key waits this long before it runs its shortcut.
const SCAN_GAP_MS = 60;
const SCAN_MIN_LENGTH = 4;

const state = {
  snapshot: null,
  online: false,
  busy: false,
  epoch: 0, // bumps with every snapshot applied, so an older GET never overwrites a newer push
  clockOffsetMs: 0,
  refreshTimer: null,
};

const serviceNames = Object.fromEntries(config.services.map((s) => [s.code, s.name]));
const counterNames = Object.fromEntries(
  config.counters.map((c) => [String(c.number), c.name || format(t.counter_label, { number: c.number })]),
);

// ---------------------------------------------------------------- rendering

function current() {
  return state.snapshot ? state.snapshot.current : null;
}

function minRecalls() {
  return state.snapshot ? state.snapshot.min_recalls_before_no_show : 0;
}

function applySnapshot(snapshot) {
  if (!snapshot || !snapshot.counter) return;
  state.snapshot = snapshot;
  state.epoch += 1;
  render();
}

function render() {
  renderCurrent();
  renderVisit();
  renderButtons();
  renderPause();
  renderWaiting();
}

function renderCurrent() {
  const ticket = current();
  $("current-card").classList.toggle("is-empty", !ticket);
  const paused = Boolean(state.snapshot && state.snapshot.counter.is_paused);
  $("current-number").textContent = ticket ? ticket.number : "";
  $("current-service").textContent = ticket ? ticket.service_name : (paused ? t.paused_card : t.no_current);
  $("current-empty").hidden = Boolean(ticket);
  const badges = $("current-badges");
  badges.replaceChildren();
  if (ticket && ticket.priority) badges.append(priorityBadge(ticket.priority));
  if (ticket && ticket.booking) {
    badges.append(element("span", "badge badge-booked",
      `${ticket.booking_late ? t.booked_late : t.booked} · ${ticket.booking}`));
  }
  $("current-recalls").textContent = ticket && ticket.recall_count
    ? `${t.recalls}: ${ticket.recall_count} ${t.times}` : "";
  $("current-timer-box").hidden = !(ticket && ticket.called_at);
  showProcedure(ticket, config);
  showReferral(ticket, config);
  renderTimer();
  document.title = `${ticket ? ticket.number + " · " : ""}${config.counter_name}`;
}

function renderTimer() {
  const ticket = current();
  if (!ticket || !ticket.called_at) return;
  const seconds = Math.max(0, Math.floor((Date.now() + state.clockOffsetMs - Date.parse(ticket.called_at)) / 1000));
  const minutes = Math.floor(seconds / 60);
  const text = minutes >= 60
    ? `${Math.floor(minutes / 60)}:${pad(minutes % 60)}:${pad(seconds % 60)}`
    : `${pad(minutes)}:${pad(seconds % 60)}`;
  $("current-timer").textContent = text;
  renderNoShow(); // the wait before a no-show runs down with the same clock
}

function pad(value) {
  return String(value).padStart(2, "0");
}

function priorityBadge(code) {
  const name = config.priorities[code];
  return element("span", "badge badge-priority", name ? `${t.priority} · ${name}` : t.priority);
}

// Seconds left before the office allows a no-show, counted from the latest call or recall.
function noShowWaitLeft(ticket) {
  const wait = state.snapshot ? state.snapshot.min_seconds_before_no_show || 0 : 0;
  if (!wait || !ticket.called_at) return 0;
  const waited = (Date.now() + state.clockOffsetMs - Date.parse(ticket.called_at)) / 1000;
  return Math.max(0, Math.ceil(wait - waited));
}

function noShowBlocker() {
  const ticket = current();
  if (!ticket) return t.need_current;
  if (ticket.recall_count < minRecalls()) {
    return format(t.no_show_needs, { needed: minRecalls(), done: ticket.recall_count });
  }
  const left = noShowWaitLeft(ticket);
  if (left > 0) return format(t.no_show_wait, { seconds: left });
  return null;
}

function noShowHint(ticket) {
  if (!ticket) return "";
  if (ticket.recall_count < minRecalls()) {
    return format(t.no_show_hint, { needed: minRecalls(), done: ticket.recall_count });
  }
  const left = noShowWaitLeft(ticket);
  return left > 0 ? format(t.no_show_wait_hint, { seconds: left }) : "";
}

function renderNoShow() {
  // No-show stays focusable and clickable while refused, so a press can say why.
  const blocker = noShowBlocker();
  const noShow = $("no-show");
  noShow.setAttribute("aria-disabled", String(Boolean(blocker)));
  noShow.classList.toggle("is-refused", Boolean(blocker));
  $("no-show-hint").textContent = noShowHint(current());
}

function renderButtons() {
  const ticket = current();
  for (const button of document.querySelectorAll("button[data-action]")) {
    const needsTicket = NEEDS_CURRENT.has(button.dataset.action) && button.id !== "no-show";
    button.disabled = state.busy || (needsTicket && !ticket);
  }
  renderNoShow();
  $("call-next").classList.toggle("is-busy", state.busy);
  // Call next finishes the current ticket first (see docs/queue.md); say so where the eyes are.
  $("call-next-hint").textContent = ticket ? format(t.call_next_hint, { number: ticket.number }) : "";
}

function renderPause() {
  const counter = state.snapshot ? state.snapshot.counter : null;
  const paused = Boolean(counter && counter.is_paused);
  $("pause-label").textContent = paused ? t.resume : t.pause;
  $("pause").classList.toggle("is-resume", paused);
  $("paused-banner").hidden = !paused;
  if (paused) {
    const since = counter.paused_at ? counter.paused_at.slice(11, 16) : "";
    $("paused-text").textContent = format(t.paused_banner, { reason: counter.pause_reason || "", since });
  }
}

function renderWaiting() {
  const rows = state.snapshot ? state.snapshot.waiting : [];
  $("waiting-count").textContent = String(rows.length);
  $("waiting-empty").hidden = rows.length > 0;
  const now = Date.now() + state.clockOffsetMs;
  const items = rows.map((row) => {
    const item = element("li", "waiting-row");
    item.dataset.number = row.number;
    item.classList.toggle("is-priority", Boolean(row.priority));
    item.classList.toggle("is-transferred", Boolean(row.transferred));
    item.append(element("span", "waiting-number", row.number));
    item.append(element("span", "waiting-service", serviceNames[row.service] || row.service));
    const badges = element("span", "badges");
    if (row.priority) badges.append(priorityBadge(row.priority));
    if (row.transferred) badges.append(element("span", "badge badge-transfer", t.transferred));
    if (row.booked) badges.append(element("span", "badge badge-booked", t.booked));
    item.append(badges);
    const minutes = Math.max(0, Math.floor((now - Date.parse(row.issued_at)) / 60000));
    item.append(element("span", "waiting-time", minutes ? format(t.waited, { minutes }) : t.waited_now));
    return item;
  });
  $("waiting-list").replaceChildren(...items);
}

function setOnline(online) {
  state.online = online;
  const pill = $("connection");
  pill.textContent = online ? t.online : t.offline;
  pill.className = `pill ${online ? "pill-online" : "pill-offline"}`;
  $("offline-banner").hidden = online;
}

let messageTimer = null;

function showMessage(text, kind = "info") {
  const box = $("message");
  box.textContent = text;
  box.className = `message message-${kind}`;
  clearTimeout(messageTimer);
  if (kind === "info") messageTimer = setTimeout(() => { box.textContent = ""; }, 15000);
}

// ---------------------------------------------------------------- the visit

function renderVisit() {
  const ticket = current();
  $("visit-panel").hidden = !ticket;
  if (!ticket || ticket.code !== visit.code) {
    // Another citizen: nothing of the last visit stays on screen.
    visit.code = ticket ? ticket.code : null;
    visit.history = "";
    $("dossier-input").value = "";
    if (!ticket && document.activeElement === $("dossier-input")) $("dossier-input").blur();
  }
  for (const button of document.querySelectorAll("button[data-outcome]")) {
    const chosen = Boolean(ticket && ticket.outcome === button.dataset.outcome);
    button.setAttribute("aria-pressed", String(chosen));
    button.disabled = state.busy || !ticket;
  }
  const codes = ticket ? ticket.dossiers || [] : [];
  $("dossier-list").replaceChildren(...codes.map((code) => {
    const item = element("li", "dossier-chip");
    item.dataset.code = code;
    item.append(element("span", "dossier-code", code));
    const remove = element("button", "dossier-remove", "×");
    remove.type = "button";
    remove.setAttribute("aria-label", format(t.dossier_remove, { code }));
    remove.addEventListener("click", () => removeDossier(code));
    item.append(remove);
    return item;
  }));
  $("dossier-history").textContent = ticket ? visit.history : "";
  if (missing) missing.render(ticket);
}

const visit = { saving: Promise.resolve(), history: "", code: null };
let missing = null; // the missing documents box and dialog (counter-missing.js)

// The visit is saved on the current ticket at once, so finish and call next find it there.
function saveVisit(change) {
  const ticket = current();
  if (!ticket) return Promise.resolve(false);
  const previous = { outcome: ticket.outcome, dossiers: ticket.dossiers || [], missing: ticket.missing || [] };
  setCurrentVisit(change);
  const url = config.visit_api + encodeURIComponent(ticket.code) + "/visit";
  visit.saving = visit.saving.then(async () => {
    try {
      const result = await request("PUT", url, { body: change, language: config.language });
      if (result.status === 401) goToLogin();
      if (result.status !== 200) {
        showMessage((result.data && result.data.error && result.data.error.message) || t.server_error, "error");
        if (current() && current().code === ticket.code) setCurrentVisit(previous);
        return false;
      }
      return true;
    } catch {
      showMessage(t.network_error, "error");
      if (current() && current().code === ticket.code) setCurrentVisit(previous);
      return false;
    }
  });
  return visit.saving;
}

function setCurrentVisit(change) {
  if (!state.snapshot || !state.snapshot.current) return;
  state.snapshot = { ...state.snapshot, current: { ...state.snapshot.current, ...change } };
  renderVisit();
}

function chooseOutcome(code) {
  const ticket = current();
  if (!ticket) {
    showMessage(t.need_current, "warning");
    return;
  }
  // Another outcome sends nothing back: the missing documents go with it.
  const change = code !== SUPPLEMENT && (ticket.missing || []).length ? { outcome: code, missing: [] }
    : { outcome: code };
  saveVisit(change);
  showMessage(format(t.outcome_chosen, { number: ticket.number, outcome: outcomeNames[code] }), "info");
  if (code === SUPPLEMENT && ticket.procedure) missing.open();
}

async function addDossier(typed) {
  const ticket = current();
  const code = typed.trim().toUpperCase();
  if (!code) return;
  if (!ticket) {
    showMessage(t.need_current, "warning");
    return;
  }
  const codes = ticket.dossiers || [];
  if (codes.includes(code)) {
    showMessage(format(t.dossier_already, { code }), "warning");
    return;
  }
  const history = lookUpDossier(code);
  if (await saveVisit({ dossiers: [...codes, code] })) {
    visit.history = await history;
    if (current() && current().code === ticket.code) renderVisit();
  }
}

function removeDossier(code) {
  const ticket = current();
  if (!ticket) return;
  saveVisit({ dossiers: (ticket.dossiers || []).filter((item) => item !== code) });
  visit.history = "";
}

// "Hồ sơ này đến lần thứ 2 — lần trước 03/12, yêu cầu bổ sung tại Quầy 2", or that it is new.
async function lookUpDossier(code) {
  try {
    const result = await request("GET", config.dossier_api + encodeURIComponent(code),
      { language: config.language });
    if (result.status === 404) return format(t.dossier_first, { code });
    if (result.status !== 200) return "";
    const last = result.data.visits[result.data.visits.length - 1];
    const day = last.finished_at ? `${last.finished_at.slice(8, 10)}/${last.finished_at.slice(5, 7)}` : "";
    const counter = last.counter_name || format(t.counter_label, { number: last.counter });
    const place = last.office === config.office ? counter : `${counter}, ${last.office_name}`;
    const outcome = last.outcome_label ? lowerFirst(last.outcome_label) : "";
    return format(outcome ? t.dossier_repeat : t.dossier_repeat_plain, {
      code, count: result.data.contacts + 1, date: day, outcome, place,
    });
  } catch {
    return "";
  }
}

function lowerFirst(text) {
  return text.charAt(0).toLocaleLowerCase(config.language) + text.slice(1);
}

const scan = { text: "", last: 0, timer: null };

// A printable key on the page: held back until it is known to be a lone press (a shortcut)
// or part of a scan.
function bufferKey(event) {
  if (scan.text && event.timeStamp - scan.last > SCAN_GAP_MS) flushScan();
  scan.text += event.key;
  scan.last = event.timeStamp;
  clearTimeout(scan.timer);
  scan.timer = setTimeout(flushScan, SCAN_GAP_MS);
}

function flushScan() {
  clearTimeout(scan.timer);
  const text = scan.text;
  scan.text = "";
  if (text.length === 1) {
    shortcut(text.toLowerCase());
  } else if (text.length > 1 && current()) {
    // Fast keys without Enter: into the field, where the officer checks them and presses Enter.
    $("dossier-input").value = text;
    $("dossier-input").focus();
  }
}

function takeScan() {
  clearTimeout(scan.timer);
  const text = scan.text;
  scan.text = "";
  addDossier(text);
}

function shortcut(key) {
  if (anyDialogOpen()) return;
  if (OUTCOME_KEYS[key]) chooseOutcome(OUTCOME_KEYS[key]);
  else if (KEYS[key]) trigger(KEYS[key]);
}

// ---------------------------------------------------------------- server

function noteServerDate(header) {
  // Only a clearly wrong PC clock is corrected: the Date header has one-second steps.
  const server = Date.parse(header || "");
  if (Number.isNaN(server)) return;
  const offset = server + 500 - Date.now();
  state.clockOffsetMs = Math.abs(offset) > 2000 ? offset : 0;
}

function goToLogin() {
  showMessage(t.session_expired, "error");
  setTimeout(() => window.location.assign(config.login), 800);
}

async function refresh() {
  const epoch = state.epoch;
  try {
    const result = await request("GET", config.api, { language: config.language });
    if (result.status === 401) return goToLogin();
    noteServerDate(result.date);
    if (result.status === 200 && state.epoch === epoch) applySnapshot(result.data);
  } catch {
    // Offline: the socket's reconnect brings a fresh snapshot.
  }
  return undefined;
}

function scheduleRefresh() {
  clearTimeout(state.refreshTimer);
  state.refreshTimer = setTimeout(refresh, REFRESH_DELAY_MS);
}

function connectSocket() {
  if (typeof window.io !== "function") return;
  const socket = window.io({ reconnectionDelayMax: 5000 });
  socket.on("connect", () => {
    const channel = { office: config.office, channel: "counter", counter: config.counter };
    socket.emit("subscribe", channel, (snapshot) => {
      if (snapshot && snapshot.error) {
        if (snapshot.error.code === "missing_token") goToLogin();
        else showMessage(snapshot.error.message, "error");
        return;
      }
      setOnline(true);
      applySnapshot(snapshot);
    });
  });
  socket.on("disconnect", () => setOnline(false));
  socket.on("connect_error", () => setOnline(false));
  socket.on("counter_updated", applySnapshot);
  // Another counter's call, an issue or a cancel: the server sends this counter's new list.
  socket.on("counter_waiting", applyWaiting);
  socket.on("resync", scheduleRefresh);
}

function applyWaiting(update) {
  if (!state.snapshot || !update || update.counter !== config.counter) return;
  state.snapshot = { ...state.snapshot, waiting: update.waiting, waiting_count: update.waiting_count };
  state.epoch += 1;
  renderWaiting();
}

// ---------------------------------------------------------------- actions

const ACTIONS = {
  call_next: { path: "/call-next", idempotent: true },
  recall: { path: "/recall" },
  finish: { path: "/finish" },
  no_show: { path: "/no-show" },
  transfer: { path: "/transfer" },
  call_number: { path: "/call" },
  pause: { path: "/pause" },
  resume: { path: "/resume" },
};

async function perform(kind, body, describe) {
  if (state.busy) return;
  state.busy = true;
  renderButtons();
  const started = performance.now();
  const action = ACTIONS[kind];
  try {
    // The outcome or a code just entered is saved before the finish that needs it.
    await visit.saving;
    // A new key for every press: a retried or repeated request with it calls nobody new.
    const headers = action.idempotent ? { "Idempotency-Key": randomKey() } : {};
    const result = await request("POST", config.api + action.path,
      { body, language: config.language, headers });
    noteServerDate(result.date);
    handleResult(kind, result, describe);
  } catch {
    showMessage(t.network_error, "error");
  } finally {
    await sleep(Math.max(0, MIN_PRESS_MS - (performance.now() - started)));
    state.busy = false;
    render();
  }
}

function handleResult(kind, { status, data }, describe) {
  const code = data && data.error ? data.error.code : null;
  if (status === 401) return goToLogin();
  if (status === 403 && code === "csrf_failed") {
    showMessage(t.session_changed, "error");
    setTimeout(() => window.location.reload(), 1500);
    return undefined;
  }
  if (status >= 400) {
    showMessage((data && data.error && data.error.message) || t.server_error, "error");
    if (status === 409) refresh();
    return undefined;
  }
  if (status === 204) {
    showMessage(t.nothing_waiting, "warning");
    applyLocally(kind, null);
  } else {
    applyLocally(kind, data);
    showMessage(describe(data), "info");
  }
  if (!state.online) refresh();
  return undefined;
}

function applyLocally(kind, data) {
  // Shown at once; the counter_updated push that follows replaces it with the full state.
  if (!state.snapshot) return;
  const snapshot = { ...state.snapshot };
  if (kind === "pause" || kind === "resume") {
    snapshot.counter = data;
  } else if (kind === "call_next" || kind === "call_number" || kind === "recall") {
    snapshot.current = data;
    if (data) snapshot.waiting = snapshot.waiting.filter((row) => row.number !== data.number);
    if (kind !== "recall") snapshot.counter = { ...snapshot.counter, is_paused: false };
  } else {
    snapshot.current = null;
  }
  state.snapshot = snapshot;
  render();
}

function trigger(kind) {
  if (state.busy) return;
  const ticket = current();
  if (NEEDS_CURRENT.has(kind) && !ticket) {
    showMessage(t.need_current, "warning");
    return;
  }
  switch (kind) {
    case "call_next":
      perform("call_next", undefined, (ticket_) => format(t.called, { number: ticket_.number }));
      break;
    case "recall":
      perform("recall", undefined,
        (ticket_) => format(t.recalled, { number: ticket_.number, count: ticket_.recall_count }));
      break;
    case "finish":
      perform("finish", undefined, (ticket_) => format(t.finished, { number: ticket_.number }));
      break;
    case "no_show":
      askNoShow();
      break;
    case "transfer":
      openTransfer(ticket);
      break;
    case "call_number":
      openCallNumber();
      break;
    case "pause":
      togglePause();
      break;
    case "dossier":
      $("dossier-input").focus();
      break;
    case "missing":
      missing.open();
      break;
    case "print_missing":
      missing.print();
      break;
    default:
      break;
  }
}

function askNoShow() {
  const blocker = noShowBlocker();
  if (blocker) {
    showMessage(blocker, "warning");
    return;
  }
  $("no-show-question").textContent = format(t.no_show_confirm, { number: current().number });
  $("no-show-dialog").showModal();
}

function openTransfer(ticket) {
  $("transfer-title").textContent = format(t.transfer_title, { number: ticket.number });
  // Sending a ticket back to the queue it is already in would change nothing useful.
  for (const button of $("transfer-dialog").querySelectorAll("button[data-service]")) {
    button.disabled = button.dataset.service === ticket.service;
  }
  $("transfer-dialog").showModal();
}

function togglePause() {
  const counter = state.snapshot && state.snapshot.counter;
  if (counter && counter.is_paused) {
    perform("resume", undefined, () => t.resumed);
  } else if (current()) {
    showMessage(t.busy_pause, "warning");
  } else {
    $("pause-form").reset();
    $("pause-dialog").showModal();
  }
}

function openCallNumber() {
  const choices = (state.snapshot ? state.snapshot.waiting : []).slice(0, 24).map((row) => {
    const button = element("button", "action action-minor chip", row.number);
    button.type = "button";
    button.addEventListener("click", () => {
      $("call-number-input").value = row.number;
      $("call-number-form").requestSubmit();
    });
    return button;
  });
  $("call-number-choices").replaceChildren(...choices);
  $("call-number-form").reset();
  $("call-number-dialog").showModal();
  $("call-number-input").focus();
}

// ---------------------------------------------------------------- wiring

function isTyping(target) {
  // A field of a dialog just closed may keep the focus until the close event: not typing.
  if (target && target.closest && target.closest("dialog:not([open])")) return false;
  return Boolean(target && target.closest
    && target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']"));
}

function anyDialogOpen() {
  return Boolean(document.querySelector("dialog[open]"));
}

function onKeyDown(event) {
  if (event.ctrlKey || event.altKey || event.metaKey) return;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  if (event.target === $("dossier-input")) {
    onDossierKey(event);
    return;
  }
  if (isTyping(event.target) || anyDialogOpen()) return;
  if (event.key.length === 1 && event.key !== " ") {
    event.preventDefault();
    if (!event.repeat) bufferKey(event);
    return;
  }
  if (key === "Enter" && scan.text) {
    event.preventDefault();
    // Enter right after a burst of keys ends a scan: add the code, never call the next one.
    if (scan.text.length >= SCAN_MIN_LENGTH && event.timeStamp - scan.last <= SCAN_GAP_MS * 4) {
      takeScan();
      return;
    }
    flushScan();
  }
  if (key === "Backspace" && current() && (current().dossiers || []).length) {
    event.preventDefault();
    const codes = current().dossiers;
    removeDossier(codes[codes.length - 1]);
    return;
  }
  const kind = KEYS[key];
  if (!kind) return;
  // Enter on a focused button or link keeps its usual meaning (keyboard users).
  if (key === "Enter" && event.target.closest && event.target.closest("button, a, summary")) return;
  event.preventDefault(); // F1 help, F3 find
  if (event.repeat) return; // a held key is one press
  trigger(kind);
}

// In the dossier field: Enter adds what it holds (typed or scanned), or calls the next citizen
// when it is empty; Escape leaves it; the function keys keep working.
function onDossierKey(event) {
  const input = $("dossier-input");
  if (event.key === "Enter") {
    event.preventDefault();
    const typed = input.value;
    input.value = "";
    if (typed.trim()) {
      addDossier(typed);
    } else {
      input.blur();
      trigger("call_next");
    }
  } else if (event.key === "Escape") {
    event.preventDefault();
    input.blur();
  } else if (/^F\d$/.test(event.key) && KEYS[event.key] && !anyDialogOpen()) {
    event.preventDefault();
    if (!event.repeat) {
      input.blur();
      trigger(KEYS[event.key]);
    }
  }
}

function onButtonClick(event) {
  const button = event.currentTarget;
  // A mouse click leaves focus on the body, so Enter keeps meaning "call next".
  if (event.detail > 0) button.blur();
  if (event.detail > 1) return; // the second click of a double click
  trigger(button.dataset.action);
}

function wireDialogs() {
  $("no-show-dialog").addEventListener("close", () => {
    if ($("no-show-dialog").returnValue === "confirm") {
      perform("no_show", undefined, (ticket) => format(t.marked_no_show, { number: ticket.number }));
    }
  });
  for (const button of $("transfer-dialog").querySelectorAll("button[data-service], button[data-counter]")) {
    button.addEventListener("click", (event) => {
      event.preventDefault();
      $("transfer-dialog").close("cancel");
      const { service, counter } = button.dataset;
      const body = service ? { service } : { counter: Number(counter) };
      const target = service ? serviceNames[service] : counterNames[counter];
      perform("transfer", body, (ticket) => format(t.transferred_to, { number: ticket.number, target }));
    });
  }
  $("call-number-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const number = $("call-number-input").value.trim().toUpperCase();
    if (!number) return;
    $("call-number-dialog").close();
    perform("call_number", { number }, (ticket) => format(t.called, { number: ticket.number }));
  });
  $("pause-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = new FormData($("pause-form"));
    const detail = String(form.get("detail") || "").trim();
    const reason = (detail ? `${form.get("reason")}: ${detail}` : String(form.get("reason"))).slice(0, 200);
    $("pause-dialog").close();
    perform("pause", { reason }, () => t.paused);
  });
  for (const dialog of document.querySelectorAll("dialog")) {
    for (const close of dialog.querySelectorAll("[data-close]")) {
      close.addEventListener("click", () => dialog.close());
    }
    // Closing a dialog gives focus back to the page, so Enter means "call next" again.
    dialog.addEventListener("close", () => setTimeout(() => document.activeElement?.blur(), 0));
  }
}

function start() {
  config.counter_name = document.querySelector(".counter-name").textContent;
  for (const button of document.querySelectorAll("button[data-action]")) {
    button.addEventListener("click", onButtonClick);
  }
  for (const button of document.querySelectorAll("button[data-outcome]")) {
    button.addEventListener("click", (event) => {
      if (event.detail > 0) button.blur();
      chooseOutcome(button.dataset.outcome);
    });
  }
  $("dossier-form").addEventListener("submit", (event) => event.preventDefault());
  missing = missingDocuments(config, {
    current, showMessage, saveVisit, anyDialogOpen, saving: () => visit.saving,
  });
  document.addEventListener("keydown", onKeyDown);
  wireDialogs();
  render();
  refresh();
  connectSocket();
  setInterval(renderTimer, 1000);
  setInterval(renderWaiting, 30000);
}

start();
