// Numbers and dates as people read them, with the page's locale: the same CLDR locale the
// server formats with (Babel), so "78,3%" and "10/12/2026" read the same on every screen.

const numberFormats = new Map();

function formatter(locale, options) {
  const key = `${locale}|${JSON.stringify(options)}`;
  if (!numberFormats.has(key)) numberFormats.set(key, new Intl.NumberFormat(locale, options));
  return numberFormats.get(key);
}

/** 1.234,5 (vi-VN) or 1,234.5 (en-GB); null when there is no value. */
export function numberText(locale, value, digits = 1) {
  if (value === null || value === undefined) return null;
  return formatter(locale, { maximumFractionDigits: digits }).format(value);
}

/** A share (0.783) as 78,3% (vi-VN) or 78.3% (en-GB); null when there is no value. */
export function percentText(locale, share, digits = 1) {
  if (share === null || share === undefined) return null;
  return formatter(locale, { style: "percent", maximumFractionDigits: digits }).format(share);
}

/** dd/mm/yyyy from an ISO date or local date-time, without converting time zones. */
export function dayText(iso) {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
  return match ? `${match[3]}/${match[2]}/${match[1]}` : "";
}

/** Chart.js draws its ticks and tooltips with the page's locale. */
export function localiseCharts(locale) {
  if (typeof window.Chart === "function") window.Chart.defaults.locale = locale;
}
