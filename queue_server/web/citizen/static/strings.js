// Every text of the ticket page and the rating tablet comes from the server's message catalogue
// (msgctxt "citizen"), embedded in the page as JSON: Vietnamese first, English second.
// Plain strings fill elements marked data-text="key"; functions format values.

const embedded = document.getElementById("citizen-texts");
const CATALOGUE = embedded ? JSON.parse(embedded.textContent) : {};

/** "{name}" placeholders filled from values, as Python's str.format does on the server. */
export function fill(text, values) {
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

function strings(language) {
  const texts = CATALOGUE[language] || {};
  const text = (key, values = {}) => fill(texts[key] ?? "", values);
  return {
    ...texts,
    nearText: (ahead) => (ahead === 0 ? text("nearTextNext")
      : ahead === 1 ? text("nearTextOne", { ahead }) : text("nearText", { ahead })),
    counterName: (number) => text("counterName", { number }),
    statusWaiting: (ahead) => (ahead === 0 ? text("statusWaitingNext")
      : ahead === 1 ? text("statusWaitingOne", { ahead }) : text("statusWaiting", { ahead })),
    statusCalled: (counter) => text("statusCalled", { counter }),
    minutes: (count) => text("minutes", { count }),
    hoursMinutes: (hours, minutes) => (minutes ? text("hoursMinutes", { hours, minutes })
      : text("hours", { hours })),
    updated: (time) => text("updated", { time }),
    // the rating form: keyed by the codes the API takes
    levels: { 5: text("level_5"), 4: text("level_4"), 3: text("level_3"), 2: text("level_2"),
      1: text("level_1"), "3/3": text("level3_3"), "3/2": text("level3_2"),
      "3/1": text("level3_1") },
    reasons: {
      officer_attitude: text("reason_officer_attitude"),
      waiting_time: text("reason_waiting_time"),
      procedure_unclear: text("reason_procedure_unclear"),
      asked_to_come_back: text("reason_asked_to_come_back"),
      facilities: text("reason_facilities"),
      other: text("reason_other"),
    },
    visits: { first: text("visit_first"), second: text("visit_second"),
      three_or_more: text("visit_three_or_more") },
    // the rating tablet
    countdown: (seconds) => text("countdown", { seconds }),
    sendCountdown: (seconds) => text("sendCountdown", { seconds }),
  };
}

export const STRINGS = { vi: strings("vi"), en: strings("en") };
export const LANGUAGE_KEY = "queue.language";

// The remembered language, Vietnamese unless English was chosen on this device.
export function savedLanguage() {
  try { return localStorage.getItem(LANGUAGE_KEY) === "en" ? "en" : "vi"; } catch { return "vi"; }
}

export function saveLanguage(language) {
  try { localStorage.setItem(LANGUAGE_KEY, language); } catch { /* kept for this page only */ }
}

// Fill every [data-text] and [data-page-text] element and the language button.
export function applyTexts(language) {
  const strings = STRINGS[language];
  document.documentElement.lang = language;
  for (const element of document.querySelectorAll("[data-text]")) {
    const value = strings[element.dataset.text];
    if (typeof value === "string") element.textContent = value;
  }
  // Texts the server composed for this office (the privacy notice), not catalogue keys.
  for (const element of document.querySelectorAll("[data-page-text]")) {
    const value = strings[element.dataset.pageText];
    if (typeof value === "string") element.textContent = value;
  }
  const switcher = document.getElementById("language");
  if (switcher) {
    switcher.textContent = strings.languageSwitch;
    switcher.lang = language === "vi" ? "en" : "vi";
  }
}

// "khoảng 25 phút", "sắp được gọi"; null when there is no estimate.
export function waitText(strings, seconds) {
  if (seconds === null || seconds === undefined) return null;
  if (seconds < 60) return strings.soon;
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? strings.minutes(minutes)
    : strings.hoursMinutes(Math.floor(minutes / 60), minutes % 60);
}
