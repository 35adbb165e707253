// The "tạm ngừng cấp số / mất kết nối" state of the kiosk, TV and console, and their service
// worker. Included by templates/offline.hook.html; it never touches the page's own code.
(() => {
  "use strict";

  const script = document.currentScript;
  const screen = script.dataset.screen;
  const healthUrl = script.dataset.health;
  const texts = JSON.parse(document.getElementById("offline-texts").textContent);
  const ONLINE_CHECK_MS = 10000;   // while all is well: one light request per screen
  const OFFLINE_CHECK_MS = 2000;   // while cut off: back within seconds of the server
  const RECHECK_MS = 1000;         // one failure is checked again at once before it counts
  const PROBE_TIMEOUT_MS = 5000;   // a busy server is slow, not gone: only no answer counts

  let loadedOffline = null;  // unknown until the first check
  let failures = 0;
  let offlineSince = null;
  let timer = null;
  let overlay = null;

  function build() {
    const vi = texts.vi;
    const en = texts.en || vi;
    const box = document.createElement("div");
    box.className = "offline-state";
    box.id = "offline-state";
    box.dataset.screen = screen;
    box.setAttribute("role", "alert");
    box.setAttribute("aria-live", "assertive");
    box.hidden = true;
    const add = (tag, className, text, language) => {
      const element = document.createElement(tag);
      element.className = className;
      element.textContent = text;
      if (language) element.lang = language;
      box.appendChild(element);
      return element;
    };
    add("h1", "offline-title", vi.title, "vi");
    add("p", "offline-text", vi.text, "vi");
    add("p", "offline-english", `${en.title}. ${en.text}`, "en");
    const retrying = add("p", "offline-retrying", vi.retrying, "vi");
    document.body.appendChild(box);
    return { box, retrying };
  }

  function clock(moment) {
    return moment.toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit" });
  }

  function showOffline() {
    if (offlineSince === null) {
      offlineSince = new Date();
      console.warn(`[offline] server unreachable since ${offlineSince.toISOString()}`);
    }
    overlay = overlay || build();
    overlay.retrying.textContent =
      `${texts.vi.retrying} ${texts.vi.since.replace("{time}", clock(offlineSince))}`;
    overlay.box.hidden = false;
    document.documentElement.dataset.offline = "true";
  }

  function recover() {
    const lasted = offlineSince ? Math.round((Date.now() - offlineSince) / 1000) : 0;
    if (loadedOffline) {
      // This page came from the worker's copy: its own start-up failed, so start it again.
      console.info(`[offline] server back after ${lasted} s; reloading the page`);
      window.location.reload();
      return;
    }
    if (offlineSince !== null) {
      console.info(`[offline] server back after ${lasted} s`);
    }
    offlineSince = null;
    if (overlay) overlay.box.hidden = true;
    delete document.documentElement.dataset.offline;
    window.dispatchEvent(new CustomEvent("queue:reconnected", { detail: { seconds: lasted } }));
  }

  async function probe() {
    const controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(), PROBE_TIMEOUT_MS);
    try {
      const response = await fetch(healthUrl, { cache: "no-store", signal: controller.signal });
      return response.ok;
    } catch (error) {
      return false;
    } finally {
      clearTimeout(timeout);
    }
  }

  async function check() {
    clearTimeout(timer);
    const isUp = await probe();
    if (loadedOffline === null) loadedOffline = !isUp;
    if (isUp) {
      failures = 0;
      if (offlineSince !== null || loadedOffline) recover();
    } else {
      failures += 1;
      if (failures >= 2 || loadedOffline) showOffline();
    }
    const wait = offlineSince !== null ? OFFLINE_CHECK_MS : failures ? RECHECK_MS : ONLINE_CHECK_MS;
    timer = setTimeout(check, wait);
  }

  function keepThisPage(registration) {
    const worker = registration.active;
    if (!worker) return;
    const loaded = performance.getEntriesByType("resource").map((entry) => entry.name);
    worker.postMessage({ type: "keep", urls: [window.location.href, ...loaded] });
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(script.dataset.worker)
      .then(() => navigator.serviceWorker.ready)
      .then(keepThisPage)
      .catch((error) => console.warn("[offline] no service worker:", error));
  }
  window.addEventListener("offline", check);
  window.addEventListener("online", check);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") check();
  });
  check();
})();
