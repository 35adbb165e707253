// The touch kiosk: pairing, the service buttons kept live, issuing, the ticket on screen.
import { STRINGS, issuedText, waitText } from "./strings.js";
import { NetworkError, issueTicket, newIdempotencyKey, requestJSON, sleep } from "./net.js";
import { setUpBooking } from "./booking.js";
import { setUpProcedures } from "./procedures.js";
import { addressKey, ageOn, givenName, listenForCards, readCard } from "./card.js";

const page = document.body;
const OFFICE = page.dataset.office;
const ROOT = page.dataset.root || "";
const API = `${ROOT}/api/v1`;
const OFFICE_API = `${API}/offices/${encodeURIComponent(OFFICE)}`;
const TOKEN_KEY = `queue.kiosk.token.${OFFICE}`;
const ACCEPTED_KEY = `queue.kiosk.accepted.${OFFICE}`; // the stored token has worked here
const TIME_ZONE = page.dataset.timezone || "Asia/Ho_Chi_Minh";
const ELDERLY_AGE = Number(page.dataset.elderlyAge || 60);
const ELDERLY_PRIORITY = page.dataset.elderlyPriority || "";

const TICKET_SECONDS = 15;
const PRINTER_ERROR_SECONDS = 45; // long enough to photograph the QR code
const MESSAGE_SECONDS = 15;
const IDLE_MS = 60000; // the priority path goes back to the start when left alone
const REFRESH_DEBOUNCE_MS = 400;
const REFRESH_EVERY_MS = 60000; // estimated waits change with time, not only with events
const SHOW_ISSUING_AFTER_MS = 250;

const kiosk = {
  language: "vi",
  token: null,
  isPaired: false, // checked with the server before anything is shown or issued
  wasAccepted: false,
  services: [],
  priorities: [],
  opening: { is_open: true },
  isLoaded: false,
  priority: null, // the chosen category, {code, name}
  ticket: null,
  screen: "loading",
  httpUp: null, // null: not known yet
  socketUp: null,
  isBusy: false,
  clockOffsetMs: 0,
  // Messages to the citizen's phone (Zalo, SMS): offered only for the channels the office has.
  nearTurn: { near_threshold: 3, sms_enabled: false, phone_retention_hours: 24, channels: [] },
  channel: null, // the channel chosen on the number screen
  phone: "", // the digits being typed; never kept after the screen closes
  // The scanned citizen ID card's text, in memory until it goes with the ticket (once).
  card: null,
  greeting: null, // {name, address, isElderly}: what the screen says to the card's holder
};

let procedures = null; // the procedure lookup (procedures.js), set up once paired
let booking = null; // the check-in of a booking (booking.js), set up once paired

const $ = (id) => document.getElementById(id);
const texts = () => STRINGS[kiosk.language];
// A service's or priority group's name in the screen's language (English falls back to Vietnamese).
const nameOf = (item) => (kiosk.language === "en" && item.name_en) || item.name;
const backoff = (attempt) => Math.min(15000, 1000 * 2 ** attempt) * (0.75 + Math.random() / 2);

// ---- screens and language ----

function show(screen) {
  kiosk.screen = screen;
  page.dataset.screen = screen;
  for (const section of document.querySelectorAll("[data-screen]")) {
    section.hidden = section.dataset.screen !== screen;
  }
}

function applyLanguage() {
  const strings = texts();
  document.documentElement.lang = kiosk.language;
  for (const element of document.querySelectorAll("[data-text]")) {
    const value = strings[element.dataset.text];
    if (typeof value === "string") element.textContent = value;
  }
  // Texts the server composed for this office (the privacy notice), not catalogue keys.
  for (const element of document.querySelectorAll("[data-page-text]")) {
    const value = strings[element.dataset.pageText];
    if (typeof value === "string") element.textContent = value;
  }
  const switcher = $("language");
  switcher.textContent = strings.languageSwitch;
  switcher.lang = kiosk.language === "vi" ? "en" : "vi";
  renderStart();
  if (kiosk.ticket) renderTicket(kiosk.ticket);
  if (kiosk.screen === "sms") renderSms();
  procedures?.render();
}

function switchLanguage() {
  kiosk.language = kiosk.language === "vi" ? "en" : "vi";
  applyLanguage();
  armIdle();
  if (kiosk.isPaired) refresh(); // the closed-office message comes in the chosen language
}

// ---- pairing ----

function readToken() {
  const address = new URL(location.href);
  const fromAddress = address.searchParams.get("token");
  if (fromAddress !== null) {
    // Keep the token out of the address bar, the history and any screenshot.
    address.searchParams.delete("token");
    history.replaceState(history.state, "", address.pathname + address.search + address.hash);
    if (fromAddress.trim()) {
      try {
        localStorage.setItem(TOKEN_KEY, fromAddress.trim());
        localStorage.removeItem(ACCEPTED_KEY); // a new token has not worked yet
      } catch { /* kept in memory */ }
      return fromAddress.trim();
    }
  }
  try { return localStorage.getItem(TOKEN_KEY); } catch { return null; }
}

// Whether the token is a kiosk device of this office; waits out network failures.
async function isPaired() {
  if (!kiosk.token) return false;
  for (let attempt = 0; ; attempt += 1) {
    try {
      const { status, body } = await requestJSON(`${API}/devices/me`, { token: kiosk.token });
      // Any answer means the server is reachable again: a refresh that failed while it was
      // down must not leave "reconnecting" on screen over a refused token.
      if (status === 200 || status === 401 || status === 403) setHttpUp(true);
      if (status === 200) return Boolean(body && body.kind === "kiosk" && body.office === OFFICE);
      if (status === 401 || status === 403) return false;
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
    }
    setHttpUp(false);
    await sleep(backoff(attempt));
  }
}

function showUnpaired() {
  kiosk.isPaired = false;
  stopCountdown();
  clearTimeout(refreshTimer);
  // A token that worked here and is now refused (revoked, replaced, expired) is not the same
  // as a kiosk that was never set up.
  const isRefused = Boolean(kiosk.token) && wasAccepted();
  $("unpaired-title").dataset.text = isRefused ? "refusedTitle" : "unpairedTitle";
  $("unpaired-text").dataset.text = isRefused ? "refusedText" : "unpairedText";
  for (const element of [$("unpaired-title"), $("unpaired-text")]) {
    element.textContent = texts()[element.dataset.text];
  }
  show("unpaired");
}

// Whether the kiosk may still issue; says so on screen at once when not.
async function checkPairing() {
  if (await isPaired()) {
    kiosk.wasAccepted = true;
    try { localStorage.setItem(ACCEPTED_KEY, "1"); } catch { /* kept in memory */ }
    return true;
  }
  showUnpaired();
  return false;
}

function wasAccepted() {
  if (kiosk.wasAccepted) return true;
  try { return localStorage.getItem(ACCEPTED_KEY) === "1"; } catch { return false; }
}

// ---- live data: services, opening, priorities ----

let refreshTimer = null;
let refreshFailures = 0;

function scheduleRefresh(delayMs = REFRESH_DEBOUNCE_MS) {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, delayMs);
}

async function refresh() {
  clearTimeout(refreshTimer);
  if (!kiosk.isPaired) return;
  const options = { language: kiosk.language };
  try {
    const answers = await Promise.all([
      requestJSON(`${OFFICE_API}/services`, options),
      requestJSON(`${OFFICE_API}/opening`, options),
      requestJSON(`${OFFICE_API}/priorities`, options),
    ]);
    if (answers.some((answer) => answer.status !== 200)) throw new NetworkError("not ready");
    [kiosk.services, kiosk.opening, kiosk.priorities] = answers.map((answer) => answer.body);
    loadNearTurn();
    kiosk.clockOffsetMs = answers[0].clockOffsetMs ?? kiosk.clockOffsetMs;
    kiosk.isLoaded = true;
    refreshFailures = 0;
    setHttpUp(true);
    scheduleRefresh(REFRESH_EVERY_MS);
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    refreshFailures += 1;
    setHttpUp(false);
    scheduleRefresh(backoff(refreshFailures));
  }
  if (kiosk.screen === "loading" && kiosk.isLoaded) show("start");
  renderStart();
}

function connectLive() {
  if (typeof window.io !== "function") return; // periodic refreshes still keep the counts
  const socket = window.io({ path: `${ROOT}/socket.io`, reconnectionDelayMax: 10000 });
  let hasConnected = false;
  socket.on("connect", async () => {
    socket.sendBuffer = []; // never replay anything queued while offline
    // Back after the server restarted: its token may have been replaced meanwhile, and the
    // kiosk must say so now, not at a citizen's tap.
    if (hasConnected && !(await checkPairing())) {
      setSocketUp(true); // connected; the screen says why no number can be taken
      return;
    }
    hasConnected = true;
    setSocketUp(true);
    socket.emit("subscribe", { office: OFFICE, channel: "board" }, () => scheduleRefresh(0));
  });
  socket.on("disconnect", (reason) => {
    setSocketUp(false);
    if (reason === "io server disconnect") socket.connect();
  });
  socket.on("connect_error", () => setSocketUp(false));
  socket.on("queue_changed", () => scheduleRefresh());
  socket.on("ticket_issued", () => scheduleRefresh());
  socket.on("office_changed", onOfficeChanged);
  socket.on("resync", () => scheduleRefresh(0)); // the server lost events: refetch
}

// An administrator changed the office (services, hours, names) or revoked a device: check
// this kiosk's own token again, then take the new snapshot; no reload needed.
async function onOfficeChanged(event) {
  if (!event || event.office !== OFFICE) return;
  if (!(await checkPairing())) return;
  refreshOfficeName();
  procedures?.loadFields();
  scheduleRefresh(0);
}

async function refreshOfficeName() {
  try {
    const { status, body } = await requestJSON(`${API}/offices`, { language: kiosk.language });
    const office = status === 200 && Array.isArray(body) ? body.find((item) => item.slug === OFFICE) : null;
    if (office) document.querySelector(".office-name").textContent = office.name;
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error; // the name stays until the next change
  }
}

function setHttpUp(value) {
  kiosk.httpUp = value;
  renderConnection();
}

function setSocketUp(value) {
  const cameBack = value && kiosk.socketUp === false;
  kiosk.socketUp = value;
  renderConnection();
  if (cameBack) scheduleRefresh(0);
}

const isOnline = () => kiosk.httpUp !== false && kiosk.socketUp !== false;

function renderConnection() {
  $("connection").hidden = isOnline();
  page.classList.toggle("offline", !isOnline());
  updateButtons();
}

// ---- the start screen ----

function renderStart() {
  const strings = texts();
  const isOpen = kiosk.opening.is_open !== false;
  const services = isOpen ? kiosk.services.filter((service) => service.is_open) : [];
  const notice = !isOpen ? (kiosk.opening.message || strings.closedDefault)
    : (kiosk.isLoaded && services.length === 0 ? strings.noServices : null);
  $("closed").hidden = notice === null;
  $("closed-text").textContent = notice || "";
  $("prompt").hidden = services.length === 0;
  $("choices").hidden = services.length === 0;
  $("choices").classList.toggle("odd", services.length % 2 === 1);
  renderServiceButtons(services);
  const categories = kiosk.priorities;
  $("priority-button").hidden = services.length === 0 || categories.length === 0
    || kiosk.priority !== null;
  $("priority-who").textContent = categories.slice(0, 3).map(nameOf).join(", ")
    + (categories.length > 3 ? ", …" : "");
  $("priority-banner").hidden = kiosk.priority === null;
  $("priority-chosen").textContent = kiosk.priority ? strings.priorityChosen(nameOf(kiosk.priority)) : "";
  $("booking-button").hidden = services.length === 0
    || !kiosk.services.some((service) => service.bookable);
  renderGreeting();
  updateButtons();
}

// ---- the citizen ID card ----

function onCard(text) {
  if (!kiosk.isPaired || kiosk.isBusy) return;
  if (kiosk.screen === "booking") {
    booking?.checkInByCard(text);
    return;
  }
  const card = readCard(text);
  if (!["start", "priority", "procedures", "procedure"].includes(kiosk.screen)) backToStart();
  if (card === null) {
    forgetCard();
    showMessage(texts().cardInvalid);
    return;
  }
  const age = ageOn(card.birth, new Date(Date.now() + kiosk.clockOffsetMs));
  kiosk.card = text;
  kiosk.greeting = {
    name: givenName(card.fullName), address: addressKey(card.sex, age),
    isElderly: Boolean(ELDERLY_PRIORITY) && age >= ELDERLY_AGE
      && kiosk.priorities.some((category) => category.code === ELDERLY_PRIORITY),
  };
  renderGreeting();
  armIdle();
}

function forgetCard() {
  kiosk.card = null;
  kiosk.greeting = null;
  renderGreeting();
}

function renderGreeting() {
  const greeting = kiosk.greeting;
  $("card-banner").hidden = greeting === null;
  $("card-greeting").textContent = greeting === null ? "" : texts().cardGreeting(
    texts()[greeting.address], greeting.name, greeting.isElderly);
}

// Buttons are updated in place, so a live update never swaps the one under a finger.
function renderServiceButtons(services) {
  const container = $("services");
  const existing = new Map([...container.children].map((button) => [button.dataset.service, button]));
  services.forEach((service, index) => {
    const button = existing.get(service.code) || makeServiceButton(service.code);
    existing.delete(service.code);
    if (container.children[index] !== button) {
      container.insertBefore(button, container.children[index] || null);
    }
    fillServiceButton(button, service);
  });
  for (const stale of existing.values()) stale.remove();
  container.dataset.count = String(services.length);
}

function makeServiceButton(code) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "service-button";
  button.dataset.service = code;
  const span = (className) => Object.assign(document.createElement("span"), { className });
  const meta = span("service-meta");
  meta.append(span("service-waiting"), span("service-wait"));
  button.append(span("service-name"), meta);
  button.addEventListener("click", () => takeNumber(code));
  return button;
}

function fillServiceButton(button, service) {
  const strings = texts();
  button.querySelector(".service-name").textContent = nameOf(service);
  button.querySelector(".service-waiting").textContent = strings.waitingCount(service.waiting ?? 0);
  // Under a minute says nothing useful on a button: only real waits are shown.
  const wait = service.estimated_wait_s >= 60 ? waitText(strings, service.estimated_wait_s) : null;
  const waitElement = button.querySelector(".service-wait");
  waitElement.textContent = wait ? `· ${wait}` : "";
  waitElement.hidden = !wait;
}

function updateButtons() {
  const enabled = isOnline() && !kiosk.isBusy;
  for (const button of document.querySelectorAll(".service-button, .priority-button, .category-button")) {
    button.disabled = !enabled;
  }
  procedures?.updateButtons();
  $("booking-button").disabled = !enabled;
}

// ---- the priority path ----

function openPriorities() {
  const container = $("categories");
  container.replaceChildren(...kiosk.priorities.map((category) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "category-button";
    button.dataset.priority = category.code;
    button.append(Object.assign(document.createElement("span"),
      { className: "category-name", textContent: nameOf(category) }));
    button.addEventListener("click", () => choosePriority(category));
    return button;
  }));
  show("priority");
  updateButtons();
  armIdle();
}

function choosePriority(category) {
  kiosk.priority = { code: category.code, name: category.name, name_en: category.name_en };
  show("start");
  renderStart();
  armIdle();
}

function cancelPriority() {
  kiosk.priority = null;
  renderStart();
}

let idleTimer = null;

function armIdle() {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    const isMidway = kiosk.screen === "priority" || kiosk.screen === "sms"
      || kiosk.screen === "procedures" || kiosk.screen === "procedure" || (kiosk.screen === "start"
      && (kiosk.priority !== null || kiosk.card !== null || kiosk.language !== "vi"));
    if (isMidway && !kiosk.isBusy) backToStart();
  }, IDLE_MS);
}

// ---- issuing and the ticket ----

// choice: a service's code, or {procedure: code} from the procedure lookup.
async function takeNumber(choice) {
  if (kiosk.isBusy || !isOnline() || !kiosk.isPaired) return;
  kiosk.isBusy = true; // set before any await: a second tap of the same intent stops here
  updateButtons();
  const code = typeof choice === "string" ? choice : null;
  const pressed = code ? $("services").querySelector(`[data-service="${CSS.escape(code)}"]`) : null;
  pressed?.classList.add("pressed");
  const issuing = setTimeout(() => show("issuing"), SHOW_ISSUING_AFTER_MS);
  const citizenIdQr = kiosk.card; // sent with this ticket, then forgotten
  forgetCard();
  try {
    const result = await issueTicket(`${OFFICE_API}/tickets`, {
      token: kiosk.token, service: code, procedure: choice?.procedure, priority: kiosk.priority?.code,
      citizenIdQr, key: newIdempotencyKey(), language: kiosk.language,
    });
    if (result.status === 201 && result.body) showTicket(result.body);
    else if (result.status === 401 || result.status === 403) showUnpaired();
    else showMessage(result.body?.error?.message || texts().failed);
  } catch (error) {
    if (!(error instanceof NetworkError)) console.error(error);
    showMessage(texts().networkFailed);
  } finally {
    clearTimeout(issuing);
    pressed?.classList.remove("pressed");
    kiosk.isBusy = false;
    updateButtons();
    scheduleRefresh();
  }
}

function showTicket(ticket) {
  kiosk.ticket = ticket;
  renderTicket(ticket);
  show("ticket");
  const printerFailed = ticket.print?.status === "printer_error";
  startCountdown("ticket-countdown", printerFailed ? PRINTER_ERROR_SECONDS : TICKET_SECONDS);
}

function renderTicket(ticket) {
  const strings = texts();
  const service = kiosk.services.find((item) => item.code === ticket.service);
  const category = kiosk.priorities.find((item) => item.code === ticket.priority);
  $("ticket-number").textContent = ticket.number;
  $("ticket-priority").hidden = !ticket.priority;
  $("ticket-priority").textContent = ticket.priority
    ? strings.priorityChosen(category ? nameOf(category) : ticket.priority) : "";
  $("ticket-service").textContent = (kiosk.language === "en" && ticket.service_name_en)
    || ticket.service_name || (service && nameOf(service)) || ticket.service;
  $("ticket-procedure-row").hidden = !ticket.procedure;
  $("ticket-procedure").textContent = ticket.procedure?.name || "";
  $("ticket-counters").textContent = strings.counterList(ticket.counters || []);
  $("ticket-ahead").textContent = ticket.ahead === null || ticket.ahead === undefined
    ? "—" : strings.aheadCount(ticket.ahead);
  $("ticket-wait").textContent = waitText(strings, ticket.estimated_wait_s) || "—";
  $("ticket-issued").textContent = issuedText(ticket.issued_at);
  // "print" comes with printing (queued, printed, no_printer, printer_error); absent is fine.
  const printStatus = ticket.print?.status;
  $("printer-error").hidden = printStatus !== "printer_error";
  $("ticket-printed").hidden = printStatus !== "queued" && printStatus !== "printed";
  $("sms-offer").hidden = !isSmsOffered(ticket);
  const qr = $("ticket-qr");
  const source = `${API}/tickets/${encodeURIComponent(ticket.code)}/qr.svg`;
  if (qr.getAttribute("src") !== source) qr.src = source;
  qr.alt = strings.qrCaption;
}

// ---- messages to the citizen's phone, Zalo or SMS (optional; typed on the kiosk's keypad) ----

const MOBILE_NUMBER = /^0[35789]\d{8}$/;

// The office's threshold and whether SMS is offered: on the side, the buttons never wait for it.
async function loadNearTurn() {
  try {
    const answer = await requestJSON(`${OFFICE_API}/near-turn`, { language: kiosk.language });
    if (answer.status === 200 && answer.body) {
      kiosk.nearTurn = answer.body;
      // A ticket taken before the answer came (a fresh page, a slow network) gets its offer now.
      if (kiosk.ticket && kiosk.screen === "ticket") {
        $("sms-offer").hidden = !isSmsOffered(kiosk.ticket);
      }
    }
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error; // the next refresh asks again
  }
}

function offeredChannels() {
  const near = kiosk.nearTurn || {};
  return near.channels || (near.sms_enabled ? ["sms"] : []);
}

// Not worth a message when the turn is already near, nor without a channel.
function isSmsOffered(ticket) {
  const near = kiosk.nearTurn || {};
  return offeredChannels().length > 0 && ticket.status === "waiting"
    && (typeof ticket.ahead !== "number" || ticket.ahead > near.near_threshold);
}

function openSms() {
  stopCountdown();
  kiosk.phone = "";
  kiosk.channel = offeredChannels()[0] ?? null; // the office's first channel, changed by a tap
  renderSms();
  show("sms");
  armIdle();
}

function pressKey(key) {
  if (key === "erase") kiosk.phone = kiosk.phone.slice(0, -1);
  else if (key === "clear") kiosk.phone = "";
  else if (kiosk.phone.length < 10) kiosk.phone += key;
  $("sms-error").hidden = true;
  renderSms();
}

function renderSms() {
  const strings = texts();
  const digits = kiosk.phone;
  // 0912 345 678: the grouping people read back on a phone bill.
  $("sms-phone").textContent = [digits.slice(0, 4), digits.slice(4, 7), digits.slice(7)]
    .filter(Boolean).join(" ") || "—";
  const channels = offeredChannels();
  $("channel-choice").hidden = channels.length < 2;
  for (const button of document.querySelectorAll(".channel-button")) {
    button.hidden = !channels.includes(button.dataset.channel);
    button.setAttribute("aria-checked", String(button.dataset.channel === kiosk.channel));
  }
  // The server's own words, recorded with the number: what the citizen read is what is kept.
  $("sms-consent").textContent = kiosk.nearTurn?.consent_texts?.[kiosk.language]
    || strings.smsConsent(kiosk.nearTurn?.phone_retention_hours ?? 24);
  $("sms-send").disabled = kiosk.isBusy || !MOBILE_NUMBER.test(digits) || !isOnline();
}

async function sendSms() {
  if (kiosk.isBusy || !kiosk.ticket || !MOBILE_NUMBER.test(kiosk.phone)) return;
  kiosk.isBusy = true;
  $("sms-send").textContent = texts().smsSending;
  renderSms();
  try {
    const body = { phone: kiosk.phone, consent: true };
    if (kiosk.channel) body.channel = kiosk.channel;
    if (kiosk.nearTurn?.consent_version) body.consent_version = kiosk.nearTurn.consent_version;
    const result = await requestJSON(`${API}/tickets/${encodeURIComponent(kiosk.ticket.code)}/notify`, {
      method: "POST", token: kiosk.token, language: kiosk.language, body,
    });
    if (result.status === 201 || result.status === 200) {
      kiosk.phone = "";
      const ahead = result.body?.near_threshold ?? kiosk.nearTurn.near_threshold;
      showMessage(kiosk.channel === "zalo" ? texts().zaloDone(ahead) : texts().smsDone(ahead));
    } else if (result.status === 400) {
      $("sms-error").textContent = texts().smsInvalid;
      $("sms-error").hidden = false;
    } else {
      kiosk.phone = "";
      showMessage(result.body?.error?.message || texts().failed);
    }
  } catch (error) {
    if (!(error instanceof NetworkError)) console.error(error);
    $("sms-error").textContent = texts().networkFailed;
    $("sms-error").hidden = false;
  } finally {
    kiosk.isBusy = false;
    $("sms-send").textContent = texts().smsSend;
    renderSms();
  }
}

function showMessage(text) {
  $("message-text").textContent = text;
  show("message");
  startCountdown("message-countdown", MESSAGE_SECONDS);
}

function backToStart() {
  stopCountdown();
  kiosk.priority = null;
  kiosk.ticket = null;
  kiosk.phone = "";
  forgetCard();
  $("sms-phone").textContent = ""; // not even a hidden copy stays on the kiosk
  $("ticket-qr").removeAttribute("src");
  procedures?.reset();
  booking?.reset();
  if (kiosk.language !== "vi") {
    kiosk.language = "vi"; // the next person starts in Vietnamese
    applyLanguage();
    scheduleRefresh(0);
  }
  show(kiosk.isLoaded ? "start" : "loading");
  renderStart();
}

let countdownTimer = null;

function startCountdown(elementId, seconds) {
  stopCountdown();
  let left = seconds;
  const element = $(elementId);
  const tick = () => {
    if (left <= 0) {
      backToStart();
      return;
    }
    element.textContent = texts().countdown(left);
    left -= 1;
  };
  tick();
  countdownTimer = setInterval(tick, 1000);
}

function stopCountdown() {
  clearInterval(countdownTimer);
  countdownTimer = null;
}

// ---- clock ----

const clockFormat = (() => {
  const options = { hour: "2-digit", minute: "2-digit", hour12: false };
  try {
    return new Intl.DateTimeFormat("vi-VN", { ...options, timeZone: TIME_ZONE });
  } catch { // an unknown zone on an old browser: its own clock beats no kiosk at all
    return new Intl.DateTimeFormat("vi-VN", options);
  }
})();

function tickClock() {
  $("clock").textContent = clockFormat.format(new Date(Date.now() + kiosk.clockOffsetMs));
}

// ---- start ----

async function start() {
  $("language").addEventListener("click", switchLanguage);
  $("priority-button").addEventListener("click", openPriorities);
  $("priority-back").addEventListener("click", () => { show("start"); renderStart(); });
  $("priority-cancel").addEventListener("click", cancelPriority);
  $("card-cancel").addEventListener("click", forgetCard);
  $("ticket-done").addEventListener("click", backToStart);
  $("message-back").addEventListener("click", backToStart);
  $("sms-offer").addEventListener("click", openSms);
  $("sms-skip").addEventListener("click", backToStart);
  $("sms-send").addEventListener("click", sendSms);
  for (const button of document.querySelectorAll(".channel-button")) {
    button.addEventListener("click", () => {
      kiosk.channel = button.dataset.channel;
      armIdle();
      renderSms();
    });
  }
  for (const key of document.querySelectorAll("#keypad [data-key]")) {
    key.addEventListener("click", () => pressKey(key.dataset.key));
  }
  document.addEventListener("pointerdown", armIdle, { passive: true });
  tickClock();
  setInterval(tickClock, 5000);

  kiosk.token = readToken();
  kiosk.isPaired = await checkPairing();
  if (!kiosk.isPaired) return;
  procedures = setUpProcedures({
    officeApi: OFFICE_API, show, showMessage, showUnpaired, takeNumber, backToStart, armIdle,
    isOnline, language: () => kiosk.language, token: () => kiosk.token,
    isBusy: () => kiosk.isBusy, screen: () => kiosk.screen,
  });
  booking = setUpBooking({
    officeApi: OFFICE_API, show, showMessage, showTicket, showUnpaired, backToStart, armIdle,
    language: () => kiosk.language, token: () => kiosk.token,
  });
  listenForCards(onCard);
  connectLive();
  await refresh();
}

start();
