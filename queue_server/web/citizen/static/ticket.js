// The citizen's live ticket page: the ticket channel's snapshot on every (re)connect,
// positions as counters call, a banner, a chime and a vibration when the turn is near and
// when called, then the rating.
import { STRINGS, applyTexts, saveLanguage, savedLanguage, waitText } from "./strings.js";
import { canSound, chime, unlock, vibrate } from "./alert.js";
import { follow } from "./live.js";
import { RatingForm, postRating } from "./rating-form.js";
import { showReply } from "./reply.js";
import { NotifyForm } from "./notify.js";

const config = JSON.parse(document.getElementById("ticket-config").textContent);
const API = `${config.root}/api/v1`;
const TICKET_API = `${API}/tickets/${encodeURIComponent(config.code)}`;
const ALERTS_KEY = `queue.ticket.alerts.${config.code}`;
const POLL_MS = 20000; // only without Socket.IO (its script failed to load)
const NEAR_VIBRATION = [400, 200, 400];
const CALLED_VIBRATION = [800, 300, 800, 300, 800];
const RATING_SEND_MS = 30000; // a tapped level left alone this long is sent, as on the tablet

const page = {
  language: savedLanguage(),
  ticket: config.ticket,
  isRated: config.is_rated,
  ratingOutcome: null, // "sent" or "already" once answered on this page
  isOnline: null,
  nearDismissed: false,
  canSound: false, // the phone may chime: the prompt to allow it is no longer needed
  updatedAt: new Date(),
  alerts: loadAlerts(),
};

const $ = (id) => document.getElementById(id);
const texts = () => STRINGS[page.language];

// ---- alerts: once per crossing of the threshold, once per call ----

function loadAlerts() {
  try { return JSON.parse(localStorage.getItem(ALERTS_KEY)) || {}; } catch { return {}; }
}

function saveAlerts() {
  try { localStorage.setItem(ALERTS_KEY, JSON.stringify(page.alerts)); } catch { /* memory only */ }
}

function isNear(ticket) {
  return ticket.status === "waiting" && typeof ticket.ahead === "number"
    && ticket.ahead <= config.near_threshold;
}

function checkAlerts(ticket) {
  if (isNear(ticket)) {
    if (!page.alerts.near) {
      page.alerts.near = true;
      page.nearDismissed = false;
      raise("near", NEAR_VIBRATION);
    }
  } else if (ticket.status === "waiting") {
    page.alerts.near = false; // pushed back (a priority ticket went ahead): alert again later
  }
  if (ticket.status === "called") {
    const call = `${ticket.called_at}|${ticket.recall_count}`;
    if (page.alerts.called !== call) {
      page.alerts.called = call;
      raise("called", CALLED_VIBRATION);
    }
  }
  saveAlerts();
}

function raise(kind, pattern) {
  const sounded = chime();
  const vibrated = vibrate(pattern);
  const body = document.body;
  body.dataset.alerts = String(Number(body.dataset.alerts || 0) + 1);
  body.dataset.lastAlert = kind;
  body.dataset.lastAlertSound = String(sounded);
  body.dataset.lastAlertVibration = String(vibrated);
}

// ---- state ----

function replaceTicket(ticket) {
  if (!ticket || ticket.code !== config.code) return;
  page.ticket = ticket;
  page.updatedAt = new Date();
  checkAlerts(ticket);
  render();
}

// `queue_positions`: every waiting number of the office with [ahead, estimated_wait_s].
function applyPositions(event) {
  const ticket = page.ticket;
  if (!event || event.office !== ticket.office || ticket.status !== "waiting") return;
  if (event.day && !String(ticket.issued_at).startsWith(event.day)) return;
  const position = event.positions?.[ticket.number];
  if (!position) {
    live?.resync(); // no longer waiting, and the update was missed: ask for the snapshot
    return;
  }
  replaceTicket({ ...ticket, ahead: position[0], estimated_wait_s: position[1] });
}

// ---- rendering ----

function render() {
  const strings = texts();
  const ticket = page.ticket;
  document.body.dataset.status = ticket.status;
  document.body.dataset.ahead = ticket.ahead ?? "";
  $("number").textContent = ticket.number;
  $("service").textContent = (page.language === "en" && ticket.service_name_en)
    || ticket.service_name || ticket.service;
  // Ringing is only for a ticket still waiting: once called or finished, nothing is near.
  $("sound-prompt").hidden = page.canSound || ticket.status !== "waiting";
  $("status").textContent = statusText(strings, ticket);
  const wait = ticket.status === "waiting" ? waitText(strings, ticket.estimated_wait_s) : null;
  $("fact-wait").hidden = !wait;
  $("wait").textContent = wait || "";
  const counters = ticket.counters || [];
  $("fact-counters").hidden = ticket.status !== "waiting" || counters.length === 0;
  $("counters").textContent = counters.join(", ");
  const near = isNear(ticket) && !page.nearDismissed;
  $("near-banner").hidden = !near;
  $("near-text").textContent = near ? strings.nearText(ticket.ahead) : "";
  $("called-banner").hidden = ticket.status !== "called";
  $("called-counter").textContent = ticket.counter ? strings.counterName(ticket.counter) : "";
  renderMissing(ticket);
  // Not worth a message once the turn is near (as at the kiosk).
  notify?.render(page.language, ticket.status === "waiting" && !isNear(ticket));
  renderRating();
  $("updated").textContent = strings.updated(page.updatedAt.toLocaleTimeString(
    page.language === "vi" ? "vi-VN" : "en-GB", { hour: "2-digit", minute: "2-digit" }));
  $("connection").hidden = page.isOnline !== false;
}

// The documents the counter found missing, in large type (the catalogue's own words).
function renderMissing(ticket) {
  const missing = ticket.missing || [];
  $("missing").hidden = missing.length === 0;
  $("missing-documents").replaceChildren(...missing.map((text) => {
    const item = document.createElement("li");
    item.textContent = text;
    return item;
  }));
}

function statusText(strings, ticket) {
  switch (ticket.status) {
    case "waiting":
      return typeof ticket.ahead === "number" ? strings.statusWaiting(ticket.ahead)
        : strings.statusWaitingUnknown;
    case "called": return strings.statusCalled(ticket.counter);
    case "done":
      if (page.ratingOutcome === "sent") return strings.thanks;
      if (page.ratingOutcome === "already") return strings.alreadyRated;
      return strings.statusDone;
    case "no_show": return strings.statusNoShow;
    default: return strings.statusCancelled;
  }
}

let form = null;
let ratingTimer = null;
let notify = null;

// A tapped level is the answer: sent after a quiet half-minute, or as the page goes away.
function armRatingSend() {
  clearTimeout(ratingTimer);
  if (form?.hasPending()) ratingTimer = setTimeout(() => form.sendPending(), RATING_SEND_MS);
}

function renderRating() {
  const show = page.ticket.status === "done" && !page.isRated && page.ratingOutcome === null;
  $("rating").hidden = !show;
  if (show && form === null) {
    form = new RatingForm($("rating-form"), {
      submit: (body) => postRating(`${TICKET_API}/feedback`, body),
      onInteract: armRatingSend,
      onChange: armRatingSend,
      onDone: (outcome) => {
        page.ratingOutcome = outcome;
        render();
      },
    });
    form.setForm(config.rating_form);
  }
  form?.setLanguage(page.language);
}

// ---- sound ----

function offerSound() {
  page.canSound = canSound();
  $("sound-prompt").addEventListener("click", async () => {
    await unlock();
    vibrate(100);
    page.canSound = true;
    render();
  });
}

// ---- connection ----

let live = null;

function connect() {
  live = follow({
    root: config.root,
    subscription: { channel: "ticket", code: config.code },
    onSnapshot: replaceTicket,
    onOnline: (isOnline) => {
      page.isOnline = isOnline;
      $("connection").hidden = isOnline;
    },
    events: { ticket_updated: replaceTicket, queue_positions: applyPositions },
  });
  if (live === null) poll();
}

async function poll() {
  try {
    const response = await fetch(TICKET_API, { cache: "no-store" });
    if (response.ok) replaceTicket(await response.json());
    page.isOnline = response.ok;
  } catch {
    page.isOnline = false;
  }
  render();
  setTimeout(poll, POLL_MS);
}

function switchLanguage() {
  page.language = page.language === "vi" ? "en" : "vi";
  saveLanguage(page.language);
  applyTexts(page.language);
  render();
}

function start() {
  applyTexts(page.language);
  $("language").addEventListener("click", switchLanguage);
  $("near-ok").addEventListener("click", () => {
    page.nearDismissed = true;
    render();
  });
  offerSound();
  notify = new NotifyForm(config.messages, `${TICKET_API}/notify`, () => page.language);
  addEventListener("pagehide", () => form?.sendPending());
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") form?.sendPending();
  });
  checkAlerts(page.ticket);
  render();
  connect();
  if (page.ticket.status === "done") showReply(TICKET_API, page.language); // issue #6's inbox
}

start();
