// The counter's rating tablet: paired with a device token like the kiosk; shows the form for
// the ticket the counter just finished, and goes back to idle after about 30 seconds. A tapped
// level is the answer: left alone that long, it is sent rather than lost.
import { STRINGS, applyTexts } from "./strings.js";
import { follow } from "./live.js";
import { RatingForm, postRating } from "./rating-form.js";

const config = JSON.parse(document.getElementById("tablet-config").textContent);
const API = `${config.root}/api/v1`;
const TOKEN_KEY = `queue.rating.token.${config.office}`;
const FORM_SECONDS = 30; // a tap gives the citizen this long again
const THANKS_MS = 6000;

const tablet = {
  language: "vi",
  token: null,
  asking: null, // the finished ticket being rated: {code, number, …}
  asked: new Set(), // codes already put to a citizen: a resync never asks again
  secondsLeft: 0,
  isOnline: null,
};

const $ = (id) => document.getElementById(id);

function show(screen) {
  document.body.dataset.screen = screen;
  for (const section of document.querySelectorAll("main [data-screen]")) {
    section.hidden = section.dataset.screen !== screen;
  }
}

function setLanguage(language) {
  tablet.language = language;
  applyTexts(language);
  form.setLanguage(language);
  renderCountdown();
}

// ---- pairing (as the kiosk: the token comes once in the address, then from storage) ----

function readToken() {
  const address = new URL(location.href);
  const fromAddress = address.searchParams.get("token");
  if (fromAddress !== null) {
    address.searchParams.delete("token");
    history.replaceState(history.state, "", address.pathname + address.search + address.hash);
    if (fromAddress.trim()) {
      try { localStorage.setItem(TOKEN_KEY, fromAddress.trim()); } catch { /* memory only */ }
      return fromAddress.trim();
    }
  }
  try { return localStorage.getItem(TOKEN_KEY); } catch { return null; }
}

async function isPaired() {
  if (!tablet.token) return false;
  for (let attempt = 0; ; attempt += 1) {
    try {
      const response = await fetch(`${API}/devices/me`, {
        headers: { Authorization: `Bearer ${tablet.token}` }, cache: "no-store",
      });
      if (response.status === 200) {
        const device = await response.json();
        return device.kind === "rating" && device.office === config.office;
      }
      if (response.status === 401 || response.status === 403) return false;
    } catch { /* the network: try again */ }
    await new Promise((resolve) => setTimeout(resolve, Math.min(15000, 1000 * 2 ** attempt)));
  }
}

// ---- asking ----

let timer = null;

function ask(request) {
  if (!request || !request.code || request.counter !== config.counter) return;
  if (tablet.asked.has(request.code)) return; // the same finish, heard twice
  if (tablet.asking && form.hasPending()) sendNow(tablet.asking.code, form.body());
  if (tablet.asked.size > 50) tablet.asked.clear();
  tablet.asked.add(request.code);
  tablet.asking = request;
  form.setForm(request.form);
  form.reset();
  $("asking-number").textContent = request.number;
  show("form");
  startTimer(Math.max(5, Math.min(FORM_SECONDS, request.expires_in_s ?? FORM_SECONDS)));
}

function startTimer(seconds) {
  clearInterval(timer);
  tablet.secondsLeft = seconds;
  renderCountdown();
  timer = setInterval(() => {
    tablet.secondsLeft -= 1;
    if (tablet.secondsLeft > 0) renderCountdown();
    else if (form.hasPending()) {
      clearInterval(timer);
      form.sendPending(); // thanks on success; idles below when it cannot be sent
    } else idle();
  }, 1000);
}

function renderCountdown() {
  const strings = STRINGS[tablet.language];
  const text = form.hasPending() ? strings.sendCountdown : strings.countdown;
  $("countdown").textContent = tablet.asking ? text(tablet.secondsLeft) : "";
}

// The previous citizen's choice, sent as the next one is asked.
function sendNow(code, body) {
  postRating(`${API}/tickets/${encodeURIComponent(code)}/feedback`, body, tablet.token);
}

function idle() {
  clearInterval(timer);
  tablet.asking = null;
  if (tablet.language !== "vi") setLanguage("vi"); // the next citizen starts in Vietnamese
  show("idle");
}

function thank(outcome) {
  clearInterval(timer);
  tablet.asking = null;
  $("thanks-text").textContent = STRINGS[tablet.language][outcome === "sent" ? "thanks" : "alreadyRated"];
  show("thanks");
  timer = setTimeout(idle, THANKS_MS);
}

const form = new RatingForm($("rating-form"), {
  submit: (body) => postRating(`${API}/tickets/${encodeURIComponent(tablet.asking.code)}/feedback`,
    body, tablet.token),
  onInteract: () => { if (tablet.asking) startTimer(Math.max(tablet.secondsLeft, FORM_SECONDS)); },
  onChange: renderCountdown,
  onDone: thank,
  onFailed: () => { if (tablet.secondsLeft <= 0) idle(); },
});

// ---- start ----

function onSnapshot(snapshot) {
  if (snapshot?.ticket && snapshot.ticket.expires_in_s > 0) ask(snapshot.ticket);
  else if (document.body.dataset.screen === "loading") idle();
}

async function start() {
  applyTexts("vi");
  form.setLanguage("vi");
  $("language").addEventListener("click", () => setLanguage(tablet.language === "vi" ? "en" : "vi"));
  tablet.token = readToken();
  if (!(await isPaired())) {
    show("unpaired");
    return;
  }
  const live = follow({
    root: config.root,
    auth: { token: tablet.token },
    subscription: { channel: "rating", office: config.office, counter: config.counter },
    onSnapshot,
    onError: () => show("unpaired"),
    onOnline: (isOnline) => { $("connection").hidden = isOnline; },
    events: { rating_requested: ask },
  });
  if (live === null) show("idle");
}

start();
