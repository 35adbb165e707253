// Every text the kiosk shows comes from the server's message catalogue (msgctxt "kiosk"),
// embedded in the page as JSON: Vietnamese first, English second, the same words as the slip.
// Plain strings fill elements marked data-text="key"; functions format values.

const embedded = document.getElementById("kiosk-texts");
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
    priorityChosen: (name) => text("priorityChosen", { name }),
    countdown: (seconds) => text("countdown", { seconds }),
    waitingCount: (count) => (count === 0 ? text("waitingNobody") : text("waitingCount", { count })),
    waitEstimate: (span) => text("waitEstimate", { span }),
    aheadCount: (count) => (count === 0 ? text("aheadNobody") : text("aheadCount", { count })),
    minutes: (count) => text("minutes", { count }),
    hoursMinutes: (hours, minutes) => (minutes ? text("hoursMinutes", { hours, minutes }) : text("hours", { hours })),
    counterList: (numbers) => numbers.join(", "),
    smsConsent: (hours) => text("smsConsent", { hours }),
    smsDone: (ahead) => (ahead === 1 ? text("smsDoneOne", { ahead }) : text("smsDone", { ahead })),
    cardGreeting: (address, name, isElderly) =>
      text(isElderly ? "cardGreetingPriority" : "cardGreeting", { address, name }),
    zaloDone: (ahead) => (ahead === 1 ? text("zaloDoneOne", { ahead }) : text("zaloDone", { ahead })),
  };
}

export const STRINGS = { vi: strings("vi"), en: strings("en") };

// "khoảng 25 phút", "khoảng 1 giờ 10 phút"; null when there is no estimate.
export function waitText(texts, seconds) {
  if (seconds === null || seconds === undefined) return null;
  if (seconds < 60) return texts.soon;
  const minutes = Math.round(seconds / 60);
  const span = minutes < 60
    ? texts.minutes(minutes)
    : texts.hoursMinutes(Math.floor(minutes / 60), minutes % 60);
  return texts.waitEstimate(span);
}

// "09:05 26/11/2026" from the server's local ISO time, without converting time zones.
export function issuedText(iso) {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso || "");
  if (!match) return "";
  const [, year, month, day, hour, minute] = match;
  return `${hour}:${minute} ${day}/${month}/${year}`;
}
