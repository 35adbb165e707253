// The waiting-room TV: the board snapshot on every (re)connect, calls applied as they come,
// everything bounded so the page can run for weeks.
import { Announcer } from "./announcer.js";

const page = document.body;
const OFFICE = page.dataset.office;
const ROOT = page.dataset.root || "";
const API = `${ROOT}/api/v1`;
const OFFICE_API = `${API}/offices/${encodeURIComponent(OFFICE)}`;
const TIME_ZONE = page.dataset.timezone || "Asia/Ho_Chi_Minh";
const VOICE_MODE = new URLSearchParams(location.search).get("voice") || "server";
// The words of the board, from the server's message catalogue (msgctxt "display"); the TV speaks
// Vietnamese, so the script uses the Vietnamese texts (the page shows the English beneath).
const embeddedTexts = document.getElementById("display-texts");
const TEXTS = (embeddedTexts ? JSON.parse(embeddedTexts.textContent) : {}).vi || {};
// "{name}" placeholders filled from values, as Python's str.format does on the server.
const boardText = (key, values = {}) => (TEXTS[key] ?? "").replace(
  /\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));

const MAX_RECENT = 6;
const BANNER_HOLD_MS = 4000; // the banner stays this long after the last call is spoken
const FLASH_MS = 9000;
const RESYNC_EVERY_MS = 60000; // a safety net against events lost between processes
const MISSED_CALL_WINDOW_MS = 90000; // calls made while offline are still announced if this recent
const MAX_MISSED_ANNOUNCED = 3;
const TICKER_PIXELS_PER_SECOND = 110;

const board = {
  counters: [], // [{counter, name, is_paused}]
  serving: new Map(), // counter number -> {number, service, called_at}
  recent: [], // newest first, at most MAX_RECENT
  waiting: {},
  services: [], // [{code, name}] in the office's order
  notice: null,
  hasSnapshot: false,
  clockOffsetMs: 0,
  callsSinceRequest: [], // calls received while a snapshot was on its way
};

const $ = (id) => document.getElementById(id);

const announcer = new Announcer({
  officeApi: OFFICE_API,
  chimeUrl: `${API}/chime.wav`,
  mode: VOICE_MODE,
  onBlocked: () => { $("sound-prompt").hidden = false; },
  onStart: (call, { isBrief }) => showCall(call, isBrief),
  onQueue: (calls) => renderCallQueue(calls),
  onIdle: () => hideBannerSoon(),
  onAnnounced: (call) => {
    page.dataset.announced = String(Number(page.dataset.announced || 0) + 1);
    page.dataset.lastAnnounced = String(call.call_id);
  },
});

// ---- state changes ----

function applySnapshot(snapshot) {
  const isFirst = !board.hasSnapshot;
  board.hasSnapshot = true;
  board.counters = snapshot.counters || snapshot.now_serving.map((item) => ({ counter: item.counter }));
  board.serving = new Map(snapshot.now_serving.map((item) => [item.counter, item]));
  board.recent = [];
  for (const call of [...snapshot.recent_calls].reverse()) addRecent(call);
  board.waiting = snapshot.waiting || {};
  if (typeof snapshot.office_name === "string") $("office-name").textContent = snapshot.office_name;
  setNotice(snapshot.notice || "");
  setClockFrom(snapshot.generated_at);

  const newestInSnapshot = Math.max(0, ...snapshot.recent_calls.map((call) => call.call_id));
  const missed = snapshot.recent_calls.filter((call) => !announcer.hasSeen(call.call_id)).reverse();
  missed.forEach((call) => announcer.remember(call.call_id));
  if (!isFirst) announceMissed(missed, snapshot.generated_at);
  for (const call of board.callsSinceRequest) {
    if (call.call_id > newestInSnapshot) applyCall(call);
  }
  render();
}

// Calls made while the screen was offline: announce the last few that are still fresh.
function announceMissed(calls, generatedAt) {
  const serverNow = Date.parse(generatedAt) || Date.now();
  const fresh = calls.filter((call) => serverNow - Date.parse(call.called_at) < MISSED_CALL_WINDOW_MS);
  for (const call of fresh.slice(-MAX_MISSED_ANNOUNCED)) announcer.enqueue(call);
}

function onCall(call) {
  if (!call || call.office !== OFFICE) return;
  board.callsSinceRequest.push(call);
  if (board.callsSinceRequest.length > 50) board.callsSinceRequest.shift();
  if (announcer.hasSeen(call.call_id)) return;
  announcer.remember(call.call_id);
  applyCall(call);
  if (call.waiting) board.waiting = call.waiting;
  render();
  announcer.enqueue(call); // the banner shows it when its turn to be spoken comes
}

function applyCall(call) {
  board.serving.set(call.counter, call);
  addRecent(call);
}

// Newest first; a recall moves its number back to the top instead of listing it twice.
function addRecent(call) {
  board.recent = [call, ...board.recent.filter(
    (item) => item.call_id !== call.call_id && !(item.number === call.number && item.counter === call.counter),
  )].slice(0, MAX_RECENT);
}

// Finish, no-show, transfer and pause carry the new board: update in place, no snapshot
// request (thousands of screens asking at once would flood the server).
function onBoardChange(event) {
  if (!event || event.office !== OFFICE) return;
  updateWaiting(event.waiting);
  if (Array.isArray(event.now_serving)) {
    board.serving = new Map(event.now_serving.map((item) => [item.counter, item]));
  }
  if (Array.isArray(event.counters)) board.counters = event.counters;
  render();
}

function updateWaiting(waiting) {
  if (!waiting) return;
  board.waiting = waiting;
  renderWaiting();
}

// ---- Socket.IO: subscribe on every connect, replace state with the snapshot ----

let resyncTimer = null;
let socket = null;

function connect() {
  if (typeof window.io !== "function") { // the client library did not load: say so
    setOnline(false);
    return;
  }
  socket = window.io({ path: `${ROOT}/socket.io`, reconnectionDelay: 1000, reconnectionDelayMax: 15000 });
  socket.on("connect", () => {
    socket.sendBuffer = [];
    setOnline(true);
    subscribe();
    loadServiceNames();
  });
  socket.on("disconnect", (reason) => {
    setOnline(false);
    if (reason === "io server disconnect") socket.connect();
  });
  socket.on("connect_error", () => setOnline(false));
  socket.on("ticket_called", onCall);
  socket.on("ticket_issued", (event) => updateWaiting(event && event.waiting));
  socket.on("queue_changed", onBoardChange);
  socket.on("office_changed", onOfficeChanged);
  socket.on("resync", subscribe); // the server lost events (its Redis link came back)
}

// An administrator changed the office (name, notice, counters, services): take the snapshot
// and the service names again, as after a reconnect.
function onOfficeChanged(event) {
  if (!event || event.office !== OFFICE) return;
  subscribe();
  loadServiceNames();
}

function subscribe() {
  clearTimeout(resyncTimer);
  if (!socket || !socket.connected) return;
  board.callsSinceRequest = [];
  socket.timeout(10000).emit("subscribe", { office: OFFICE, channel: "board" }, (error, snapshot) => {
    if (error || !snapshot || snapshot.error || !Array.isArray(snapshot.now_serving)) {
      scheduleResync(5000);
      return;
    }
    applySnapshot(snapshot);
    scheduleResync(RESYNC_EVERY_MS);
  });
}

function scheduleResync(delayMs) {
  clearTimeout(resyncTimer);
  resyncTimer = setTimeout(subscribe, delayMs);
}

let namesTimer = null;

async function loadServiceNames() {
  clearTimeout(namesTimer);
  try {
    const response = await fetch(`${OFFICE_API}/services`, { headers: { Accept: "application/json" }, cache: "no-store" });
    if (!response.ok) throw new Error(`services: ${response.status}`);
    board.services = (await response.json()).map((service) => ({ code: service.code, name: service.name }));
    renderWaiting();
  } catch {
    namesTimer = setTimeout(loadServiceNames, 10000);
  }
}

function setOnline(isOnline) {
  $("offline").hidden = isOnline;
  page.classList.toggle("is-offline", !isOnline);
}

// ---- drawing ----

function render() {
  renderCounters();
  renderRecent();
  renderWaiting();
}

function renderCounters() {
  const container = $("counters");
  const counters = [...board.counters].sort((a, b) => a.counter - b.counter);
  const columns = counters.length <= 3 ? 1 : counters.length <= 8 ? 2 : 3;
  container.style.setProperty("--columns", String(columns));
  container.style.setProperty("--rows", String(Math.max(1, Math.ceil(counters.length / columns))));
  const cards = new Map([...container.children].map((card) => [card.dataset.counter, card]));
  counters.forEach((counter, index) => {
    const key = String(counter.counter);
    const card = cards.get(key) || makeCounterCard(key);
    cards.delete(key);
    if (container.children[index] !== card) container.insertBefore(card, container.children[index] || null);
    fillCounterCard(card, counter);
  });
  for (const stale of cards.values()) stale.remove();
}

function makeCounterCard(key) {
  const card = document.createElement("div");
  card.className = "counter";
  card.dataset.counter = key;
  const label = document.createElement("div");
  label.className = "counter-label";
  const title = document.createElement("div");
  title.className = "counter-title";
  const name = document.createElement("div");
  name.className = "counter-name";
  label.append(title, name);
  const number = document.createElement("div");
  number.className = "counter-number";
  card.append(label, number);
  return card;
}

function fillCounterCard(card, counter) {
  const serving = board.serving.get(counter.counter);
  const plainName = boardText("counterName", { counter: counter.counter });
  card.querySelector(".counter-title").textContent = plainName;
  card.querySelector(".counter-name").textContent = counter.name && counter.name !== plainName
    ? counter.name.replace(new RegExp(`^${plainName}\\s*[–-]\\s*`), "") : "";
  const number = card.querySelector(".counter-number");
  const isPaused = Boolean(counter.is_paused) && !serving;
  number.textContent = serving ? serving.number : isPaused ? boardText("paused") : "—";
  number.classList.toggle("is-idle", !serving);
  card.classList.toggle("is-paused", isPaused);
}

function renderRecent() {
  $("recent").replaceChildren(...board.recent.map((call, index) => {
    const item = document.createElement("li");
    item.className = index === 0 ? "recent-item is-newest" : "recent-item";
    const number = document.createElement("span");
    number.className = "recent-number";
    number.textContent = call.number;
    const where = document.createElement("span");
    where.className = "recent-counter";
    where.textContent = boardText("calledTo", { counter: call.counter });
    const time = document.createElement("span");
    time.className = "recent-time";
    time.textContent = (call.called_at || "").slice(11, 16);
    item.append(number, where, time);
    return item;
  }));
  hideOverflowingCalls();
}

// Show only the calls that fit whole; a cut-off number would be misread across the hall.
function hideOverflowingCalls() {
  const bottom = $("recent").parentElement.getBoundingClientRect().bottom;
  let isFull = false;
  for (const item of $("recent").children) {
    isFull = isFull || item.getBoundingClientRect().bottom > bottom + 1;
    item.hidden = isFull;
  }
}

function renderWaiting() {
  const known = board.services.length ? board.services
    : Object.keys(board.waiting).map((code) => ({ code, name: code }));
  $("waiting").replaceChildren(...known.map((service) => {
    const item = document.createElement("li");
    item.className = "waiting-item";
    const name = document.createElement("span");
    name.className = "waiting-name";
    name.textContent = service.name;
    const count = document.createElement("span");
    count.className = "waiting-count";
    count.textContent = String(board.waiting[service.code] ?? 0);
    item.append(name, count);
    return item;
  }));
}

const flashTimers = new Map();
let bannerTimer = null;

// The call being spoken: on the banner, and its counter's card flashes.
function showCall(call, isBrief) {
  const card = $("counters").querySelector(`[data-counter="${CSS.escape(String(call.counter))}"]`);
  if (card) {
    restartAnimation(card, "flash");
    clearTimeout(flashTimers.get(call.counter));
    flashTimers.set(call.counter, setTimeout(() => card.classList.remove("flash"), FLASH_MS));
  }
  const texts = call.announcement || {};
  $("call-invite").textContent = texts.invite || "";
  $("call-number").textContent = call.number;
  $("call-counter").textContent = texts.to_counter || "";
  const banner = $("call-banner");
  banner.hidden = false;
  banner.classList.toggle("is-brief", isBrief);
  banner.dataset.number = call.number;
  restartAnimation(banner, "flash");
  clearTimeout(bannerTimer);
}

// Calls still to be spoken stay on screen, in the order they will be.
function renderCallQueue(calls) {
  const items = calls.map((call) => {
    const item = document.createElement("li");
    item.className = "call-next";
    const number = document.createElement("span");
    number.className = "call-next-number";
    number.textContent = call.number;
    const counter = document.createElement("span");
    counter.className = "call-next-counter";
    counter.textContent = (call.announcement && call.announcement.to_counter) || "";
    item.append(number, " ", counter);
    return item;
  });
  $("call-queue").replaceChildren(...items);
  $("call-queue").hidden = items.length === 0;
}

function hideBannerSoon() {
  clearTimeout(bannerTimer);
  bannerTimer = setTimeout(() => { $("call-banner").hidden = true; }, BANNER_HOLD_MS);
}

function restartAnimation(element, className) {
  element.classList.remove(className);
  void element.offsetWidth; // reflow, so the animation starts again
  element.classList.add(className);
}

function setNotice(text) {
  if (board.notice === text) return; // keep the ticker running smoothly
  board.notice = text;
  const ticker = $("ticker");
  const line = $("ticker-text");
  ticker.hidden = !text;
  line.textContent = text;
  const distance = line.scrollWidth + ticker.clientWidth;
  line.style.setProperty("--ticker-seconds", `${Math.max(10, distance / TICKER_PIXELS_PER_SECOND)}s`);
  restartAnimation(line, "moving");
}

// ---- clock: the server's time in the office's zone, not the TV box's own clock ----

function officeFormat(options) {
  try {
    return new Intl.DateTimeFormat("vi-VN", { ...options, timeZone: TIME_ZONE });
  } catch { // an unknown zone on an old browser: its own zone beats a blank screen
    return new Intl.DateTimeFormat("vi-VN", options);
  }
}

const timeFormat = officeFormat({ hour: "2-digit", minute: "2-digit", hour12: false });
const dateFormat = officeFormat({ weekday: "long", day: "2-digit", month: "2-digit", year: "numeric" });

function setClockFrom(isoTime) {
  const serverTime = Date.parse(isoTime || "");
  if (!Number.isNaN(serverTime)) board.clockOffsetMs = serverTime - Date.now();
  tickClock();
}

function tickClock() {
  const moment = new Date(Date.now() + board.clockOffsetMs);
  $("clock-time").textContent = timeFormat.format(moment);
  const date = dateFormat.format(moment);
  $("clock-date").textContent = date.charAt(0).toUpperCase() + date.slice(1);
}

// ---- start ----

function enableSound() {
  if ($("sound-prompt").hidden) return;
  $("sound-prompt").hidden = true;
  announcer.unlock();
}

function start() {
  $("sound-prompt").addEventListener("click", enableSound);
  document.addEventListener("pointerdown", enableSound);
  document.addEventListener("keydown", enableSound); // TV remotes send keys
  window.addEventListener("resize", render);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") subscribe();
  });
  setNotice($("ticker-text").textContent.trim());
  tickClock();
  setInterval(tickClock, 1000);
  connect();
}

start();
